"""Tests for the plain-text reader (citelint.readers.text)."""

import json
from pathlib import Path

import pytest

from citelint.readers import read_file, read_text
from citelint.readers.text import looks_like_reference

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "manuscript.txt"
TRUTH = SEED.with_name("truth.jsonl")


def read(text: str):
    return read_text(text, format="text", path="refs.txt")


@pytest.fixture(scope="module")
def seed():
    return read_file(SEED)


def test_seed_has_seventy_references_starting_on_line_twenty(seed):
    assert seed.format == "text"
    assert len(seed.references) == 70
    assert [r.index for r in seed.references] == list(range(1, 71))
    assert seed.references[0].location.line == 20
    assert seed.references[0].location.path == str(SEED)
    assert [r.location.line for r in seed.references] == list(range(20, 90))
    assert seed.problems == []


def test_seed_raw_equals_the_cited_strings(seed):
    truth = [json.loads(line) for line in TRUTH.read_text(encoding="utf-8").splitlines() if line]
    assert len(truth) == 70
    for row in truth:
        assert seed.references[row["n"] - 1].raw == row["cited"], row["n"]


def test_seed_front_matter(seed):
    assert seed.title == ("Conditioned medium from mesenchymal stem cells: Towards skin tissue "
                          "engineering and wound healing")
    assert seed.abstract.startswith("Mesenchymal stem cells (MSCs) have emerged")
    assert seed.abstract.endswith("to optimize its therapeutic application.")
    assert seed.keywords == []  # the heading is there, the keywords are not
    assert seed.doi == "10.22038/ijbms.2025.88552.19121"


def test_seed_references_are_parsed(seed):
    assert all(r.parse_error is None for r in seed.references)
    ref = seed.references[1]
    assert (ref.journal, ref.first_page, ref.last_page) == ("Cells", "1198", "1221")


MANUSCRIPT = """A study of things

Abstract: We studied things.
More things were studied.
Keywords: wound healing; stem cells; secretome

Introduction
Body text, published in 2019, and so on; etc.

References
1. Smith J, Jones K. A title of a paper. J Foo 2020;12:45-67.
2. Doe A, Roe B. Another paper about
   wound healing. J Bar 2019;3(2):1-9.
4. Poe E. Missing three. J Baz 2018;1:1. doi:10.1000/xyz123.
"""


def test_heading_wrapped_lines_and_numbering_gap():
    ms = read(MANUSCRIPT)
    assert [r.raw for r in ms.references] == [
        "Smith J, Jones K. A title of a paper. J Foo 2020;12:45-67.",
        "Doe A, Roe B. Another paper about wound healing. J Bar 2019;3(2):1-9.",
        "Poe E. Missing three. J Baz 2018;1:1. doi:10.1000/xyz123.",
    ]
    assert [r.index for r in ms.references] == [1, 2, 3]
    assert [r.location.line for r in ms.references] == [11, 12, 14]
    assert ms.references[2].doi == "10.1000/xyz123"
    assert len(ms.problems) == 1 and "refs.txt:14" in ms.problems[0]


def test_front_matter_with_inline_headings():
    ms = read(MANUSCRIPT)
    assert ms.title == "A study of things"
    assert ms.abstract == "We studied things. More things were studied."
    assert ms.keywords == ["wound healing", "stem cells", "secretome"]
    assert ms.doi is None


def test_keywords_split_on_commas_when_no_semicolons():
    ms = read("Title\n\nKeywords\nskin, wound, MSC\n\nReferences\n"
              "1. Smith J. A paper. J Foo 2020;1:1-2.\n")
    assert ms.keywords == ["skin", "wound", "MSC"]
    assert ms.abstract is None


@pytest.mark.parametrize(
    "numbering", [("[1] ", "[2] "), ("1) ", "2) "), ("1. ", "2. "), ("(1) ", "(2) ")]
)
def test_numbering_styles(numbering):
    first, second = numbering
    ms = read(f"{first}Smith J, Jones K. A title of a paper. J Foo 2020;12:45-67.\n"
              f"{second}Doe A, Roe B. Another paper. J Bar 2019;3(2):1-9.\n")
    assert [r.raw[:8] for r in ms.references] == ["Smith J,", "Doe A, R"]
    assert [r.location.line for r in ms.references] == [1, 2]
    assert ms.title is None


def test_unnumbered_one_per_line():
    ms = read("Smith J, Jones K. A title of a paper. J Foo 2020;12:45-67.\n"
              "Doe A, Roe B. Another paper. J Bar 2019;3(2):1-9.\n")
    assert [r.location.line for r in ms.references] == [1, 2]
    assert ms.references[1].journal == "J Bar"


