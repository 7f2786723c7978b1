"""Markdown reader: pandoc-style front matter with a ``bibliography``, or a written list.

The YAML front matter (between ``---`` lines) is read by a small, safe reader of plain
``key: value`` pairs, ``key: [a, b]`` and ``- item`` lists, and ``|``/``>`` blocks: enough for
``title``, ``abstract``, ``keywords``, ``bibliography`` and ``nocite``; nothing is ever
evaluated. The files ``bibliography`` names (.bib, .json CSL, .ris; relative to the .md) are read
with their own readers, keeping only the keys cited as ``[@key]``/``@key`` in the body, in order
of first citation, when any are cited; each records the sections that cite it (the path of the
``#`` and setext headings above each citation). Without a bibliography, a numbered "References"
list in the body is read by the plain-text reader; ``<!-- -->`` comments are not part of it, and
``<!-- citelint-ignore: rule: reason -->`` accepts findings on the reference it stands in or before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from citelint.models import Manuscript, Reference
from citelint.readers import (
    InputError,
    by_key,
    line_at,
    read_included,
    read_text,
    reader,
    select_cited,
)
from citelint.readers.inline import IGNORE, attach_comments, orphan_problem
from citelint.readers.sections import Outline, citing_sentence, note_citation

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_CITATION = re.compile(r"(?<![\w@.])-?@([A-Za-z0-9_][\w:.#$%&+?<>~/-]*|\{[^{}]+\})")
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# an ATX heading ("## Image analysis ##"), or a line of text underlined with "=" or "-" (setext)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*$"
                      r"|^(?![-*+]\s|\d+[.)]\s|[>|#])(\S.*)\n {0,3}(=+|-+)[ \t]*$", re.MULTILINE)
# (a label holds no "[": from each of a long run of "[" the pattern scanned the rest of the line)
_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*{1,2})(\S(?:.*?\S)?)\1")
_CROSSREF = re.compile(r"^(fig|tbl|eq|sec|lst):")  # pandoc-crossref labels, not citations
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_BIB_FORMATS = {".bib": "bibtex", ".bibtex": "bibtex", ".json": "csl-json", ".ris": "ris"}


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def read_front_matter(block: str) -> dict[str, str | list[str]]:
    """Top-level ``key: value`` pairs of a YAML block (strings and lists of strings only)."""
    data: dict[str, str | list[str]] = {}
    lines = block.split("\n")
    pos = 0
    while pos < len(lines):
        match = _KEY_LINE.match(lines[pos])
        pos += 1
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        nested: list[str] = []
        while pos < len(lines) and (not lines[pos].strip() or lines[pos][:1] in " \t-"):
            nested.append(lines[pos])
            pos += 1
        if value.startswith("[") and value.endswith("]"):
            data[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        elif value[:1] in ("|", ">"):
            parts = [line.strip() for line in nested]
            joiner = "\n" if value[0] == "|" else " "
            data[key] = joiner.join(parts).strip()
        elif value:
            data[key] = _scalar(value)
        elif any(line.strip().startswith("- ") for line in nested):
            data[key] = [_scalar(line.strip()[2:]) for line in nested
                         if line.strip().startswith("- ")]
        else:
            data[key] = " ".join(line.strip() for line in nested).strip()
    return data


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [v.strip() for v in re.split(r"[,;]", value) if v.strip()]


def _outside_code(body: str) -> str:
    """``body`` with its code (fenced blocks, inline spans) blanked out, offsets and lines kept."""
    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _INLINE_CODE.sub(blank, _FENCE.sub(blank, body))


def _citations(code_free: str) -> Iterator[tuple[int, str]]:
    """Pandoc citations in a body whose code is blanked out (:func:`_outside_code`), in order:
    the offset and key of each."""
    for match in _CITATION.finditer(code_free):
        key = match.group(1).strip("{}").rstrip(".,:;?!")
        if key and not _CROSSREF.match(key):
            yield match.start(), key


def cited_keys(body: str) -> list[str]:
    """Pandoc citation keys in the body (``[@a; @b, p. 3]``, ``@a``), first-citation order."""
    return list(dict.fromkeys(key for _, key in _citations(_outside_code(body))))


def _note_citing_sections(body: str, refs: list[Reference]) -> None:
    """Record in each of ``refs`` (by key) the sections of ``body`` that cite it: the path of the
    headings above each citation (those in code are not headings)."""
    keyed = by_key(refs)
    code_free = _outside_code(body)
    headings = list(_HEADING.finditer(code_free))
    outline = Outline()
    done = floor = 0  # floor: where the text under the current heading starts
    for offset, key in _citations(code_free):
        while done < len(headings) and headings[done].start() < offset:
            atx, text, setext, underline = headings[done].groups()
            text = re.sub(r"[ \t]*\{[^{}]*\}$", "", text if atx else setext)  # {#id .class}
            text = re.sub(r"(?:^|[ \t]+)#+$", "", text)  # closing hashes
            outline.enter(len(atx) if atx else (1 if underline[0] == "=" else 2),
                          _EMPHASIS.sub(r"\2", text))
            floor = headings[done].end()
            done += 1
        if key in keyed:
            note_citation(keyed[key], outline.path,
                          excerpt=citing_sentence(body, offset, floor))


def html_comments(body: str) -> tuple[str, dict[int, tuple[str, bool]]]:
    """``body`` with its ``<!-- -->`` comments blanked out (lines kept), and the
    ``citelint-ignore`` ones by line: (what they accept, whether they stand alone on the line)."""
    comments: dict[int, tuple[str, bool]] = {}

    def blank(match: re.Match[str]) -> str:
        ignore = IGNORE.match(match.group(1).strip())
        if ignore:
            line = line_at(body, match.start())
            start = body.rfind("\n", 0, match.start()) + 1
            end = body.find("\n", match.end())
            rest = body[start:match.start()] + body[match.end():len(body) if end < 0 else end]
            comments[line] = (ignore.group("what"), not rest.strip())
        return "\n" * match.group(0).count("\n")

    # up to the last "-->" only: from each of many unclosed "<!--" the pattern scanned the rest
    closed = body.rfind("-->") + 3 if "-->" in body else 0
    return _HTML_COMMENT.sub(blank, body[:closed]) + body[closed:], comments


def _plain(body: str) -> str:
    """Markdown inline markup a reference list may carry, taken off (lines kept)."""
    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        return url if re.search(r"doi|https?:", label, re.IGNORECASE) or not label else label

    body = _LINK.sub(link, body)
    body = _EMPHASIS.sub(r"\2", body)
    body = re.sub(r"^#{1,6}[ \t]+", "", body, flags=re.MULTILINE)
    return re.sub(r"^(\s*)[-*+]\s+(?=\S)", r"\1", body, flags=re.MULTILINE)


def _read_bibliographies(files: list[str], path: str | None, keys: list[str],
                         nocite: list[str], problems: list[str]) -> list[Reference]:
    base = Path(path).parent if path else Path.cwd()
    where = path or "<input>"
    entries: list[Reference] = []
    for name in files:
        file = base / name
        if not file.is_file():
            raise InputError(f"{where}: the bibliography file {file} does not exist.")
        manuscript = read_text(read_included(file, where), _BIB_FORMATS.get(file.suffix.lower()),
                               str(file))
        entries.extend(manuscript.references)
        problems.extend(manuscript.problems)
    wanted = keys + [k for k in nocite if k not in keys]
    chosen, missing = select_cited(entries, wanted)
    missing = [k for k in missing if k in keys]  # nocite keys need not exist
    if missing:
        problems.append(f"{where}: the text cites {', '.join(missing)}, which no "
                        "bibliography file holds (or it is not a citation key).")
    return chosen


def sniff(text: str) -> bool:
    """Front matter naming a bibliography, or Markdown headings with pandoc citations."""
    front = _FRONT.match(text)
    if front and re.search(r"^(bibliography|title)\s*:", front.group(1), re.MULTILINE):
        return True
    return bool(re.search(r"^#{1,6} ", text, re.MULTILINE) and re.search(r"\[@\w", text))


@reader("markdown", extensions=(".md", ".markdown", ".qmd", ".rmd"), sniff=sniff)
def read(text: str, path: str | None) -> Manuscript:
    """Read a Markdown manuscript: its bibliography file's cited entries, or its written list."""
    front_match = _FRONT.match(text)
    meta = read_front_matter(front_match.group(1)) if front_match else {}
    # blank the front matter out, keeping its lines, so line numbers in the body stay true
    body = ("\n" * front_match.group(0).count("\n") + text[front_match.end():]
            if front_match else text)
    title = meta.get("title")
    abstract = meta.get("abstract")
    keywords = _as_list(meta.get("keywords") or meta.get("keyword"))
    problems: list[str] = []
    files = _as_list(meta.get("bibliography"))
    body, comments = html_comments(body)  # not rendered: neither citations nor references
    if files:
        refs = _read_bibliographies(files, path, cited_keys(body),
                                    [k.lstrip("@") for k in _as_list(meta.get("nocite"))],
                                    problems)
        _note_citing_sections(body, refs)
        manuscript = Manuscript(path=path, format="markdown", references=refs,
                                problems=problems)
    else:
        manuscript = read_text(_plain(body), "text", path)
        manuscript.format = "markdown"
        for line in attach_comments(manuscript.references, comments, body.split("\n")):
            manuscript.problems.append(orphan_problem(path, line))
    manuscript.title = title if isinstance(title, str) and title else manuscript.title
    manuscript.abstract = (abstract if isinstance(abstract, str) and abstract
                           else manuscript.abstract)
    manuscript.keywords = keywords or manuscript.keywords
    return manuscript
