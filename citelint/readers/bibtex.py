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
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    NameParts,
    NormalizeFieldKeys,
    RemoveEnclosingMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.middleware import LibraryMiddleware
from bibtexparser.middlewares.names import split_multiple_persons_names
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from citelint.models import Location, Manuscript, Reference
from citelint.readers import reader
from citelint.readers.csl import reference_from_csl
from citelint.readers.journal_macros import expand_journal_macros

_VERBATIM = {"doi", "url", "eprint", "pmid", "isbn", "citelint-ignore", "citelint_ignore"}
_CONTAINERS = {"journal", "journaltitle", "booktitle"}

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
    return LatexNodes2Text(latex_context=context, math_mode="text")


_LATEX = _decoder()


# pylatexenc's parser takes time exponential in the nesting of optional arguments ("[") of
# macros that take one, and in unclosed ones ("\\cite[" x 20 never returns): deeper or unclosed
# brackets are made literal ("{[}") before it sees them.
_MAX_BRACKET_DEPTH = 2


def _literal_deep_brackets(text: str) -> str:
    if "[" not in text:
        return text
    open_at: list[int] = []
    literal: set[int] = set()
    for pos, char in enumerate(text):
        if pos and text[pos - 1] == "\\":
            continue
        if char == "[":
            if len(open_at) >= _MAX_BRACKET_DEPTH:
                literal.add(pos)
            open_at.append(pos)
        elif char == "]" and open_at:
            if open_at.pop() in literal:
                literal.add(pos)
    literal.update(open_at)  # never closed
    if not literal:
        return text
    return "".join(f"{{{c}}}" if i in literal else c for i, c in enumerate(text))


def decode_latex(text: str) -> str:
    """LaTeX markup to plain text: accents, ``\\emph``, ``{\\bf }``, ``~``, ``--``, braces."""
    try:
        text = _LATEX.latex_to_text(_literal_deep_brackets(text))
    except Exception:  # pylatexenc gives up on some malformed input; keep it readable instead
        text = re.sub(r"\\[A-Za-z]+\s*|[{}]", "", text)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def brace_group(text: str, start: int, open_char: str = "{",
                close_char: str = "}", end: int | None = None) -> tuple[str, int]:
    """The balanced group starting at ``text[start]`` (an opening brace, or ``open_char``):
    (its content, the offset just after it). Escaped braces do not count. A group still open at
    ``end`` (default: the end of the text) ends there: callers that look for many groups bound
    it, or an unclosed brace in each would make them scan the rest of the text every time."""
    end = len(text) if end is None else min(end, len(text))
    depth = 0
    for pos in range(start, end):
        char = text[pos]
        escaped = pos > 0 and text[pos - 1] == "\\"
        if char == open_char and not escaped:
            depth += 1
        elif char == close_char and not escaped:
            depth -= 1
            if depth == 0:
                return text[start + 1:pos], pos + 1
    return text[start + 1:end], end


# the month macros every BibTeX style defines
_MONTHS = {m[:3].lower(): m for m in ("January", "February", "March", "April", "May", "June",
                                      "July", "August", "September", "October", "November",
                                      "December")}
_UNDEFINED = "citelint_undefined_strings"


def concatenated_parts(value: str) -> list[str]:
    """The parts of a BibTeX field value joined by ``#`` (outside braces and quotes), stripped:
    ``{A and } # POLLACK # { and B}`` gives ``["{A and }", "POLLACK", "{ and B}"]``."""
    parts, depth, quoted, start = [], 0, False, 0
    for pos, char in enumerate(value):
        escaped = pos > 0 and value[pos - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:pos].strip())
            start = pos + 1
    parts.append(value[start:].strip())
    return parts


def _expand_value(value: str, strings: dict[str, str], undefined: list[str]) -> str:
    """A raw field value with its ``@string`` macros replaced and its ``#`` parts joined, as
    BibTeX does; names no ``@string`` defines go to ``undefined`` (BibTeX warns and prints
    nothing for them)."""
    text = []
    for part in concatenated_parts(value):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            text.append(part[1:-1])
        elif part.isdigit():
            text.append(part)
        elif part.lower() in strings:
            text.append(strings[part.lower()])
        elif part.lower() in _MONTHS:
            text.append(_MONTHS[part.lower()])
        elif part:
            undefined.append(part)
    return "".join(text)


class _ResolveStrings(LibraryMiddleware):
    """``@string`` macros and ``#`` concatenation, as BibTeX reads them (bibtexparser's own
    middleware replaces a field only when it is one macro name alone). Each value comes back
    in braces, for the enclosure middleware to remove."""

    @classmethod
    def metadata_key(cls) -> str:
        return "citelint_resolve_strings"

    def transform(self, library: Library) -> Library:
        strings: dict[str, str] = {}
        for block in library.strings:  # in file order: a macro may use the ones before it
            strings[block.key.lower()] = _expand_value(str(block.value), strings, [])
        for entry in library.entries:
            undefined: list[str] = []
            for field in entry.fields:
                if isinstance(field.value, str) and not _enclosed_once(field.value):
                    field.value = "{" + _expand_value(field.value, strings, undefined) + "}"
            if undefined:
                entry.parser_metadata[_UNDEFINED] = undefined
        return library


def _enclosed_once(value: str) -> bool:
    """A value that is one braced or quoted group, with nothing to expand."""
    parts = concatenated_parts(value)
    return len(parts) == 1 and len(value) >= 2 and (value[0], value[-1]) in (("{", "}"),
                                                                               ('"', '"'))


