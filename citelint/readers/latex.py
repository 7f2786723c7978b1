"""LaTeX reader: ``\\bibitem`` lists (in a .tex or a BibTeX-made .bbl), biber-made .bbl lists
(:mod:`citelint.readers.bbl`), or a .tex's .bib files.

A ``thebibliography`` list is the reference list as printed: each ``\\bibitem[label]{key} text``
is decoded (revtex, natbib and AAS markup: :mod:`citelint.readers.bibmarkup`), stripped of LaTeX
markup and parsed with :func:`citelint.citation.parse_citation`; the fields a revtex item tags
(``\\bibinfo``) are taken as given. A .tex that
names ``\\bibliography{refs}`` or ``\\addbibresource{refs.bib}`` instead has its list in those
files: they are read (relative to the .tex) with the BibTeX reader and only the keys the text
cites are kept, in order of first citation (``\\nocite{*}`` keeps them all). Title, abstract and
keywords come from ``\\title``, the ``abstract`` environment and ``\\keywords``. Files the
document ``\\input``s, ``\\include``s or ``\\subfile``s are read in place, for their citations,
bibliography commands, sectioning commands and ``\\bibitem`` lists. Each reference records the
sections whose text cites it (``\\section``... headings; "Abstract"). Nothing is run.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from citelint.citation import detect_style, parse_citation
from citelint.models import Location, Manuscript, Reference
from citelint.readers import (
    InputError,
    TooManyFiles,
    by_key,
    line_at,
    read_included,
    reader,
    select_cited,
)
from citelint.readers.bbl import has_entries, read_entries
from citelint.readers.bibmarkup import decode_bibitem, tagged_fields
from citelint.readers.bibtex import brace_group, decode_latex, read_libraries
from citelint.readers.csl import reference_from_csl
from citelint.readers.inline import IGNORE, attach_comments, orphan_problem
from citelint.readers.sections import (
    EXCERPT_LENGTH,
    Outline,
    note_citation,
    paragraph_around,
    sentence_at,
    sentence_bounds,
    uncited_problems,
)

_COMMENT = re.compile(r"(?<!\\)%.*")
_VERBATIM = re.compile(r"\\(url|nolinkurl|path|doi)\s*\{([^{}\n]*)\}")
_HREF = re.compile(r"\\href\s*\{([^{}\n]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_BIBINFO = re.compile(r"\\(?:bibinfo|bibfield)\s*\{[^{}]*\}\s*")
_NATEXLAB = re.compile(r"\\natexlab\s*\{([^{}]*)\}")
_BIBITEM = re.compile(r"\\bibitem\b\s*")
_INCLUDE = re.compile(r"\\(?:input|include|subfile)\s*\{([^{}]+)\}")
_BEGIN_DOCUMENT = re.compile(r"\\begin\s*\{document\}")
_MAX_INCLUDE_DEPTH = 10
_MAX_HEADING_CHARS = 500  # an unclosed "\\section{" is not read to the end of the document
_END_LIST = re.compile(r"\\end\s*\{thebibliography\}")
_CITE = re.compile(r"\\([A-Za-z]*cite[A-Za-z]*|nocite)\*?\s*(?:\([^()]*\)\s*){0,2}"
                   r"((?:\[[^\]]*\]\s*){0,2})\{([^{}]*)\}")
# the further "[pre][post]{keys}" groups of a biblatex multicite (\cites, \parencites…)
_MORE_KEYS = re.compile(r"\s*((?:\[[^\]]*\]\s*){0,2})\{([^{}]*)\}")
# a sectioning command up to its heading's "{", or the start or end of an environment whose
# citations are not those of the current section
_SECTIONING = re.compile(r"\\(part|chapter|section|subsection|subsubsection|paragraph)\b\*?\s*"
                         r"(?:\[[^\]]*\]\s*)?(?=\{)"
                         r"|\\(begin|end)\s*\{(abstract|thebibliography)\}")
_LEVELS = {"part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4,
           "paragraph": 5}
_BIB_COMMANDS = re.compile(r"\\(bibliography|addbibresource|addglobalbib)\s*(?:\[[^\]]*\])?\s*"
                           r"\{([^{}]*)\}")
_PLACEHOLDER = "\uE000{}\uE001"
_RESTORE = re.compile("\uE000(\\d+)\uE001")
# The private-use characters this reader marks text with; in an input they become U+FFFD, so
# that the input cannot forge a mark (one offset for one character: locations stay true).
_OWN_MARKS = str.maketrans({c: "\ufffd" for c in "\uE000\uE001\uE003"})


def _protect_verbatim(text: str, kept: list[str]) -> str:
    """Replace URL-like macro arguments with placeholders (their text goes to ``kept``, which the
    files of one document share) so that ``%``, ``~`` and ``_`` in them survive comment
    stripping and LaTeX decoding."""

    def keep(value: str) -> str:
        kept.append(value.strip())
        return _PLACEHOLDER.format(len(kept) - 1)

    def href(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        looks_like_link = re.search(r"doi|https?:|www\.", label, re.IGNORECASE)
        return keep(url) if looks_like_link else f"{{{label}}} {keep(url)}"

    text = _HREF.sub(href, text)
    return _VERBATIM.sub(lambda m: ("doi:" if m.group(1) == "doi" else "") + keep(m.group(2)),
                         text)


def _restore(text: str, kept: list[str]) -> str:
    return _RESTORE.sub(lambda m: kept[int(m.group(1))], text)


def strip_comments(text: str) -> str:
    """Remove ``%`` comments, keeping every line (so line numbers stay true)."""
    return "\n".join(_COMMENT.sub("", line) for line in text.split("\n"))


def ignore_comments(text: str) -> dict[int, tuple[str, bool]]:
    """Line number → (what a ``% citelint-ignore: rule: reason`` comment there accepts, whether
    the comment stands alone on its line)."""
    found = {}
    for number, line in enumerate(text.split("\n"), start=1):
        comment = _COMMENT.search(line)
        match = IGNORE.match(comment.group(0)[1:].strip()) if comment else None
        if comment and match:
            found[number] = (match.group("what"), not line[:comment.start()].strip())
    return found


@dataclasses.dataclass(eq=False)
class _File:
    """One file of a LaTeX document, ready to read: verbatim arguments set aside, comments
    stripped line for line, and its ``citelint-ignore`` comments by line."""

    path: str | None
    raw: str  # as written (a biber .bbl is read from this)
    text: str
    comments: dict[int, tuple[str, bool]]
    biber: bool  # a biber .bbl: its list is \entry data

    def where(self, offset: int) -> str:
        return f"{self.path or '<input>'}:{line_at(self.text, offset)}"

    def has_list(self) -> bool:
        return self.biber or bool(_BIBITEM.search(self.text))

    @property
    def generated(self) -> bool:
        """A list LaTeX tools wrote (a .bbl), not one the authors wrote in their .tex."""
        return self.biber or (self.path or "").endswith(".bbl")

    def references(self, kept: list[str], problems: list[str]) -> list[Reference]:
        """Its printed list: biber ``\\entry`` data, or ``\\bibitem`` text."""
        if self.biber:
            return read_entries(self.raw, self.path)
        return read_bibitems(self.text, self.path, kept, self.comments, problems)


def _load(text: str, path: str | None, kept: list[str]) -> _File:
    text = text.translate(_OWN_MARKS)
    protected = _protect_verbatim(text, kept)
    return _File(path, text, strip_comments(protected), ignore_comments(protected),
                 has_entries(text))


def _parts(file: _File, base: Path, kept: list[str], problems: list[str],
           chain: tuple[str, ...] = ()) -> list[tuple[_File, int, int]]:
    """The document in reading order, as spans of its files: each ``\\input``, ``\\include`` or
    ``\\subfile`` of the body gives way to the file it names (relative to the main file; ``.tex``
    added to a name without an extension). Those of a preamble load macros (often from the TeX
    installation) and are left alone. A file that cannot be read, or that includes itself, is
    reported and skipped."""
    parts: list[tuple[_File, int, int]] = []
    pos = 0
    body = _BEGIN_DOCUMENT.search(file.text)
    for match in _INCLUDE.finditer(file.text, body.end() if body else 0):
        parts.append((file, pos, match.start()))
        pos = match.end()
        name = match.group(1).strip()
        target = base / (name if Path(name).suffix else f"{name}.tex")
        if str(target.absolute()) in chain or len(chain) > _MAX_INCLUDE_DEPTH:
            problems.append(f"{file.where(match.start())}: {target} includes itself (or nests "
                            f"deeper than {_MAX_INCLUDE_DEPTH} files); it is read once.")
            continue
        try:
            child = _load(read_included(target, file.where(match.start())), str(target), kept)
        except TooManyFiles as exc:
            if exc.first:
                problems.append(str(exc))
            continue
        except InputError as exc:
            problems.append(f"{exc} Its citations and references are not checked.")
            continue
        parts += _parts(child, base, kept, problems, (*chain, str(target.absolute())))
    parts.append((file, pos, len(file.text)))
    return parts


def latex_to_text(text: str, kept: list[str] | None = None) -> str:
    """Bibliography LaTeX to plain text: markup, accents, ``\\newblock``, ``\\bibinfo``."""
    text = _BIBINFO.sub("", text)
    text = _NATEXLAB.sub(r"\1", text)
    text = re.sub(r"\\newblock\b", " ", text)
    return _restore(decode_latex(text), kept or [])


def read_bibitems(text: str, path: str | None, kept: list[str],
                  comments: dict[int, tuple[str, bool]], problems: list[str]) -> list[Reference]:
    """Every ``\\bibitem`` in ``text`` (comments already stripped) as a parsed Reference, with the
    findings its ``% citelint-ignore`` comments (``comments``, from :func:`ignore_comments`)
    accept; a comment that belongs to no item is reported in ``problems``."""
    starts = [m for m in _BIBITEM.finditer(text)]
    items = []
    for number, match in enumerate(starts, start=1):
        pos = match.end()
        end = starts[number].start() if number < len(starts) else len(text)
        if text.startswith("[", pos):
            _, pos = brace_group(text, pos, "[", "]", end)
            while pos < len(text) and text[pos].isspace():
                pos += 1
        key = None
        if text.startswith("{", pos):
            key, pos = brace_group(text, pos, end=end)
            key = key.strip()
        stop = _END_LIST.search(text, pos, end)
        body = text[pos:stop.start() if stop else end]
        location = Location(path, line=line_at(text, match.start()), key=key)
        items.append((body, location, latex_to_text(decode_bibitem(body), kept)))
    # a list is written in one style: detect it once from all its items, then parse each with it
    style = detect_style([raw for _, _, raw in items])
    refs = []
    for number, (body, location, raw) in enumerate(items, start=1):
        ref = parse_citation(raw, number, location, style=style, input_format="latex")
        ref.location = location
        tagged = tagged_fields(body)
        if tagged:  # revtex wrote the fields down: take them as given
            _take_fields(ref, reference_from_csl(tagged, number, location, "revtex"))
        refs.append(ref)
    for line in attach_comments(refs, comments, text.split("\n")):
        problems.append(orphan_problem(path, line))
    return refs


# the fields of a tagged \bibitem (revtex) that its tags give, not its parsed text (with their
# structured provenance): a field it does not tag it does not print either (physics styles print
# no titles)
_TAGGED = ("authors", "et_al", "title", "journal", "year", "volume", "issue", "first_page",
           "last_page", "article_number", "doi", "publisher", "type", "provenance")


def _take_fields(ref: Reference, tagged: Reference) -> None:
    """Replace the fields parsed from ``ref``'s text by those its tags give (``tagged``)."""
    for name in _TAGGED:
        setattr(ref, name, getattr(tagged, name))
    ref.doi = tagged.doi or ref.doi  # a DOI printed without a tag (\doi{...}) still counts
    ref.parse_error = None
    ref.provenance = tagged.provenance


