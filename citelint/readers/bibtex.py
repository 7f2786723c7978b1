"""BibTeX/BibLaTeX reader: one Reference per ``@entry``, located by its line and citation key.

Parsing is bibtexparser v2's: its splitter, then small middlewares (string macros, enclosing
braces, field-key case, co-author separation, name-part splitting); LaTeX in field values is
decoded with pylatexenc (which bibtexparser itself uses). Identifier fields (doi, url, eprint) are
kept verbatim, since decoding would eat ``%20`` and ``~``. Blocks bibtexparser could not read
become References with ``parse_error``; the rest of the file is still read.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import bibtexparser
from bibtexparser.middlewares import (
    NameParts,
    NormalizeFieldKeys,
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from citelint.models import Location, Manuscript, Reference
from citelint.readers import reader
from citelint.readers.csl import reference_from_csl

_VERBATIM = {"doi", "url", "eprint", "pmid", "citelint-ignore", "citelint_ignore"}

# BibTeX/BibLaTeX entry types → CSL types (reference_from_csl maps these to Reference.type)
TYPES = {
    "article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "online": "webpage", "www": "webpage",
    "dataset": "dataset", "software": "software", "patent": "patent", "unpublished": "manuscript",
}
_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)\s*,")


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category("citelint", prepend=True,
                                 macros=[MacroTextSpec("url", simplify_repl="%s")])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


_LATEX = _decoder()


def decode_latex(text: str) -> str:
    """LaTeX markup to plain text: accents, ``\\emph``, ``{\\bf }``, ``~``, ``--``, braces."""
    try:
        text = _LATEX.latex_to_text(text)
    except Exception:  # pylatexenc gives up on some malformed input; keep it readable instead
        text = re.sub(r"\\[A-Za-z]+\s*|[{}]", "", text)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def brace_group(text: str, start: int, open_char: str = "{",
                close_char: str = "}") -> tuple[str, int]:
    """The balanced group starting at ``text[start]`` (an opening brace, or ``open_char``):
    (its content, the offset just after it). Escaped braces do not count."""
    depth = 0
    for pos in range(start, len(text)):
        char = text[pos]
        escaped = pos > 0 and text[pos - 1] == "\\"
        if char == open_char and not escaped:
            depth += 1
        elif char == close_char and not escaped:
            depth -= 1
            if depth == 0:
                return text[start + 1:pos], pos + 1
    return text[start + 1:], len(text)


# bibtexparser's loggers are process-wide: parses that quieten them take turns, so that one
# thread cannot restore the level another one set.
_QUIET_PARSE = threading.Lock()


def _parse(text: str) -> bibtexparser.Library:
    stack = [ResolveStringReferencesMiddleware(), RemoveEnclosingMiddleware(),
             NormalizeFieldKeys(), SeparateCoAuthors(), SplitNameParts()]
    logger = logging.getLogger("bibtexparser")
    with _QUIET_PARSE:
        level = logger.level
        logger.setLevel(logging.ERROR)  # failed blocks are reported by us, with the file name
        try:
            return bibtexparser.parse_string(text, parse_stack=stack)
        finally:
            logger.setLevel(level)


def _names(value: Any) -> list[dict[str, str]]:
    """bibtexparser's name parts (or an unsplit name string) → CSL name objects."""
    if isinstance(value, str):
        value = split_multiple_persons_names(value)
    out = []
    for name in value if isinstance(value, list) else []:
        if isinstance(name, NameParts):
            family = decode_latex(" ".join(name.last))
            given = decode_latex(" ".join(name.first))
            parts = {"family": family, "given": given,
                     "non-dropping-particle": decode_latex(" ".join(name.von)),
                     "suffix": decode_latex(" ".join(name.jr))}
            out.append({k: v for k, v in parts.items() if v} if given or name.von
                       else {"literal": family})
        else:
            out.append({"literal": decode_latex(str(name))})
    return out


