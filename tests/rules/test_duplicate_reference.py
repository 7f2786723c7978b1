from factories import cited, context, matched, record, ref

from citelint.rules import duplicate_reference as rule

TITLE = "Effectiveness of secretome from umbilical cord stem cells in gel for chronic wounds"


def _findings(matches):
    return [(pos, f) for pos, f in rule.check_list(matches, context())]


def test_same_resolved_doi_twice_reports_both_copies():
    rec = record(doi="10.1000/x", title=TITLE)
    found = _findings([matched(ref(1, title=TITLE), rec), matched(ref(2, title="Other"), None),
                       matched(ref(3, title=TITLE), rec)])
    assert [(pos, f.evidence["same_as"]) for pos, f in found] == [(0, [3]), (2, [1])]


def test_unresolved_copies_are_matched_by_title_author_year():
    a = ref(1, title=TITLE, authors=cited("Tan ST"), year=2023)
    b = ref(2, title=TITLE.upper(), authors=cited("Tan S"), year=2023)
    assert len(_findings([matched(a, None), matched(b, None)])) == 2


def test_different_years_are_not_duplicates():
    a = ref(1, title=TITLE, authors=cited("Tan ST"), year=2023)
    b = ref(2, title=TITLE, authors=cited("Tan ST"), year=2021)
    assert _findings([matched(a, None), matched(b, None)]) == []
