"""Fixes written into CSL-JSON: one member's value changes or one member is added, in place."""

from __future__ import annotations

import json

import pytest

from citelint.fix import FixError, apply_edits
from citelint.fix.csljson import Editor
from citelint.models import Author, Fix, Location, Reference
from citelint.readers import read_text

CSL = """[
  {
    "id": "guo2022",
    "type": "article-journal",
    "author": [
      {"family": "Guo", "given": "Xiaolei"},
      {"family": "Vogt", "given": "Annika"}
    ],
    "container-title": "Cells",
    "issued": {"date-parts": [[2021, 4]]},
    "volume": 11,
    "page": "1198-1221"
  },
  {"id": "wu2024", "title": "The role of stem cells", "issued": {"raw": "2024"}}
]
"""


def _ref(index: int, key: str) -> Reference:
    return Reference(index=index, raw="", location=Location("refs.json", line=2, key=key))


def _fix(text: str, ref: Reference, *fixes: Fix) -> str:
    editor = Editor(text)
    return apply_edits(text, [e for fix in fixes for e in editor.edits(ref, fix)])


def test_an_added_member_is_indented_like_its_neighbours_and_nothing_else_changes():
    out = _fix(CSL, _ref(1, "guo2022"), Fix("doi", "10.3390/cells11071198", "safe"))
    assert out == CSL.replace('"page": "1198-1221"\n',
                              '"page": "1198-1221",\n    "DOI": "10.3390/cells11071198"\n')


def test_a_one_line_item_gets_the_member_on_its_line():
    out = _fix(CSL, _ref(2, "wu2024"), Fix("doi", "10.3390/x", "safe"))
    assert '"issued": {"raw": "2024"}, "DOI": "10.3390/x"}' in out
    assert json.loads(out)[1]["DOI"] == "10.3390/x"


def test_values_keep_their_json_types():
    out = _fix(CSL, _ref(1, "guo2022"), Fix("volume", "12"), Fix("pages", "1198", "safe"),
               Fix("year", 2022))
    item = json.loads(out)[0]
    assert item["volume"] == 12 and item["page"] == "1198"
    assert item["issued"] == {"date-parts": [[2022]]}
    assert json.loads(_fix(CSL, _ref(2, "wu2024"), Fix("year", 2023)))[1]["issued"] == {
        "raw": "2023"}


def test_a_multi_line_author_list_is_rewritten_indented():
    authors = [Author(family="Guo", given="X"), Author(name="WHO Study Group")]
    out = _fix(CSL, _ref(1, "guo2022"), Fix("authors", authors))
    assert ('    "author": [\n      {\n        "family": "Guo",\n        "given": "X"\n      },'
            in out)
    ref = read_text(out, "csl-json", "refs.json").references[0]
    assert ref.author_names == ["Guo X", "WHO Study Group"]


def test_an_items_object_is_edited_too():
    text = '{"items": [{"id": "a", "title": "T", "page": "5-9"}]}'
    out = _fix(text, _ref(1, "a"), Fix("pages", "5", "safe"))
    assert out == '{"items": [{"id": "a", "title": "T", "page": "5"}]}'


def test_non_ascii_is_escaped_only_in_an_ascii_file():
    fix = Fix("journal", "Revista Española")
    assert '"Revista Espa\\u00f1ola"' in _fix(CSL, _ref(1, "guo2022"), fix)
    utf8 = CSL.replace('"Cells"', '"Céllules"')
    assert '"Revista Española"' in _fix(utf8, _ref(1, "guo2022"), fix)


def test_an_item_is_found_by_its_id_whatever_the_references_number():
    out = _fix(CSL, _ref(1, "wu2024"), Fix("doi", "10.3390/x", "safe"))
    assert json.loads(out)[1]["DOI"] == "10.3390/x" and "DOI" not in json.loads(out)[0]


def test_an_item_without_an_id_is_found_by_its_position():
    text = '[{"title": "A"}, {"title": "B", "page": "5-9"}]'
    out = _fix(text, _ref(2, "item 2"), Fix("pages", "5", "safe"))
    assert out == '[{"title": "A"}, {"title": "B", "page": "5"}]'


def test_an_item_that_is_gone_is_a_fix_error():
    with pytest.raises(FixError, match="no item with the id 'gone'"):
        Editor(CSL).edits(_ref(1, "gone"), Fix("doi", "10.1/x", "safe"))