def _citations(text: str, start: int, end: int) -> Iterator[tuple[int, str, str]]:
    """The ``\\cite``-family citations of ``text[start:end]``, in order: each key cited, with the
    offset and name of its command (``nocite`` prints nothing); ``*`` stands for
    ``\\nocite{*}``."""
    for match in _CITE.finditer(text, start, end):
        groups = [match.group(3)]
        if match.group(1).endswith("cites"):
            pos = match.end()
            while (more := _MORE_KEYS.match(text, pos, end)) is not None:
                groups.append(more.group(2))
                pos = more.end()
        for key in ",".join(groups).split(","):
            key = key.strip()
            if key and not re.search(r"[\s\\{}]", key):  # not text
                yield match.start(), key, match.group(1)


@dataclasses.dataclass(frozen=True)
class _Citation:
    """One key cited in the document: the part of the document it is in (its position in the
    reading order of :func:`_parts`), its file and offset there, and the command."""

    part: int
    file: _File
    offset: int
    key: str
    command: str


def _document_citations(parts: list[tuple[_File, int, int]]) -> list[_Citation]:
    """Every key the document cites, in reading order (``*`` for ``\\nocite{*}``)."""
    return [_Citation(n, file, offset, key, command) for n, (file, start, end) in enumerate(parts)
            for offset, key, command in _citations(file.text, start, end)]


