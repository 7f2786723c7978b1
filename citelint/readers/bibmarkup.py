"""The markup of ``\\bibitem`` text that BibTeX styles write: revtex (``apsrev4-2``, ``aipnum``),
natbib and AAS. Turns it into the plain citation text it prints, and reads the fields revtex
tags.

A revtex ``.bbl`` prints each reference through ``\\BibitemOpen``, ``\\bibfield{author}{…}``,
``\\bibinfo{journal}{…}``, ``\\href{\\doibase 10.…}{…}`` and ``\\BibitemShut{NoStop}``; AAS lists
write journals as macros (``\\apj``). Left in, the markup reads as nonsense. The plain text goes
through the plain-text citation parser like any printed reference; the ``\\bibinfo`` tags are the
fields BibTeX itself wrote into the item, so where an item has them they are taken as given
(never guessed from the text). Nothing here runs TeX.
"""

from __future__ import annotations

import re
from typing import Any

from citelint.readers.bibtex import brace_group, decode_latex
from citelint.readers.journal_macros import expand_journal_macros

_OPEN_SHUT = re.compile(r"\\BibitemOpen\b\s*|\\BibitemShut\s*\{(\w*)\}")
_HREF = re.compile(r"\\href(@noop)?\s*(?=\{)")
_DOIBASE = re.compile(r"\\doibase\s*")
_TAG = re.compile(r"\\(?:bibinfo|bibfield)\s*\{(\w+)\}\s*(?=\{)")
_INFO = re.compile(r"\\bibinfo\s*\{(\w+)\}\s*(?=\{)")
_NAME_PART = re.compile(r"\\(bibnamefont|bibfnamefont)\s*(?=\{)")
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/)(10\.\S+)")
# revtex's \bibinfo field names → CSL variables
_FIELDS = {"title": "title", "journal": "container-title", "booktitle": "container-title",
           "volume": "volume", "number": "issue", "pages": "page", "year": "issued",
           "publisher": "publisher", "doi": "DOI", "eid": "article-number"}


def _links(text: str) -> str:
    """``\\href{url}{label}`` → the label and the URL (a DOI as ``doi:10.…``);
    ``\\href@noop{}{label}`` → the label."""
    out, pos = [], 0
    for match in _HREF.finditer(text):
        if match.start() < pos:
            continue  # inside a label already taken
        url, end = brace_group(text, match.end())
        after = end
        while after < len(text) and text[after].isspace():
            after += 1
        label, end = brace_group(text, after) if text.startswith("{", after) else ("", end)
        url = _DOIBASE.sub("https://doi.org/", url).strip()
        doi = _DOI.match(url)
        link = "" if match.group(1) else (f" doi:{doi.group(1)}" if doi else f" \\url{{{url}}}")
        out += [text[pos:match.start()], "{", _links(label), "}", link]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def decode_bibitem(body: str) -> str:
    """A ``\\bibitem``'s text (after its key) as the plain text it prints."""
    text = _OPEN_SHUT.sub(lambda m: "." if m.group(1) == "Stop" else "", body)
    text = _links(text)
    text = _DOIBASE.sub("https://doi.org/", text)
    text = _TAG.sub("", text)
    return expand_journal_macros(text)


def _tags(body: str) -> list[tuple[str, str]]:
    """Each ``\\bibinfo{name}{value}`` of a body, in order, with its value as written."""
    found = []
    for match in _INFO.finditer(body):
        value, _ = brace_group(body, match.end())
        found.append((match.group(1), value))
    return found


def _name(value: str) -> dict[str, str]:
    parts: dict[str, list[str]] = {"bibnamefont": [], "bibfnamefont": []}
    for match in _NAME_PART.finditer(value):
        parts[match.group(1)].append(decode_latex(brace_group(value, match.end())[0]))
    if not parts["bibnamefont"]:
        return {"literal": decode_latex(value).strip(" ,")}
    given = parts["bibfnamefont"][:1]
    return {"family": " ".join(parts["bibnamefont"]), "given": " ".join(given)}


def tagged_fields(body: str) -> dict[str, Any]:
    """The fields revtex tags in a ``\\bibitem`` body (``\\bibinfo{author}{…}``…) as a CSL item;
    empty when it tags none."""
    item: dict[str, Any] = {}
    authors = []
    for name, value in _tags(body):
        if name == "author":
            authors.append(_name(value))
        elif name in _FIELDS and _FIELDS[name] not in item:
            text = decode_latex(expand_journal_macros(value)).strip(" ,")
            item[_FIELDS[name]] = {"raw": text} if name == "year" else text
    if authors:
        item["author"] = authors
    if item and "DOI" not in item:
        link = _DOI.search(_DOIBASE.sub("https://doi.org/", body))
        if link:
            item["DOI"] = link.group(1).rstrip("}")
    return item