# bibtexparser's loggers are process-wide: parses that quieten them take turns, so that one
# thread cannot restore the level another one set.
_QUIET_PARSE = threading.Lock()


def _parse(text: str) -> bibtexparser.Library:
    stack = [_ResolveStrings(), RemoveEnclosingMiddleware(),
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
        elif isinstance(value, str) and key in _VERBATIM:
            fields[key] = value.strip()
        elif isinstance(value, str):
            if key in _CONTAINERS:
                value = expand_journal_macros(value)
            fields[key] = decode_latex(value)
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
    item["ISBN"] = fields.get("isbn")
    # BibTeX's archivePrefix = {arXiv} / biblatex's eprinttype = {arxiv} with eprint = {2101.12345}
    if "arxiv" in (fields.get("archiveprefix", "") + fields.get("eprinttype", "")).lower():
        item["arxiv"] = fields.get("eprint")
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


def _blocks(text: str, path: str | None,
            problems: list[str]) -> list[tuple[Entry | ParsingFailedBlock, int | None]]:
    """The entries of one BibTeX text (and the blocks that could not be read), with lines."""
    found: list[tuple[Entry | ParsingFailedBlock, int | None]] = []
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
            found.append((block, line))
        if entry is not None:
            undefined = entry.parser_metadata.get(_UNDEFINED)
            if undefined:
                names = ", ".join(repr(n) for n in dict.fromkeys(undefined))
                problems.append(f"{where}:{line}: entry {entry.key!r} uses {names}, which no "
                                "@string defines; BibTeX prints nothing there. Define it or "
                                "write the text in braces.")
            found.append((entry, line))
    return found


# fields an entry never takes from the one it cross-references
_NOT_INHERITED = {"crossref", "xref", "ids", "entryset", "label", "shorthand", "citelint-ignore",
                  "citelint_ignore"}
_PART_TYPES = {"inproceedings", "incollection", "inbook", "conference", "inreference"}


def _inherit(entry: Entry, parents: dict[str, Entry], seen: tuple[str, ...] = ()) -> bool:
    """Give ``entry`` the fields of the entry its ``crossref`` names (by key, in any case) that
    it lacks, as BibTeX does; a part of a book or proceedings also takes the parent's title as
    its ``booktitle`` when it has none, as biblatex does. False when no entry has that key."""
    name = entry.fields_dict.get("crossref")
    if name is None or not isinstance(name.value, str):
        return True
    parent = parents.get(name.value.strip().lower())
    if parent is None:
        return False
    if parent.key.lower() not in seen:  # a parent may cross-reference in turn
        _inherit(parent, parents, (*seen, entry.key.lower()))
    own = entry.fields_dict
    for field in parent.fields:
        if field.key not in own and field.key not in _NOT_INHERITED:
            entry.set_field(Field(field.key, field.value))
    title = parent.fields_dict.get("title")
    if (entry.entry_type.lower() in _PART_TYPES and title is not None
            and "booktitle" not in entry.fields_dict):
        entry.set_field(Field("booktitle", title.value))
    return True


def read_libraries(files: list[tuple[str, str | None]]) -> tuple[list[Reference], list[str]]:
    """Every entry of some BibTeX texts (``(text, path)`` each) as References, in order, and
    located problems. The texts are one database, as BibTeX reads the files of one
    ``\\bibliography``: an entry may cross-reference one in another file."""
    problems: list[str] = []
    found = []
    for text, path in files:
        blocks = _blocks(text, path, problems)
        if not blocks:  # text that is not BibTeX, or an empty file, is no passing library
            problems.append(f"{path or '<input>'}: no BibTeX entry was found (an entry starts "
                            "like '@article{key,'); is this a BibTeX file?")
        found += [(block, line, path) for block, line in blocks]
    parents: dict[str, Entry] = {}
    for block, _, _ in found:
        if isinstance(block, Entry):
            parents.setdefault(block.key.lower(), block)
    refs: list[Reference] = []
    for block, line, path in found:
        if isinstance(block, ParsingFailedBlock):
            refs.append(_failed_reference(block, len(refs) + 1, path))
            continue
        if not _inherit(block, parents):
            problems.append(f"{path or '<input>'}:{line}: entry {block.key!r} takes fields from "
                            f"crossref {block.fields_dict['crossref'].value!r}, which no entry "
                            "has; the fields it would inherit (book title, year...) are missing.")
        location = Location(path, line=line, key=block.key)
        refs.append(reference_from_csl(entry_to_csl(block), len(refs) + 1, location,
                                       "bibtex"))
    return refs, problems


def read_library(text: str, path: str | None) -> tuple[list[Reference], list[str]]:
    """Every entry of a BibTeX text as References (file order), and located problems."""
    return read_libraries([(text, path)])


def sniff(text: str) -> bool:
    """Looks like BibTeX: an ``@type{key,`` line, and not a LaTeX document."""
    return bool(re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]\s*[^,\s]+\s*,", text, re.MULTILINE)) and (
        "\\documentclass" not in text and "\\bibitem" not in text)


@reader("bibtex", extensions=(".bib",), sniff=sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a .bib file: every entry, in file order."""
    refs, problems = read_library(text, path)
    return Manuscript(path=path, format="bibtex", references=refs, problems=problems)