def _cited(citations: list[_Citation]) -> dict[str, _Citation]:
    """Each key cited, in reading order of first citation, with that first citation."""
    keys: dict[str, _Citation] = {}
    for citation in citations:
        keys.setdefault(citation.key, citation)
    return keys


def _citing_sentence(text: str, offset: int, kept: list[str]) -> str:
    """The sentence, as plain text, of the citation command at ``offset``; its citations show
    as "[…]"."""
    start, end = paragraph_around(text, offset)
    for match in _SECTIONING.finditer(text, start, end):  # a heading ends a paragraph too
        after = match.end() if match.group(2) else brace_group(text, match.end(), end=end)[1]
        if after <= offset:
            start = after
        elif match.start() > offset:
            end = match.start()
            break
    start, end = sentence_bounds(text, offset, start, end)  # decoding a sentence is cheaper
    # and decoding only what the excerpt can show, markup included, cheaper still
    start, end = max(start, offset - 2 * EXCERPT_LENGTH), min(end, offset + 2 * EXCERPT_LENGTH)
    marked = _CITE.sub(lambda m: ("\uE003" if start + m.start() == offset else "") + "[…]",
                       text[start:end])
    plain = latex_to_text(marked, kept)
    return sentence_at(plain.replace("\uE003", ""), max(plain.find("\uE003"), 0))