def test_unnumbered_blank_separated_apa_with_wrapped_lines():
    ms = read("Smith, J. A., & Jones, K. (2020). Wound healing: A review.\n"
              "    Journal of Wound Care, 12(3), 45\u201367.\n\n"
              "Doe, A. (2019). Another paper. J Bar, 3(2), 1-9.\n")
    assert len(ms.references) == 2
    assert ms.references[0].raw.endswith("A review. Journal of Wound Care, 12(3), 45\u201367.")
    assert ms.references[0].journal == "Journal of Wound Care"
    assert [r.location.line for r in ms.references] == [1, 4]


def test_non_ascii_names_survive():
    ms = read("References\n1. Sierra-S\u00e1nchez \u00c1, Hor\u0148\u00e1kov\u00e1 \u013d. "
              "A \u201cquoted\u201d title \u2013 here. Rev Esp 2019; 3: 1\u20139.\n")
    ref = ms.references[0]
    assert ref.author_names == ["Sierra-S\u00e1nchez \u00c1", "Hor\u0148\u00e1kov\u00e1 \u013d"]
    assert ref.title == "A \u201cquoted\u201d title \u2013 here"
    assert ref.location.line == 2


@pytest.mark.parametrize("text", ["", "\n\n  \n", "References\n\n"])
def test_empty_list_is_zero_references_without_problems(text):
    ms = read(text)
    assert ms.references == [] and ms.problems == []


@pytest.mark.parametrize(
    "text",
    ["import os\nprint('hello world')\n\ndef f(x):\n    return x\n",
     "Dear editor,\n\nPlease find attached our manuscript.\n\nBest regards,\nJohn\n"],
)
def test_not_a_manuscript_gives_a_problem(text):
    ms = read(text)
    assert ms.references == []
    assert len(ms.problems) == 1 and "no reference list" in ms.problems[0]
    assert ms.title is None


def test_bibliography_heading_and_trailing_section():
    ms = read("Paper\n\nBibliography\n1. Smith J. A paper. J Foo 2020;1:1-2.\n\n"
              "Figure legends\nFigure 1. A picture of 2020 data, shown; here.\n")
    assert len(ms.references) == 1 and ms.references[0].location.line == 4


@pytest.mark.parametrize(
    "text",
    ["\x00\x01 garbage ]]]] [[[ 1. \n1.\n[", "1.\n2.\n3.", "References\n[1]\n[2] x",
     "\ufeffReferences\n1. " + "(" * 500, "Abstract\n\nKeywords\n"],
)
def test_odd_input_does_not_crash(text):
    ms = read(text)
    assert isinstance(ms.references, list)
    assert all(r.raw.strip() == r.raw for r in ms.references)


def test_looks_like_reference():
    assert looks_like_reference("Smith J. A paper about things. J Foo 2020;1:1-2.")
    assert not looks_like_reference("Dear editor, please find attached.")


def test_a_doi_wrapped_across_lines_is_joined_without_a_space():
    text = ("References\n1. Keller P, Ortiz L. Soil microbes under drought. Ecol Lett 2020; "
            "23:101-110. doi:10.5555/ecol.\n   2020.12345.\n"
            "2. Brandt S. Roots and rain. Plant Soil 2019; 5:1-9. https://doi.org/10.5555/\n"
            "   plant.2019.7\n")
    first, second = read_text(text, "text", "refs.txt").references
    assert first.doi == "10.5555/ecol.2020.12345"
    assert second.doi == "10.5555/plant.2019.7"
    assert "drought. Ecol Lett" in first.raw  # ordinary wrapping still gets its space


def test_a_word_after_a_finished_doi_starts_a_new_part_of_the_citation():
    text = ("References\n1. Keller P. Soil microbes under drought. Ecol Lett 2020; 23:101-110. "
            "doi:10.5555/ecol.2020.12345.\n   Epub 2020 Jan 5.\n")
    [ref] = read_text(text, "text", "refs.txt").references
    assert ref.doi == "10.5555/ecol.2020.12345"


FULL_TEXT = """Stem cells for wound healing

Abstract
Stem cells help [1].

Introduction

Wounds heal slowly [1, 2]. Copper matters [3].

2. Materials and methods

2.1 Statistical analysis

We used R [4-5]. See Fig. 1 for e.g. the design [5] and [2020].

3. Results

As shown before [2].

References
1. Smith A, Jones B. Stem cells in wound healing. J Wound Care 2020; 12:1-10.
2. Lee C. Wound dressings compared. Wound Repair Regen 2019; 3:4-9.
3. Kim D. Role of copper in Alzheimer disease. J Alz Dis 2018; 5:6-7.
4. R Core Team. R: a language and environment for statistical computing. Vienna 2020.
6. Bates D, Maechler M. Fitting linear mixed-effects models using lme4. J Stat Softw 2015; 67:1-48.
"""


