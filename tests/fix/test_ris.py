"""Fixes written into RIS: tag lines change, appear or go, in the file's own line format."""

from __future__ import annotations

import pytest

from citelint.fix import FixError, apply_edits
from citelint.fix.ris import Editor
from citelint.models import Author, Fix, Location, Reference
from citelint.readers import read_text

RIS = """TY  - JOUR
AU  - Guo, Xiaolei
AU  - Vogt, Annika
AU  - et al.
TI  - Effects of adipose-derived stem cells
JO  - Cells
DA  - 2021/04/01/
VL  - 11
SP  - 1198
EP  - 1221
N1  - a note the author keeps
ER  -

TY  - JOUR
TI  - The role of stem cells
ER  -
"""


def _ref(line: int) -> Reference:
    return Reference(index=1, raw="", location=Location("refs.ris", line=line, key="record 1"))


def _fix(text: str, ref: Reference, *fixes: Fix) -> str:
    editor = Editor(text)
    return apply_edits(text, [e for fix in fixes for e in editor.edits(ref, fix)])


def test_an_article_number_replaces_the_range_and_the_end_page_goes():
    out = _fix(RIS, _ref(1), Fix("pages", "1198", "safe"))
    assert out == RIS.replace("EP  - 1221\n", "")
    ref = read_text(out, "ris", "refs.ris").references[0]
    assert (ref.first_page, ref.last_page) == ("1198", None)


def test_a_doi_is_added_before_er_and_the_rest_is_kept():
    out = _fix(RIS, _ref(14), Fix("doi", "10.3390/x", "safe"))
    assert out == RIS.replace("TI  - The role of stem cells\n",
                              "TI  - The role of stem cells\nDO  - 10.3390/x\n")


def test_crlf_line_endings_are_kept():
    text = RIS.replace("\n", "\r\n")
    out = _fix(text, _ref(14), Fix("doi", "10.3390/x", "safe"), Fix("volume", "12", "safe"))
    assert "DO  - 10.3390/x\r\nVL  - 12\r\nER  -\r\n" in out
    assert "\n" not in out.replace("\r\n", "")


def test_authors_replace_the_au_lines_where_they_stood():
    authors = [Author(family="Guo", given="X"), Author(family="Vogt", given="A"),
               Author(family="Rancan", given="F")]
    out = _fix(RIS, _ref(1), Fix("authors", authors))
    assert out.startswith("TY  - JOUR\nAU  - Guo, X\nAU  - Vogt, A\nAU  - Rancan, F\nTI  - ")
    ref = read_text(out, "ris", "refs.ris").references[0]
    assert ref.author_names == ["Guo X", "Vogt A", "Rancan F"] and not ref.et_al


def test_journal_volume_and_the_year_of_a_date_are_corrected_in_place():
    out = _fix(RIS, _ref(1), Fix("journal", "Cells (Basel)"), Fix("volume", "12"),
               Fix("year", 2022))
    assert "JO  - Cells (Basel)\nDA  - 2022/04/01/\nVL  - 12\n" in out


def test_a_range_gets_its_end_page():
    out = _fix(RIS, _ref(14), Fix("pages", "101-110"))
    assert "SP  - 101\nEP  - 110\nER  -" in out


def test_a_location_that_is_not_a_record_start_is_a_fix_error():
    with pytest.raises(FixError, match="line 2 is no longer the TY line"):
        Editor(RIS).edits(_ref(2), Fix("doi", "10.1/x", "safe"))
