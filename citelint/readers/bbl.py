"""biblatex ``.bbl`` lists (written by biber): one Reference per ``\\entry … \\endentry``.

A biblatex document compiled with biber keeps its printed list in the ``.bbl`` as data, not as
``\\bibitem`` text: ``\\name{author}`` blocks of ``family=``/``given=`` parts, ``\\field{title}``,
``\\field{journaltitle}``, ``\\field{pages}``, ``\\field{eid}`` (an article number),
``\\verb{doi}``… arXiv sources carry such a file instead of the ``.bib``. The entries become CSL
items, read like the other structured formats, located by line and key.
"""

from __future__ import annotations

import re
from typing import Any

from citelint.models import Location, Reference
from citelint.readers import line_at
from citelint.readers.bibtex import TYPES, brace_group, decode_latex
from citelint.readers.csl import reference_from_csl

_ENTRY = re.compile(r"\\entry\s*\{([^{}]*)\}\s*\{([^{}]*)\}\s*\{[^{}]*\}(.*?)\\endentry", re.DOTALL)
_FIELD = re.compile(r"\\field\s*\{(\w+)\}\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}")
_VERB = re.compile(r"\\verb\s*\{(\w+)\}\s*\\verb\s+(.*?)\s*\\endverb", re.DOTALL)
_NAMES = re.compile(r"\\name\s*\{(author|editor)\}\s*\{\d+\}\s*\{[^{}]*\}\s*\{")
_NAME_PART = re.compile(r"\b(family|given|prefix|suffix)=\{((?:[^{}]|\{[^{}]*\})*)\}")
_LIST = re.compile(r"\\list\s*\{(publisher|location)\}\s*\{\d+\}\s*\{%?\s*"
                   r"\{((?:[^{}]|\{[^{}]*\})*)\}")
# biblatex field → CSL variable
_FIELDS = {"title": "title", "subtitle": "subtitle", "journaltitle": "container-title",
           "booktitle": "container-title", "year": "issued", "volume": "volume",
           "number": "issue", "pages": "page", "eid": "article-number", "doi": "DOI",
           "url": "URL", "pmid": "PMID"}


def has_entries(text: str) -> bool:
    """Whether ``text`` is (or holds) a biber-written ``.bbl`` list."""
    return bool(re.search(r"\\entry\s*\{[^{}]*\}\s*\{\w+\}", text) and "\\endentry" in text)


def _names(body: str, role: str) -> list[dict[str, str]]:
    for match in _NAMES.finditer(body):
        if match.group(1) != role:
            continue
        names = []
        for person in re.split(r"\}\}%?\s*\{\{", brace_group(body, match.end() - 1)[0]):
            parts = {k: decode_latex(v) for k, v in _NAME_PART.findall(person)}
            if parts.get("family"):
                names.append({"family": parts["family"], "given": parts.get("given", ""),
                              "non-dropping-particle": parts.get("prefix", ""),
                              "suffix": parts.get("suffix", "")})
        return names
    return []


def _item(key: str, kind: str, body: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": TYPES.get(kind.lower(), "")}
    item["author"] = _names(body, "author") or _names(body, "editor")
    for name, value in [*_FIELD.findall(body), *_VERB.findall(body)]:
        variable = _FIELDS.get(name.lower())
        if variable and variable not in item:
            text = value.strip() if variable in ("DOI", "URL") else decode_latex(
                value.replace("\\bibrangedash", "-"))
            item[variable] = {"raw": text} if variable == "issued" else text
    if "subtitle" in item:
        item["title"] = f"{item.get('title', '')}: {item.pop('subtitle')}".strip(": ")
    for name, value in _LIST.findall(body):
        if name == "publisher":
            item["publisher"] = decode_latex(value)
    return item


def read_entries(text: str, path: str | None) -> list[Reference]:
    """Every ``\\entry`` of a biber ``.bbl``, in the order the file lists them."""
    refs = []
    for index, match in enumerate(_ENTRY.finditer(text), start=1):
        key, kind, body = match.group(1).strip(), match.group(2), match.group(3)
        location = Location(path, line=line_at(text, match.start()), key=key)
        refs.append(reference_from_csl(_item(key, kind, body), index, location, "bbl"))
    return refs