def test_a_full_text_records_the_sections_that_cite_each_numbered_reference():
    refs = read(FULL_TEXT.replace("[4-5]", "[4-6]").replace("[5]", "[6]")).references
    assert [[(c.heading, c.methods) for c in r.cited_in] for r in refs] == [
        [("Abstract", False), ("Introduction", False)],
        [("Introduction", False), ("Results", False)],
        [("Introduction", False)],
        [("Materials and methods > Statistical analysis", True)],
        [("Materials and methods > Statistical analysis", True)],  # printed number 6
    ]
    assert [c.excerpt for c in refs[0].cited_in] == ["Stem cells help [1].",
                                                     "Wounds heal slowly [1, 2]."]
    assert refs[2].cited_in[0].excerpt == "Copper matters [3]."
    assert refs[4].cited_in[0].excerpt == "We used R [4-6]."


def test_a_bare_list_or_an_unnumbered_list_records_no_citing_sections(seed):
    assert all(r.cited_in == [] for r in seed.references)
    unnumbered = FULL_TEXT.split("References\n")[0] + "References\n" + "\n".join(
        line.split(". ", 1)[1] for line in FULL_TEXT.split("References\n")[1].splitlines())
    refs = read(unnumbered).references
    assert len(refs) == 5 and all(r.cited_in == [] for r in refs)


def test_a_full_text_reports_citations_of_missing_numbers_and_references_it_never_cites():
    # FULL_TEXT cites [5], which the list (numbered 1-4, 6) lacks, and never cites 6
    problems = read(FULL_TEXT).problems
    assert "refs.txt:14: the text cites [5], but the list has no reference 5; correct the " \
        "citation or add the reference." in problems
    assert "refs.txt:25: reference 6 is in the list, but the text never cites it as [6]; cite " \
        "it where it is used, or remove it." in problems
    assert not any("[2020]" in p for p in problems)  # beyond the list: a year, not a citation
    cited_all = read(FULL_TEXT.replace("[5]", "[6]").replace("[4-5]", "[4]")).problems
    assert [p for p in cited_all if "cites" in p] == []


def test_a_reference_starting_with_a_particle_is_not_a_wrapped_line():
    text = ("Keirstead, J. (2014). Fit for Purpose? Rethinking Modeling in Industrial Ecology. "
            "Journal of Industrial Ecology, 18(2), 161-163. https://doi.org/10.1111/jiec.12093\n"
            "de Moura, E. T., & Sakai, P. (2016). Biliary stenosis extreme endoscopy treatment. "
            "Gastrointestinal Endoscopy, 83(5), AB615.\n"
            "van der Berg, A. (2010). A third reference about the same subject. Journal of Things, "
            "4(1), 1-9.\n")
    refs = read_text(text, "text", "refs.txt").references
    assert [r.location.line for r in refs] == [1, 2, 3]
    assert (refs[1].authors[0].particle, refs[1].authors[0].family) == ("de", "Moura")
    assert refs[2].journal == "Journal of Things"


def test_aas_list_without_titles_keeps_title_unknown():
    ms = read("Smith, J., & Doe, A. 2001, Astrophysical Journal, 500, L1\n"
              "Brown, K. 1999, ApJ, 512, 100\n"
              "Jones, A. B., Lee, C., & Kim, D. 2010, MNRAS, 400, 123\n")
    refs = ms.references
    assert [r.title for r in refs] == [None, None, None]
    assert [(r.journal, r.volume, r.year) for r in refs] == [
        ("Astrophysical Journal", "500", 2001), ("ApJ", "512", 1999), ("MNRAS", "400", 2010)]
    assert [r.first_page or r.article_number for r in refs] == ["L1", "100", "123"]
    assert refs[2].author_names == ["Jones, A. B.", "Lee, C.", "Kim, D."]


@pytest.mark.parametrize("label", ["{n}.", "[{n}]"])
def test_references_numbered_past_9999_stay_apart(label):
    lines = ["References", ""] + [
        label.format(n=n) + f" Smith J, Doe A. Study number {n} of things. Nature. 2020;1:{n}."
        for n in range(1, 10_003)]
    manuscript = read_text("\n".join(lines), "text")
    assert len(manuscript.references) == 10_002
    last = manuscript.references[-1]
    assert (last.index, last.raw) == (10_002, "Smith J, Doe A. Study number 10002 of things. "
                                              "Nature. 2020;1:10002.")
