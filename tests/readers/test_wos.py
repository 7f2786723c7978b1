"""The Web of Science reader: tagged exports (FN/PT/AU/TI/SO/ER) to fields, located records."""

from __future__ import annotations

from pathlib import Path

from citelint.readers import read_file, read_text

# two records as Web of Science writes them ("Other reference software", full record), fields cut
EXPORT = """\ufeffFN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Asampong, E
   Gyeke, MDP
AF Asampong, Emmanuel
   Gyeke, Mavis Dako Plusminus
TI Caregivers' views on stigmatization and discrimination of people
   affected by leprosy in Ghana
SO PLOS NEGLECTED TROPICAL DISEASES
DT Article
U1 0
U2 3
J9 PLOS NEGLECT TROP D
PY 2018
VL 12
IS 1
AR e0006219
DI 10.1371/journal.pntd.0006219
PM 29377890
ER

PT B
AU Doe, J
CA WHO Study Group
TI A chapter
SO PROCEEDINGS OF A MEETING
DT Proceedings Paper
PY 2010
BP 11
EP 19
ER

EF
"""


def test_records_become_references_with_their_fields() -> None:
    manuscript = read_text(EXPORT, "wos", "savedrecs.txt")
    assert manuscript.problems == []
    first, second = manuscript.references
    assert first.author_names == ["Asampong E", "Gyeke MDP"]
    assert first.title == ("Caregivers' views on stigmatization and discrimination of people "
                           "affected by leprosy in Ghana")
    assert (first.journal, first.year, first.volume, first.issue) == (
        "PLOS NEGLECTED TROPICAL DISEASES", 2018, "12", "1")
    assert (first.article_number, first.doi, first.pmid, first.type) == (
        "e0006219", "10.1371/journal.pntd.0006219", "29377890", "article")
    assert (second.author_names, second.pages, second.type) == (
        ["Doe J", "WHO Study Group"], "11-19", "conference")
    assert [(r.location.line, r.location.key) for r in manuscript.references] == [
        (3, "record 1"), (23, "record 2")]


def test_a_web_of_science_export_saved_as_txt_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "savedrecs.txt"
    path.write_text(EXPORT, encoding="utf-8")
    assert read_file(path).format == "wos"


def test_a_record_without_er_is_read_and_reported() -> None:
    text = "PT J\nTI First\nPY 2001\nPT J\nTI Second\nPY 2002\nER\n"
    manuscript = read_text(text, "wos", "w.txt")
    assert [r.title for r in manuscript.references] == ["First", "Second"]
    assert manuscript.problems == ["w.txt:1: record has no ER line before the next PT (line 4); "
                                   "read it up to there."]


def test_stray_text_between_records_is_reported_with_its_line() -> None:
    text = "FN x\nPT J\nTI First\nER\nsomething else\n"
    manuscript = read_text(text, "wos", "w.txt")
    assert len(manuscript.references) == 1
    assert manuscript.problems == ["w.txt:5: text outside a record (between ER and the next PT "
                                   "line) is ignored."]