def entry_to_csl(entry: Entry) -> dict[str, Any]:
    """The fields of one BibTeX entry as a CSL item (names split, LaTeX decoded)."""
    fields: dict[str, Any] = {}
    for field in entry.fields:
        key = field.key.lower()
        value = field.value
        if key in ("author", "editor"):
            fields[key] = _names(value)
        elif isinstance(value, str):
            fields[key] = value.strip() if key in _VERBATIM else decode_latex(value)
    item: dict[str, Any] = {"id": entry.key, "type": TYPES.get(entry.entry_type.lower(), "")}
    item["author"] = fields.get("author") or fields.get("editor") or []
    item["title"] = fields.get("title")
    item["container-title"] = (fields.get("journal") or fields.get("journaltitle")
                               or fields.get("booktitle"))
    item["issued"] = {"raw": fields.get("year") or fields.get("date") or ""}
    item["volume"] = fields.get("volume")
    item["issue"] = fields.get("number") or fields.get("issue")
    item["page"] = fields.get("pages")
    item["article-number"] = fields.get("eid") or fields.get("articleno")
    item["publisher"] = fields.get("publisher") or fields.get("school") or fields.get(
        "institution")
    item["DOI"] = fields.get("doi")
    item["PMID"] = fields.get("pmid") or (
        fields.get("eprint") if fields.get("eprinttype", "").lower() == "pubmed" else None)
    item["URL"] = fields.get("url")
    item["citelint-ignore"] = fields.get("citelint-ignore") or fields.get("citelint_ignore")
    return item


def _failed_reference(block: ParsingFailedBlock, index: int, path: str | None) -> Reference:
    raw = (block.raw or "").strip()
    key_match = _KEY.search(raw)
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    line = block.start_line + 1 if block.start_line is not None else None
    return Reference(
        index=index,
        raw=re.sub(r"\s+", " ", raw)[:300],
        location=Location(path, line=line, key=key_match.group(1) if key_match else None),
        parse_error=f"the BibTeX entry could not be read: {reason.strip()}",
    )


def read_library(text: str, path: str | None) -> tuple[list[Reference], list[str]]:
    """Every entry of a BibTeX text as References (file order), and located problems."""
    refs: list[Reference] = []
    problems: list[str] = []
    where = path or "<input>"
    for block in _parse(text).blocks:
        line = block.start_line + 1 if block.start_line is not None else None
        entry: Entry | None = None
        if isinstance(block, Entry):
            entry = block
        elif isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block,
                                                                      Entry):
            problems.append(f"{where}:{line}: the citation key {block.key!r} is used by an "
                            "earlier entry too.")
            # the duplicate skipped the middlewares: parse it again on its own
            entry = next((b for b in _parse(block.raw or "").blocks if isinstance(b, Entry)),
                         None)
        elif isinstance(block, MiddlewareErrorBlock) and isinstance(block.ignore_error_block,
                                                                    Entry):
            entry = block.ignore_error_block
            problems.append(f"{where}:{line}: entry {entry.key!r} was read only in part "
                            f"({block.error}).")
        elif isinstance(block, ParsingFailedBlock):
            refs.append(_failed_reference(block, len(refs) + 1, path))
            continue
        if entry is not None:
            location = Location(path, line=line, key=entry.key)
            refs.append(reference_from_csl(entry_to_csl(entry), len(refs) + 1, location,
                                           "bibtex"))
    return refs, problems


def sniff(text: str) -> bool:
    """Looks like BibTeX: an ``@type{key,`` line, and not a LaTeX document."""
    return bool(re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]\s*[^,\s]+\s*,", text, re.MULTILINE)) and (
        "\\documentclass" not in text and "\\bibitem" not in text)


@reader("bibtex", extensions=(".bib",), sniff=sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a .bib file: every entry, in file order."""
    refs, problems = read_library(text, path)
    return Manuscript(path=path, format="bibtex", references=refs, problems=problems)