def _note_citing_sections(parts: list[tuple[_File, int, int]], citations: list[_Citation],
                          refs: list[Reference], kept: list[str]) -> None:
    """Record in each of ``refs`` (by key) the sections whose text cites it: the heading path of
    the body's sectioning commands read so far, or "Abstract" in the ``abstract`` environment.
    ``\\nocite`` and citations within a ``thebibliography`` list cite from no section."""
    keyed = by_key(refs)
    outline = Outline()
    environment: str | None = None
    main = parts[0][0]
    body = _BEGIN_DOCUMENT.search(main.text)
    events: list[tuple[int, int, re.Match[str] | _Citation]] = [
        (n, m.start(), m) for n, (file, start, end) in enumerate(parts)
        for m in _SECTIONING.finditer(
            file.text, max(start, body.end()) if body and file is main else start, end)]
    events += [(c.part, c.offset, c) for c in citations if c.command != "nocite"]
    for _, _, event in sorted(events, key=lambda event: event[:2]):
        if isinstance(event, _Citation):
            if event.key in keyed and environment != "thebibliography":
                headings = ["Abstract"] if environment == "abstract" else outline.path
                note_citation(keyed[event.key], headings,
                              excerpt=partial(_citing_sentence, event.file.text,
                                              event.offset, kept))
        elif event.group(2):
            environment = event.group(3) if event.group(2) == "begin" else None
        else:
            heading, after = brace_group(event.string, event.end(),
                                         end=event.end() + _MAX_HEADING_CHARS)
            if after - event.end() == len(heading) + 2:  # closed: decoded
                heading = latex_to_text(_CITE.sub("", heading), kept)  # citations are no heading
            else:  # no heading is that long: kept as written, without its markup
                heading = " ".join(re.sub(r"\\[A-Za-z]+\*?|[{}\[\]]", " ", heading).split())
            outline.enter(_LEVELS[event.group(1)], heading)


def _command_argument(text: str, name: str) -> str | None:
    match = re.search(rf"\\{name}\s*(?:\[[^\]]*\])?\s*(?=\{{)", text)
    if not match:
        return None
    content, _ = brace_group(text, match.end())
    content = re.sub(r"\\(?:thanks|footnote)\s*\{(?:[^{}]|\{[^{}]*\})*\}", "", content)
    return content


def _environment(text: str, name: str) -> str | None:
    match = re.search(rf"\\begin\s*\{{{name}\}}(.*?)\\end\s*\{{{name}\}}", text, re.DOTALL)
    return match.group(1) if match else None


