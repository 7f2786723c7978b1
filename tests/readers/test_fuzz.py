"""Property-based tests of every reader on mutated real files.

The files are the repository's own real inputs (fixtures/formats, the seed manuscript, the
reader corpus in tests/fixtures/corpus). Whatever is done to them, a reader gives a manuscript
or an :class:`InputError` that names the file, never another exception; text added inside a
reference's title loses no reference and moves none. The runs are derandomized (the same
examples each time, so the suite is not flaky) and kept small; the deadline catches an input
that makes a reader slow.
"""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint.readers import InputError, read_file, read_text

ROOT = Path(__file__).resolve().parents[2]
FILES = {  # path -> reader
    "fixtures/seed/manuscript.txt": "text",
    "fixtures/formats/refs.bib": "bibtex",
    "fixtures/formats/refs.ris": "ris",
    "tests/fixtures/corpus/ris/_baseline_zotero.ris": "ris",
    "fixtures/formats/refs.json": "csl-json",
    "fixtures/formats/article.xml": "jats",
    "tests/fixtures/corpus/jats/journal.pmed.0020007.xml": "jats",
    "fixtures/formats/paper.tex": "latex",
    "fixtures/formats/paper-bibtex.tex": "latex",
    "fixtures/revtex/paper.bbl": "latex",
    "fixtures/formats/paper.md": "markdown",
    "tests/fixtures/corpus/wos/WoS_other_reference_software_r4001-4012.txt": "wos",
}
FUZZ = settings(max_examples=20, deadline=timedelta(seconds=10), derandomize=True,
                database=None, suppress_health_check=[HealthCheck.too_slow])

