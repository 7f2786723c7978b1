"""Fixes written into BibTeX: the field's text changes in place, everything else is kept."""

from __future__ import annotations

import pytest

from citelint.fix import FixError, apply_edits
from citelint.fix.bibtex import Editor
from citelint.models import Author, Fix, Location, Reference
from citelint.readers import read_text

BIB = """% My references -- keep this comment
@string{cells = "Cells"}

@Article{guo2022,
  author    = {Guo, Xiaolei and Vogt, Annika and others},
  title     = {Effects of adipose-derived stem cells},
  journal   = cells,
  year      = 2021,
  volume    = "11",
  pages     = {1198--1221}
}

% a comment between entries
@article{wu2024, title = {The role of stem cells}, journal = {Biomedicines}, year = {2024},}
"""


def _ref(key: str, line: int, index: int = 1) -> Reference:
    return Reference(index=index, raw="", location=Location("refs.bib", line=line, key=key))


def _fix(text: str, ref: Reference, *fixes: Fix) -> str:
    editor = Editor(text)
    return apply_edits(text, [e for fix in fixes for e in editor.edits(ref, fix)])


def _changed_lines(before: str, after: str) -> set[str]:
    return set(after.splitlines()) - set(before.splitlines())


def test_a_value_is_replaced_in_place_and_keeps_its_delimiters():
    out = _fix(BIB, _ref("guo2022", 4), Fix("pages", "1198", "safe"),
               Fix("volume", "12"), Fix("year", 2022))
    assert "  pages     = {1198}\n" in out
    assert '  volume    = "12",\n' in out  # quoted stays quoted
    assert "  year      = 2022,\n" in out  # a bare number stays bare
    assert _changed_lines(BIB, out) == {"  pages     = {1198}", '  volume    = "12",',
                                        "  year      = 2022,"}


def test_comments_macros_and_other_entries_are_kept_byte_for_byte():
    out = _fix(BIB, _ref("guo2022", 4), Fix("doi", "10.3390/cells11071198", "safe"))
    assert out.replace("},\n  doi       = {10.3390/cells11071198}\n}", "}\n}", 1) == BIB


def test_an_added_field_lines_up_with_its_neighbours():
    out = _fix(BIB, _ref("guo2022", 4), Fix("doi", "10.3390/cells11071198", "safe"))
    assert "  pages     = {1198--1221},\n  doi       = {10.3390/cells11071198}\n}" in out


def test_an_added_field_follows_a_one_line_entry_and_its_trailing_comma():
    out = _fix(BIB, _ref("wu2024", 15), Fix("doi", "10.3390/biomedicines12040743", "safe"),
               Fix("volume", "12", "safe"))
    assert ("year = {2024}, doi = {10.3390/biomedicines12040743}, volume = {12},}"
            in out.splitlines()[-1])


def test_a_macro_value_is_replaced_by_a_braced_one():
    out = _fix(BIB, _ref("guo2022", 4), Fix("journal", "Cells & Tissues"))
    assert "  journal   = {Cells \\& Tissues},\n" in out


def test_authors_are_written_as_bibtex_names_and_et_al_goes():
    authors = [Author(family="Guo", given="X"), Author(family="Blume-Peytavi", given="U"),
               Author(name="WHO Study Group")]
    out = _fix(BIB, _ref("guo2022", 4), Fix("authors", authors))
    assert "  author    = {Guo, X and Blume-Peytavi, U and {WHO Study Group}},\n" in out
    ref = read_text(out, "bibtex", "refs.bib").references[0]
    assert ref.author_names == ["Guo X", "Blume-Peytavi U", "WHO Study Group"] and not ref.et_al


def test_an_ascii_file_gets_latex_accents_and_a_utf8_file_keeps_its_letters():
    fix = Fix("authors", [Author(family="Sierra-Sánchez", given="Á")])
    assert "{Sierra-S\\'anchez, \\'A}" in _fix(BIB, _ref("guo2022", 4), fix)
    utf8 = BIB.replace("My references", "Mes références")
    assert "{Sierra-Sánchez, Á}" in _fix(utf8, _ref("guo2022", 4), fix)


def test_the_fixed_file_reads_back_with_the_new_values():
    out = _fix(BIB, _ref("guo2022", 4), Fix("pages", "1198", "safe"),
               Fix("doi", "10.3390/cells11071198", "safe"))
    ref = read_text(out, "bibtex", "refs.bib").references[0]
    assert (ref.first_page, ref.last_page, ref.doi) == ("1198", None, "10.3390/cells11071198")


def test_a_biblatex_date_has_only_its_year_corrected():
    text = "@article{a,\n  date = {2019-03-01},\n  title = {T}\n}\n"
    assert "date = {2021-03-01}" in _fix(text, _ref("a", 1), Fix("year", 2021))


def test_a_page_range_follows_the_files_dash():
    text = "@article{a,\n  pages = {101-119}\n}\n"
    assert "pages = {101-110}" in _fix(text, _ref("a", 1), Fix("pages", "101-110"))
    text = "@article{a,\n  pages = {101--119}\n}\n"
    assert "pages = {101--110}" in _fix(text, _ref("a", 1), Fix("pages", "101-110"))


def test_a_key_used_twice_is_found_by_its_line():
    text = "@article{a,\n  year = {2020}\n}\n@article{a,\n  year = {2021}\n}\n"
    out = _fix(text, _ref("a", 4), Fix("year", 2019))
    assert out == text.replace("2021", "2019")


def test_an_entry_that_is_gone_is_a_located_fix_error():
    with pytest.raises(FixError, match="no entry with the key 'gone'"):
        Editor(BIB).edits(_ref("gone", 1), Fix("doi", "10.1/x", "safe"))


def test_a_particle_and_a_suffix_take_their_bibtex_places():
    fix = Fix("authors", [Author(family="Berg", particle="van der", given="Anna", suffix="Jr")])
    out = _fix(BIB, _ref("guo2022", 4), fix)
    assert "  author    = {van der Berg, Jr, Anna},\n" in out
    assert read_text(out, "bibtex", "refs.bib").references[0].authors[0].family.endswith("Berg")
