import pytest
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


# issue 11: entries that share a title and authors but are different works
@pytest.mark.parametrize(("a", "b"), [
    (dict(doi="10.1000/a1"), dict(doi="10.1000/a2")),
    (dict(first_page="101", last_page="110"), dict(first_page="201", last_page="210")),
    (dict(), dict(title=f"Erratum: {TITLE}")),
    # a conference abstract and its full paper
    (dict(journal="J Invest Dermatol", volume="140", first_page="S12"),
     dict(journal="Wound Repair Regen", volume="28", first_page="245", last_page="259")),
])
def test_different_works_with_the_same_title_and_authors_are_not_duplicates(a, b):
    rec = record(doi="10.1000/a1", title=TITLE)  # both matched the same record
    first = ref(1, **{"title": TITLE, "authors": cited("Tan ST"), "year": 2023, **a})
    second = ref(2, **{"title": TITLE, "authors": cited("Tan ST"), "year": 2023, **b})
    assert _findings([matched(first, rec), matched(second, rec)]) == []
    assert _findings([matched(first, None), matched(second, None)]) == []


def test_cu2o_and_cuo_are_not_duplicates():
    a = ref(1, title="Optical properties of Cu₂O thin films", authors=cited("Li Y"), year=2020)
    b = ref(2, title="Optical properties of CuO thin films", authors=cited("Li Y"), year=2020)
    assert _findings([matched(a, None), matched(b, None)]) == []


def test_the_same_doi_cited_twice_is_still_a_duplicate():
    a = ref(1, title=TITLE, doi="10.1000/a1")
    b = ref(2, title=TITLE.lower(), doi="10.1000/A1")
    rec = record(doi="10.1000/a1", title=TITLE)
    assert len(_findings([matched(a, rec), matched(b, rec)])) == 2


# issue 12: the rule files titles by key instead of comparing every pair; it must group exactly
# as comparing every entry with the first entry of every earlier group does.
def _pairwise_groups(matches, threshold=0.95):
    keys = [rule._key(m) for m in matches]
    groups = []
    for i, match in enumerate(matches):
        for group in groups:
            if rule._same(match, keys[i], matches[group[0]], keys[group[0]], threshold):
                group.append(i)
                break
        else:
            groups.append([i])
    return [g for g in groups if len(g) > 1]


_VARIANTS = [
    TITLE, TITLE.upper(), TITLE + ": a randomised trial", "Effectiveness of secretomes from "
    "umbilical cord stem cell in gel for chronic wound", "Effectiveness of secretome from "
    "umbilicalcord stemcells in gel for chronic wounds", "T cells in chronic wounds",
    "Tcells in chronic wounds", "T-cells in chronic wound", "Cu2O films", "CuO films",
    "On AI", "On A.I.", "Chronic wounds: effectiveness of secretome from umbilical cord stem cells",
    "Effectiveness of secretome", "Effectiveness of secretome? Umbilical cord stem cells",
]


@pytest.mark.parametrize("seed", range(6))
def test_grouping_by_filed_titles_equals_the_pairwise_grouping(seed):
    import random
    rng = random.Random(seed)
    records = [record(doi=f"10.1000/{n}", title=rng.choice(_VARIANTS)) for n in range(4)]
    matches = []
    for n in range(1, 61):
        reference = ref(n, title=rng.choice(_VARIANTS + [None]), year=rng.choice([2020, 2021]),
                        authors=cited(rng.choice(["Tan ST", "Tan S", "Lee K"])))
        matches.append(matched(reference, rng.choice(records + [None, None, None])))
    expected = _pairwise_groups(matches)
    found = {pos: f.evidence["same_as"] for pos, f in _findings(matches)}
    assert {pos for group in expected for pos in group} == set(found)
    for group in expected:
        indexes = [matches[p].reference.index for p in group]
        for p in group:
            assert found[p] == [i for i in indexes if i != matches[p].reference.index]
    assert expected  # the lists do hold copies
