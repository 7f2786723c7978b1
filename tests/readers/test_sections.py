"""Citing sections: methods headings, the heading outline, and the sentence around a citation."""

from __future__ import annotations

import pytest

from citelint.models import CitingSection, Reference
from citelint.readers.sections import (
    EXCERPT_LENGTH,
    Outline,
    is_methods_heading,
    note_citation,
    paragraph_around,
    sentence_at,
)


@pytest.mark.parametrize("heading, methods", [
    ("Materials and methods", True), ("2. Methods", True), ("Statistical analysis", True),
    ("appendix > Statistical models > Statistical models used for data in Figure 2", True),
    ("Statistical tests", True), ("Statistical mechanics of lysis", False),
    ("Software and data availability", True), ("Experimental procedures", True),
    ("Methodology", True), ("Introduction", False), ("Results", False),
    ("Discussion", False), ("Methylphenidate and dopamine", False)])
def test_methods_headings(heading, methods):
    assert is_methods_heading(heading) is methods


def test_the_outline_closes_headings_at_the_same_level_or_deeper():
    outline = Outline()
    outline.enter(1, "Methods")
    outline.enter(2, " Image\n analysis ")
    assert outline.path == ["Methods", "Image analysis"]
    outline.enter(2, "Statistics")
    assert outline.path == ["Methods", "Statistics"]
    outline.enter(1, "Results")
    assert outline.path == ["Results"]


def test_each_section_is_noted_once_with_its_first_excerpt():
    ref = Reference(index=1, raw="")
    note_citation(ref, ["Methods", "Assays"], excerpt="First.")
    note_citation(ref, ["Methods", "Assays"], excerpt="Second.")
    note_citation(ref, ["Results"], methods=True)
    assert ref.cited_in == [CitingSection("Methods > Assays", True, "First."),
                            CitingSection("Results", True, None)]


def test_the_sentence_around_a_citation_skips_abbreviations():
    text = ("Known since 1990 (Smith et al., 2002). As shown in Fig. 2, cells grow [4]. "
            "Next sentence.")
    assert sentence_at(text, text.index("Smith")) == "Known since 1990 (Smith et al., 2002)."
    assert sentence_at(text, text.index("[4]")) == "As shown in Fig. 2, cells grow [4]."


def test_a_long_sentence_is_cut_around_the_citation():
    text = "word " * 200 + "[7] " + "word " * 200
    excerpt = sentence_at(text, text.index("[7]"))
    assert "[7]" in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) <= EXCERPT_LENGTH + 2


@pytest.mark.parametrize("text, word, paragraph", [
    ("One.\n\nTwo a\nTwo b.\n \nThree.", "b.", "Two a\nTwo b."),
    ("Only one\nparagraph.", "paragraph", "Only one\nparagraph."),
    ("\n\nFirst line.", "First", "First line."),
    ("Above.\n\n\nBelow.\n", "Above", "Above.")])
def test_the_paragraph_around_an_offset_ends_at_blank_lines(text, word, paragraph):
    start, end = paragraph_around(text, text.index(word))
    assert text[start:end] == paragraph
