"""Adversarial inputs (bench/adversarial.py) are read in linear time.

Each case is sized so that the quadratic or backtracking code it once hit takes minutes (the
'1. x' list: 10 s at 2,000 lines before, so about 4 minutes at 10,000; a paragraph of 2,500
citations: about 20 s), while the linear code takes well under a second. The bound is generous,
and it is CPU time (other programs on a loaded machine do not count), so the test is not flaky,
while a regression still fails it by far.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "adversarial.py"
BOUND_SECONDS = 10.0


def _cases():
    spec = importlib.util.spec_from_file_location("adversarial", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cases(scale=0.5)


@pytest.mark.parametrize("name", list(_cases()))
def test_adversarial_input_finishes_far_below_the_time_a_regression_takes(name):
    run = _cases()[name]
    started = time.process_time()
    result = run()
    assert time.process_time() - started < BOUND_SECONDS
    assert result is not None


# -- runs of white space: same reading as single spaces, in linear time ------------------------

RUN = 50_000  # a run the old patterns took minutes over (56 s for the Nature tail at 20,000)


def test_every_style_grammar_reads_a_citation_with_long_runs_of_spaces_as_with_one():
    from citelint.citation import GRAMMARS, parse_styled
    from citelint.models import Reference

    single = "Smith J, Doe A (2020). A title of a work. Nature 12, 3-4."
    spaced = single.replace(" ", " " * RUN)
    started = time.process_time()
    for style in GRAMMARS:
        plain, wide = Reference(index=1, raw=single), Reference(index=1, raw=spaced)
        fits = parse_styled(plain, single, style)
        assert parse_styled(wide, spaced, style) == fits, style
        if fits:
            assert (wide.year, wide.volume, wide.pages) == (plain.year, plain.volume,
                                                            plain.pages), style
    assert time.process_time() - started < BOUND_SECONDS


@pytest.mark.parametrize("fmt, template", [
    ("text", "1. {c}\n2. Doe A, Roe B. Another work of note. Cell. 2019;3:4.\n"),
    ("jats", '<article><back><ref-list><ref id="a"><mixed-citation>{c}</mixed-citation></ref>'
             "</ref-list></back></article>"),
    ("latex", "\\begin{{thebibliography}}{{1}}\n\\bibitem{{a}} {c}\n\\end{{thebibliography}}\n"),
    ("markdown", "# References\n\n1. {c}\n2. Doe A, Roe B. Another work. Cell. 2019;3:4.\n"),
])
def test_readers_read_a_citation_with_long_runs_of_spaces_as_with_one(fmt, template):
    from citelint.readers import read_text

    single = "Smith J, Doe A. A title of a work. Nature. 2020;12(3):4-5."
    plain = read_text(template.format(c=single), fmt, f"refs.{fmt}").references[0]
    started = time.process_time()
    wide = read_text(template.format(c=single.replace(" ", " " * RUN)), fmt,
                     f"refs.{fmt}").references[0]
    assert time.process_time() - started < BOUND_SECONDS
    fields = ("title", "journal", "year", "volume", "issue", "pages")
    assert [getattr(wide, f) for f in fields] == [getattr(plain, f) for f in fields]
    assert [a.family for a in wide.authors] == ["Smith", "Doe"]


def test_a_multicite_with_long_runs_of_spaces_between_its_groups_cites_every_key():
    from citelint.readers import read_text

    gap = " " * RUN
    text = ("\\documentclass{article}\\begin{document}\\section{Intro}\n"
            f"As shown \\cites{{a}}{gap}[see]{gap}{{b}}.\n"
            "\\begin{thebibliography}{2}\n\\bibitem{a} Smith J. A title. Nature. 2020;1:2.\n"
            "\\bibitem{b} Doe A. Another. Cell. 2019;3:4.\n\\end{thebibliography}"
            "\\end{document}\n")
    started = time.process_time()
    manuscript = read_text(text, "latex", "paper.tex")
    assert time.process_time() - started < BOUND_SECONDS
    assert not [p for p in manuscript.problems if "never cited" in p]  # both keys were cited


def test_credentials_are_scrubbed_after_a_long_dotted_run_in_linear_time():
    from citelint.sources.transport import SCRUB

    text = "redirected to http://" + "a." * RUN + "x/ then http://alice:pa55@mirror.example/"
    started = time.process_time()
    scrubbed = SCRUB(text)
    assert time.process_time() - started < BOUND_SECONDS
    assert "pa55" not in scrubbed and scrubbed.endswith("http://<redacted>@mirror.example/")


def test_the_style_tail_and_author_date_patterns_do_not_rescan_runs_of_spaces():
    """The patterns themselves, not only their callers (which collapse white space first): a
    match is found, or not, as with single spaces, without trying every position of a run."""
    from citelint.citation import _TAILS, _YEAR_AFTER_AUTHORS

    gap = " " * RUN
    started = time.process_time()
    for style, tail in _TAILS.items():
        for text in ("Smith J. A title. Nature 12, 3-4 (2020).", "Smith J. A title. N 1, x"):
            found, wide = tail.search(text), tail.search(text.replace(" ", gap))
            assert (found is None) == (wide is None), style
            if found:
                assert found.group("tail").split() == wide.group("tail").split(), style
    for text in ("Smith J, Doe A (2020). A title.", "Smith J, Doe A, x"):
        found = _YEAR_AFTER_AUTHORS.match(text)
        wide = _YEAR_AFTER_AUTHORS.match(text.replace(" ", gap))
        assert (found is None) == (wide is None)
        if found:
            assert wide.group("authors").split() == found.group("authors").split()
    assert time.process_time() - started < BOUND_SECONDS