def _front(text: str, kept: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(title, abstract, keywords) of the document, as plain text."""
    title = _command_argument(text, "title")
    abstract = _environment(text, "abstract") or _command_argument(text, "abstract")
    keywords_text = _command_argument(text, "keywords") or _environment(text, "keywords") or ""
    keywords = [latex_to_text(k, kept) for k in re.split(r"[,;]|\\sep\b|\\and\b", keywords_text)]
    return (latex_to_text(title, kept) if title else None,
            latex_to_text(abstract, kept) if abstract else None,
            [k for k in keywords if k])


def _bib_files(parts: list[tuple[_File, int, int]], base: Path) -> list[tuple[Path, str]]:
    """The .bib files the document names, each with where it names them."""
    files = []
    for file, start, end in parts:
        for match in _BIB_COMMANDS.finditer(file.text, start, end):
            for name in match.group(2).split(","):
                name = name.strip()
                if name:
                    files.append((base / (name if name.endswith(".bib") else f"{name}.bib"),
                                  file.where(match.start())))
    return files


def _read_bib_files(citations: list[_Citation], path: str | None,
                    files: list[tuple[Path, str]], kept: list[str],
                    problems: list[str]) -> list[Reference]:
    texts: list[tuple[str, str | None]] = []
    missing_files = []
    for file, where in files:
        if not file.is_file():
            missing_files.append((file, where))
            continue
        texts.append((read_included(file, where), str(file)))
    bbl = Path(path).with_suffix(".bbl") if path else None
    if missing_files and bbl and bbl.is_file():  # the compiled list is next to the .tex
        file, where = missing_files[0]
        problems.append(f"{where}: {file.name} not found; read {bbl.name}.")
        compiled = _load(read_included(bbl, where), str(bbl), kept)
        return compiled.references(kept, problems)
    if missing_files and not texts:
        file, where = missing_files[0]
        raise InputError(f"{where}: the bibliography file {file} does not exist.")
    for file, where in missing_files:  # BibTeX too warns and reads the others
        problems.append(f"{where}: the bibliography file {file} does not exist; the other "
                        "files are read, and what the text cites from it is reported missing.")
    entries, bib_problems = read_libraries(texts)
    problems.extend(bib_problems)
    keys = _cited(citations)
    chosen, missing = select_cited(entries, keys)
    for key in missing:
        first = keys[key]
        problems.append(f"{first.file.where(first.offset)}: the text cites {key!r}, which is in "
                        "none of the bibliography files.")
    return chosen


def sniff(text: str) -> bool:
    """A LaTeX document or a ``\\bibitem`` list."""
    return bool(re.search(r"\\(documentclass|bibitem|begin\s*\{document\})", text))


@reader("latex", extensions=(".tex", ".bbl", ".ltx"), sniff=sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a .tex/.bbl (with the files it ``\\input``s): its ``\\bibitem`` list, or the cited
    entries of its .bib files."""
    kept: list[str] = []
    problems: list[str] = []
    base = Path(path).parent if path else Path.cwd()
    main = _load(text, path, kept)
    parts = _parts(main, base, kept, problems, (str(Path(path).absolute()),) if path else ())
    title, abstract, keywords = _front("".join(f.text[a:b] for f, a, b in parts), kept)
    listing = [f for f in dict.fromkeys(f for f, _, _ in parts) if f.has_list()]
    citations = _document_citations(parts)
    written: list[Reference] = []  # the \bibitem lists of .tex files, not a generated .bbl
    if listing:
        refs = []
        for file in listing:
            found = file.references(kept, problems)
            refs += found
            if not file.generated:
                written += found
        for index, ref in enumerate(refs, start=1):
            ref.index = index
    else:
        files = _bib_files(parts, base)
        refs = _read_bib_files(citations, path, files, kept, problems) if files else []
        if not files:
            problems.append(f"{path or '<input>'}: no \\bibitem list and no \\bibliography or "
                            "\\addbibresource command was found.")
    _note_citing_sections(parts, citations, refs, kept)
    if written:
        problems += _list_problems(citations, refs, written, path)
    return Manuscript(path=path, format="latex", references=refs,
                      problems=list(dict.fromkeys(problems)),  # a file read twice: said once
                      title=title, abstract=abstract, keywords=keywords)


def _list_problems(citations: list[_Citation], refs: list[Reference],
                   written: list[Reference], path: str | None) -> list[str]:
    """For a ``\\bibitem`` list written in the document: the keys the text cites that no item
    has (LaTeX prints "[?]"), and the items the text never cites (``\\nocite`` ones aside)."""
    keys = _cited(citations)
    listed = by_key(refs)
    problems = [f"{first.file.where(first.offset)}: the text cites {key!r}, but no \\bibitem "
                "has that key; correct the citation or add the reference."
                for key, first in keys.items() if key != "*" and key not in listed]
    if "*" in keys:  # \nocite{*}: every item is listed on purpose
        return problems
    nocited = {c.key for c in citations if c.command == "nocite"}
    hand_written = {id(r) for r in written}
    exempt = [r for r in refs if r.location.key in nocited or id(r) not in hand_written]
    return problems + uncited_problems(refs, path, exempt=exempt, name=lambda r: (
        f"\\bibitem{{{r.location.key}}}" if r.location.key else f"reference {r.index}"))
