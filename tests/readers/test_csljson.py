"""The CSL-JSON reader: items to fields, item locations, and JSON that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citelint.readers import InputError, detect_format, read_file, read_text

ITEMS = """[
  {
    "id": "guo2022",
    "type": "article-journal",
    "author": [{"family": "Guo", "given": "Xiaolei"},
               {"family": "Blume-Peytavi", "given": "Ulrike"},
               {"literal": "et al."}],
    "title": "Effects of adipose-derived stem cells",
    "container-title": "Cells",
    "issued": {"date-parts": [[2022, 3, 28]]},
    "volume": 11, "issue": "7", "page": "1198–1221",
    "DOI": "https://doi.org/10.3390/CELLS11071198", "PMID": "35406762",
    "citelint-ignore": "doi-missing: fine"
  },
  {"id": 7, "type": "book", "author": [{"family": "Beethoven", "given": "Ludwig",
   "non-dropping-particle": "van"}], "title": "A book", "publisher": "Springer",
   "issued": {"raw": "2015"}, "article-number": "150313"}
]
"""


def test_items_become_fields() -> None:
    ref = read_text(ITEMS, "csl-json", "refs.json").references[0]
    assert (ref.author_names, ref.et_al) == (["Guo X", "Blume-Peytavi U"], True)
    assert (ref.title, ref.journal, ref.year, ref.volume, ref.issue) == (
        "Effects of adipose-derived stem cells", "Cells", 2022, "11", "7")
    assert (ref.first_page, ref.last_page) == ("1198", "1221")
    assert (ref.doi, ref.pmid, ref.type) == ("10.3390/cells11071198", "35406762", "article")
    assert ref.suppressions[0].rule == "doi-missing"
    assert ref.raw == ("Guo X, Blume-Peytavi U, et al. Effects of adipose-derived stem cells. "
                       "Cells 2022;11(7):1198-1221. doi:10.3390/cells11071198 PMID: 35406762")


def test_book_items_and_name_particles() -> None:
    ref = read_text(ITEMS, "csl-json", None).references[1]
    assert (ref.author_names, ref.type, ref.publisher, ref.year, ref.article_number) == (
        ["van Beethoven L"], "book", "Springer", 2015, "150313")


def test_each_item_is_located_by_id_index_and_line() -> None:
    refs = read_text(ITEMS, "csl-json", "refs.json").references
    assert [(r.index, r.location.key, r.location.line) for r in refs] == [
        (1, "guo2022", 2), (2, "7", 15)]


def test_an_items_object_and_a_single_item_are_read() -> None:
    wrapped = json.dumps({"items": [{"id": "a", "title": "One"}, {"id": "b", "title": "Two"}]},
                         indent=1)
    assert [r.title for r in read_text(wrapped, "csl-json", None).references] == ["One", "Two"]
    single = json.dumps({"id": "a", "type": "book", "title": "Only"})
    assert read_text(single, "csl-json", None).references[0].title == "Only"


def test_an_item_that_is_not_an_object_is_a_located_parse_error() -> None:
    refs = read_text('[\n {"title": "Fine"},\n "just a string"\n]', "csl-json", "r.json").references
    assert refs[0].parse_error is None
    assert refs[1].parse_error == "item 2 is a JSON str, not an object"
    assert refs[1].location.line == 3


@pytest.mark.parametrize("text, where", [
    ('[\n  {"title": "One"},\n  {"title": "Two",}\n]', "refs.json:3:"),
    ('[\n  {"title": "One"}\n  {"title": "Two"}\n]', "refs.json:3:3:"),
    ('{"title": "One", ', "refs.json:1:"),
    ('[{"title": "One"}] trailing', "refs.json:1:20:"),
])
def test_bad_json_is_refused_with_file_line_and_column(text: str, where: str) -> None:
    with pytest.raises(InputError, match="not valid JSON") as error:
        read_text(text, "csl-json", "refs.json")
    assert str(error.value).startswith(where)


def test_json_that_is_not_csl_is_refused() -> None:
    with pytest.raises(InputError, match="not CSL-JSON"):
        read_text('{"schema_version": 1}', "csl-json", "report.json")


def test_csl_json_is_detected_by_extension_and_content() -> None:
    assert detect_format("", "refs.json") == "csl-json"
    assert detect_format(ITEMS, None) == "csl-json"


def test_the_fixture_reads() -> None:
    manuscript = read_file(Path(__file__).parents[2] / "fixtures" / "formats" / "refs.json")
    assert [r.location.key for r in manuscript.references][:2] == ["zhu2024compact",
                                                                   "guo2022effects"]
    assert manuscript.references[0].article_number == "150313"


def test_an_arxiv_link_or_number_becomes_the_arxiv_id() -> None:
    items = ('[{"id": "a", "type": "article", "title": "T", "URL": "https://arxiv.org/abs/'
             '2101.12345v2"}, {"id": "b", "type": "article", "title": "T", "number": '
             '"arXiv:hep-th/9901001"}, {"id": "c", "type": "article", "title": "T", '
             '"URL": "https://example.org/2101.12345"}]')
    refs = read_text(items, "csl-json", None).references
    assert [r.arxiv for r in refs] == ["2101.12345", "hep-th/9901001", None]
