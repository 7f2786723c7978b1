"""Property-based tests of every reader on mutated real files.

The files are the repository's own real inputs (fixtures/formats, the seed manuscript, the
reader corpus in tests/fixtures/corpus). Whatever is done to them, a reader gives a manuscript
or an :class:`InputError` that names the file, never another exception; text added inside a
reference's title loses no reference and moves none. The runs are derandomized (the same
examples each time, so the suite is not flaky) and kept small; the deadline catches an input
that makes a reader slow.
"""

from __future__ import annotations

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