# anything a file can hold: controls, escapes, private use, markup of every format
junk = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12) | \
    st.sampled_from(["{", "}", "\\", "@", "<", "&", "\"", "%", "\n", "\r", "\f", "\v", "\x00",
                     "\ue000", "\ue001", "\x1b[2J", "]]>", "---\n", "\\input{", "ER  -",
                     "TY  - JOUR\n", "[@", "\\bibitem{", "<ref>", "<!--", "1. ", "\ufeff"])


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` with one to three insertions, deletions, duplications or replacements."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        span = draw(st.integers(0, min(200, len(text) - at)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "replace"]))
        if kind == "insert":
            text = text[:at] + draw(junk) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + span:]
        elif kind == "duplicate":
            text = text[:at + span] + text[at:at + span] + text[at + span:]
        else:
            text = text[:at] + draw(junk) + text[at + span:]
    return text


def _real(name: str) -> tuple[str, str]:
    path = ROOT / name
    return path.read_text(encoding="utf-8-sig"), str(path)


def _read_or_located_error(text: str, fmt: str, path: str):
    try:
        manuscript = read_text(text, fmt, path)
    except InputError as exc:
        assert Path(path).name in str(exc) or "<input>" in str(exc), str(exc)
        return None
    assert [r.index for r in manuscript.references] == list(
        range(1, len(manuscript.references) + 1))
    return manuscript


@pytest.mark.parametrize("name", list(FILES))
def test_a_mutated_real_file_reads_or_gives_a_located_error(name):
    original, path = _real(name)

    @FUZZ
    @given(mutated(original))
    def check(text):
        _read_or_located_error(text, FILES[name], path)

    check()


# Characters that are text in every format (no markup, no line break): added inside a title,
# they change that title and nothing else.
_WORD = st.text(st.characters(categories=("L", "N", "Zs"), exclude_characters="\u00a0")
                | st.sampled_from(".,;:-'()?!/"), min_size=1, max_size=20)


def _verbatim_start(title: str, text: str) -> str:
    """The longest run of the title's first words that the file holds as they are (a title may
    be written with markup: "{DNA} repair", "<italic>in vivo</italic>")."""
    words = title.split()
    for count in range(len(words), 1, -1):
        if " ".join(words[:count]) in text:
            return " ".join(words[:count])
    return ""


# Their titles live in the bibliography files they name (refs.bib, refs.json), fuzzed above.
TITLES_ELSEWHERE = {"fixtures/formats/paper-bibtex.tex", "fixtures/formats/paper.md"}


@pytest.mark.parametrize("name", [name for name in FILES if name not in TITLES_ELSEWHERE])
def test_text_added_inside_a_title_loses_and_moves_no_reference(name):
    original, path = _real(name)
    fmt = FILES[name]
    before = read_text(original, fmt, path)
    titles = [t for t in (_verbatim_start(r.title or "", original) for r in before.references)
              if len(t) > 8]
    assert titles, "no title of this file appears in it verbatim: nothing would be fuzzed"
    where = [(r.location.line, r.location.key) for r in before.references]

    @FUZZ
    @given(st.sampled_from(titles), st.integers(1, 7), _WORD)
    def check(title, cut, word):
        at = original.index(title) + cut
        after = read_text(original[:at] + " " + word + " " + original[at:], fmt, path)
        assert [(r.location.line, r.location.key) for r in after.references] == where

    check()


@pytest.mark.parametrize("name", ["fixtures/formats/refs.ris", "fixtures/formats/paper.tex"])
def test_mutated_bytes_read_or_give_a_located_error(name):
    data = (ROOT / name).read_bytes()

    @FUZZ
    @given(st.integers(0, len(data)), st.binary(min_size=1, max_size=8))
    def check(at, noise):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(data[:at] + noise + data[at:])
            try:
                read_file(path)
            except InputError as exc:
                assert str(path) in str(exc)

    check()


# -- mutations anywhere: between references, in authors, in pages, in bytes -------------------

_SITES = ("between", "authors", "pages")
SITED = [name for name in FILES if name not in TITLES_ELSEWHERE]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [n + 1 for n, c in enumerate(text) if c == "\n"]
    return starts


def _sites(text: str, fmt: str, path: str, kind: str) -> list[tuple[int, int, int]]:
    """Where to put text of ``kind``: ``(reference index, offset, cut)``: the offset of the
    line a reference starts on ("between", cut 0: a line of its own before it), or of its first
    author's family name or its first page, written as they are, from its line on (inserted
    ``cut`` characters into it)."""
    refs = read_text(text, fmt, path).references
    starts = _line_starts(text)
    found = []
    for ref in refs:
        line = ref.location.line
        if not line or line > len(starts):
            continue
        start = starts[line - 1]
        if kind == "between":
            if ref.index > 1:
                found.append((ref.index, start, 0))
            continue
        written = (ref.authors[0].family if ref.authors else None) if kind == "authors" \
            else ref.first_page or ref.article_number
        if not written or len(written) < 2:
            continue
        at = text.find(written, start)
        if at >= 0:
            found.append((ref.index, at, len(written)))
    return found


def _located(problems: list[str], path: str, some_read: bool = True) -> bool:
    """A problem that names the file and a line or a reference (key, record or element); when
    no reference at all was read (the check then stops with it), one naming the file."""
    name = Path(path).name
    if not some_read:
        return any(name in p for p in problems)
    return any(name in p and re.search(rf"{re.escape(name)}(:\d+|\b.*\b(line|entry|record|"
                                         r"reference|key|element)\b)", p) for p in problems)


def _accounted(before, text: str, fmt: str, path: str, touched: int | None) -> None:
    """Every reference of ``before`` is still reported (its title, as read before, in the
    same order) except at most the ``touched`` one; a reference not reported, or fewer
    references than before, must come with an input problem naming the file and where."""
    try:
        after = read_text(text, fmt, path)
    except InputError as exc:
        assert Path(path).name in str(exc), str(exc)
        return
    problems = after.problems + [r.parse_error for r in after.references if r.parse_error]
    lost = [i for i in _lost(before.references, after.references) if i != touched]
    if lost or len(after.references) < len(before.references):
        assert _located(problems, path, bool(after.references)), (
            lost, len(after.references), problems[:3])


@pytest.mark.parametrize("kind", _SITES)
@pytest.mark.parametrize("name", SITED)
def test_text_put_between_references_in_authors_or_pages_loses_no_reference_unsaid(name, kind):
    original, path = _real(name)
    fmt = FILES[name]
    before = read_text(original, fmt, path)
    sites = _sites(original, fmt, path, kind)
    # every parametrised file writes each kind of site verbatim somewhere; a file that stops
    # doing so must be taken out of SITED, not silently skipped
    assert sites, f"no {kind} of {name}'s references is written verbatim in it"

    @FUZZ
    @given(st.sampled_from(sites), st.integers(0, 30), junk)
    def check(site, cut, noise):
        index, at, length = site
        if kind == "between":
            text = original[:at] + noise + "\n" + original[at:]
        else:
            at += 1 + cut % max(1, length - 1)  # inside the value, never before it
            text = original[:at] + noise + original[at:]
        _accounted(before, text, fmt, path, None if kind == "between" else index)

    check()


def _ascii_key(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _lost(before: list, after: list) -> list[int]:
    """The references of ``before`` whose title no reference of ``after`` still holds, in its
    title or its text, compared by ASCII letters and digits."""
    held = [_ascii_key(f"{r.title} {r.raw}") for r in after]
    return [r.index for r in before
            if r.title and not any(_ascii_key(r.title) in text for text in held)]


@pytest.mark.parametrize("name", list(FILES))
def test_random_byte_edits_anywhere_read_or_give_a_located_error(name):
    """Bytes inserted or overwritten anywhere in a real file of each reader (with the files it
    names beside it): a manuscript whose references are all reported, but the one edited, or
    a problem naming the file; else an :class:`InputError` naming the file."""
    source = ROOT / name
    data = source.read_bytes()
    before = read_file(source)

    @FUZZ
    @given(st.integers(0, len(data)), st.binary(min_size=1, max_size=8), st.booleans())
    def check(at, noise, overwrite):
        with tempfile.TemporaryDirectory() as folder:
            for sibling in source.parent.iterdir():  # \bibliography, bibliography: files
                if sibling.is_file() and sibling.stat().st_size < 2_000_000:
                    (Path(folder) / sibling.name).write_bytes(sibling.read_bytes())
            path = Path(folder) / source.name
            path.write_bytes(data[:at] + noise + data[at + (len(noise) if overwrite else 0):])
            try:
                after = read_file(path)
            except InputError as exc:
                assert str(path) in str(exc)
                return
            if name in TITLES_ELSEWHERE:  # its edited text decides which entries are cited
                return
            # a byte that is not UTF-8 makes the file read as cp1252: its other non-ASCII
            # letters change too (and a garbled name may run into the title)
            lost = _lost(before.references, after.references)
            if len(lost) > 1 or len(after.references) < len(before.references):
                problems = after.problems + [r.parse_error for r in after.references
                                             if r.parse_error]
                assert _located(problems, str(path), bool(after.references)), (
                    len(lost), problems[:3])

    check()
