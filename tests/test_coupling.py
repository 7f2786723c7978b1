"""Citation coupling (citelint.coupling): what records say a work cites, the ties between the
references of a list, and how the off-topic rule uses them.

The records are real: fixtures/offtopic/records.jsonl (the works an article on online news and
scientific impact cites, as OpenAlex returned them; OpenAlex and Crossref search results; see
its SOURCES.md) and the recorded answers of fixtures/api-examples.
"""

from __future__ import annotations

import copy
import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from citelint import check, coupling
from citelint.models import Manuscript, Match, Record, Reference
from citelint.records import openalex_key, record_from_json, record_from_openalex
from citelint.relatedness import outliers
from citelint.rules import CheckContext, off_topic
from citelint.sources import openalex

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "fixtures" / "api-examples"
SETS = {data["name"]: data for data in map(
    json.loads, (ROOT / "fixtures" / "offtopic" / "records.jsonl").read_text("utf-8").splitlines())}
LIST = SETS["online news and scientific impact (W3045921891)"]
BIODIVERSITY = SETS["biodiversity AND finance (OpenAlex search)"]
PLOS_ONE = SETS["PLOS ONE 2021 (Crossref journal sample)"]


def matches_of(works: list[dict[str, Any]]) -> list[Match]:
    records = [record_from_json(copy.deepcopy(w)) for w in works]
    return [Match(Reference(i + 1, r.title or "", title=r.title, journal=r.journal), record=r)
            for i, r in enumerate(records)]


def by_id(works: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(w for w in works if w["id"] == key)


# -- what the records keep -------------------------------------------------------------------


def test_openalex_records_keep_the_works_they_cite_and_their_related_works():
    work = json.loads((EXAMPLES / "openalex" / "works_W2162348455.json").read_text("utf-8"))
    record = record_from_openalex(work)
    assert len(record.referenced_works) == len(work["referenced_works"]) == 230
    assert record.referenced_works[0] == openalex_key(work["referenced_works"][0])
    assert len(record.related_works) == 10
    assert all(key.startswith("W") for key in record.referenced_works + record.related_works)


def test_openalex_is_asked_for_citations_in_the_same_request():
    assert {"referenced_works", "related_works", "topics"} <= set(openalex.FIELDS)


def test_crossref_records_keep_the_dois_of_their_reference_list():
    work = json.loads((EXAMPLES / "crossref" /
                       "works_10.7554_elife.01567_article-number_references.json")
                      .read_text("utf-8"))["message"]
    record = record_from_json(work)
    assert record.source == "crossref"
    assert len(record.referenced_works) == 27
    assert "10.1534/genetics.109.104976" in record.referenced_works  # "In the beginning was..."


@pytest.mark.parametrize("value, key", [
    ("https://openalex.org/W2741809807", "W2741809807"), ("W2741809807", "W2741809807"),
    ("https://openalex.org/w12/", "W12"), ("https://openalex.org/S123", None),
    ("10.1000/x", None), (None, None), (12, None)])
def test_openalex_key(value, key):
    assert openalex_key(value) == key


# -- the ties, against a plain all-pairs computation -----------------------------------------


def all_pairs(matches: list[Match]) -> list[dict[str, Any]]:
    """The same ties computed the slow, obvious way: every pair of references compared."""
    keys = [coupling.work_keys(m.record) for m in matches]
    cites = [set(m.record.referenced_works) for m in matches]
    related = [set(m.record.related_works) for m in matches]
    out = [{"cites": set(), "cited_by": set(), "related": set(), "shared": set()}
           for _ in matches]
    for i, j in combinations(range(len(matches)), 2):
        if keys[i] & keys[j]:
            continue  # the same work twice
        if keys[j] & cites[i]:
            out[i]["cites"].add(j)
            out[j]["cited_by"].add(i)
        if keys[i] & cites[j]:
            out[j]["cites"].add(i)
            out[i]["cited_by"].add(j)
        if keys[j] & related[i] or keys[i] & related[j]:
            out[i]["related"].add(j)
            out[j]["related"].add(i)
        common = cites[i] & cites[j]
        out[i]["shared"] |= common
        out[j]["shared"] |= common
    return out


def test_ties_on_a_real_reference_list_equal_the_all_pairs_computation():
    intruders = [w for w in BIODIVERSITY["works"] if w["referenced_works"]][:5]
    matches = matches_of(LIST["works"] + intruders)
    fast = coupling.couple(matches)
    slow = all_pairs(matches)
    for i, (got, want) in enumerate(zip(fast, slow, strict=True)):
        assert set(got["cites"]) == want["cites"], i
        assert set(got["cited_by"]) == want["cited_by"], i
        assert set(got["related"]) == want["related"], i
        assert got["shared_cited"] == len(want["shared"]), i
        linked = want["cites"] | want["cited_by"] | want["related"]
        assert got["coupled"] == bool(linked or len(want["shared"]) >= coupling.MIN_SHARED), i
        assert set(got["partners"]) <= linked | {
            j for j in range(len(matches)) if j != i and slow[j]["shared"] & want["shared"]}
    # the real list is tied together; what is measured of it is in docs/offtopic.md
    assert sum(r["coupled"] for r in fast[:len(LIST["works"])]) >= 0.7 * len(LIST["works"])


def test_an_intruder_from_another_field_is_known_but_not_tied_and_the_message_says_so():
    intruder = by_id(BIODIVERSITY["works"], "W2077467872")  # payments for watershed services
    matches = matches_of([*LIST["works"], intruder])
    result = coupling.couple(matches)[-1]
    assert result["known"] and not result["coupled"]
    assert result["topic"]["field"] != result["list_topic"]["field"]
    text = "; ".join(coupling.describe(coupling.numbered(result, [m.reference.index
                                                                  for m in matches])))
    assert f"its record cites {len(intruder['referenced_works'])} works, none of which" in text
    assert f"differs from the list's {result['list_topic']['field']!r}" in text


def test_a_reference_listed_twice_is_not_tied_to_itself():
    lonely = by_id(BIODIVERSITY["works"], "W2077467872")
    once = coupling.couple(matches_of([*LIST["works"], lonely]))[-1]
    first, second = coupling.couple(matches_of([*LIST["works"], lonely, lonely]))[-2:]
    assert not first["coupled"] and not second["coupled"]
    assert first["shared_cited"] == second["shared_cited"] == once["shared_cited"]
    assert first["partners"] == once["partners"]


def test_works_cited_by_doi_and_by_openalex_id_are_not_compared():
    """A Crossref-only record (DOIs) in a list of OpenAlex records (OpenAlex ids): sharing
    nothing says nothing, so its coupling is not known and the message does not claim it."""
    crossref_work = next(w for w in PLOS_ONE["works"] if w["reference"])
    matches = matches_of([*LIST["works"], crossref_work])
    result = coupling.couple(matches)[-1]
    assert result["cites_count"] > 0 and not result["known"] and not result["coupled"]
    assert not any("none of which" in s for s in coupling.describe(result))


def test_a_reference_without_a_record_has_no_coupling():
    matches = matches_of(LIST["works"])
    matches.append(Match(Reference(99, "A cited title", title="A cited title")))
    assert coupling.couple(matches)[-1] == {"known": False}


def test_references_that_only_cite_one_another_do_not_vouch_for_one_another():
    citing = by_id(BIODIVERSITY["works"], "W2077467872")
    cited = by_id(BIODIVERSITY["works"], "W1570712754")
    matches = matches_of([*LIST["works"], citing, cited])
    a, b = len(matches) - 2, len(matches) - 1
    together = coupling.couple(matches)
    assert together[a]["cites"] == [b] and together[b]["cited_by"] == [a]
    assert together[a]["coupled"] and together[b]["coupled"]
    apart = coupling.ties_outside(matches, [a, b])
    assert not apart[a]["coupled"] and not apart[b]["coupled"]


def test_a_candidate_cited_by_the_rest_of_the_list_keeps_that_tie():
    matches = matches_of(LIST["works"])
    ties = coupling.couple(matches)
    cited = next(i for i, t in enumerate(ties) if t["cited_by"])
    alone = coupling.ties_outside(matches, [cited])[cited]
    assert alone["coupled"] and set(alone["cited_by"]) == set(ties[cited]["cited_by"])


def test_the_list_topic_needs_a_majority():
    topics = [{"subfield": "A", "field": "F", "domain": "D"}] * 2 + [
        {"subfield": "B", "field": "G", "domain": "D"}] * 2
    assert coupling.list_topic(topics) == {"domain": "D"}
    assert coupling.list_topic(topics[:2]) == {}  # fewer than MIN_TOPICS
    assert coupling.topic_agreement(topics[0], {"domain": "D"}) == "domain"
    assert coupling.topic_agreement(None, {"domain": "D"}) is None


# -- the off-topic rule ----------------------------------------------------------------------


def retitled(work: dict[str, Any], title: str) -> dict[str, Any]:
    """The work with another title and no source or topics: text that scores as unrelated; an
    article, so that it is judged (a book's relatedness is not: ``relatedness.is_article``)."""
    return {**work, "display_name": title, "primary_location": None, "topics": [],
            "type": "article"}


UNRELATED = "Tax incentives and the uptake of electric vehicles in rural households"


def rule_run(works: list[dict[str, Any]]) -> tuple[list[Match], dict[int, Any], CheckContext]:
    matches = matches_of(works)
    manuscript = Manuscript(None, "text", [m.reference for m in matches],
                            title=LIST["manuscript"]["title"],
                            abstract=LIST["manuscript"]["abstract"])
    # looser gates than the defaults, so that text alone makes both retitled works outliers
    context = CheckContext(manuscript, options={"off-topic": {
        "method": "tfidf", "threshold": 0.5, "max_ratio": 0.5}})
    return matches, dict(off_topic.check_list(matches, context)), context


def test_a_reference_tied_to_the_list_is_not_reported_however_unrelated_its_text():
    works = list(LIST["works"])
    ties = coupling.couple(matches_of(works))
    tied = next(i for i, t in enumerate(ties) if len(t["cited_by"]) >= 2)
    works[tied] = retitled(works[tied], UNRELATED)
    lonely = by_id(BIODIVERSITY["works"], "W2077467872")
    works.append(retitled(lonely, UNRELATED.replace("rural", "urban")))
    matches, found, context = rule_run(works)
    scores = off_topic.relatedness_for(matches, context)
    by_text = outliers(scores, z_threshold=0.5, max_ratio=0.5)
    assert {tied, len(works) - 1} <= set(by_text)  # both are outliers by their text
    assert len(works) - 1 in found  # no ties: reported
    assert tied not in found  # cited by references of the list: not reported
    assert scores[tied]["coupling"]["protected"] and scores[tied]["coupling"]["coupled"]
    message = found[len(works) - 1].message
    assert "none of which the references not reported cite" in message
    assert found[len(works) - 1].evidence["coupling"]["known"] is True


def test_lists_whose_records_say_nothing_of_citations_get_no_coupling():
    plain = [{k: v for k, v in w.items() if k not in ("referenced_works", "related_works",
                                                      "topics")} for w in LIST["works"]]
    matches, _, context = rule_run(plain)
    assert all("coupling" not in s for s in off_topic.relatedness_for(matches, context))


# -- online: the records come with their citations, at no extra request ------------------------


def test_online_records_carry_coupling_without_extra_requests(fake_api, tmp_path: Path):
    served = [w for w in LIST["works"] if w.get("doi")]
    for work in served:
        fake_api.add({**work, "id": f"https://openalex.org/{work['id']}",  # as OpenAlex sends
                      "referenced_works": [f"https://openalex.org/{k}"
                                           for k in work["referenced_works"]],
                      "related_works": [f"https://openalex.org/{k}"
                                        for k in work["related_works"]]})
    lines = [f"{i}. {w['display_name']}. {w['publication_year']}. doi:{w['doi'][16:]}"
             for i, w in enumerate(served, 1)]
    path = tmp_path / "refs.txt"
    path.write_text("References\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "citelint.toml").write_text('[options.off-topic]\nmethod = "tfidf"\n', "utf-8")
    report = check(path)
    to_openalex = [r for r in fake_api.requests if r.service == "openalex"]
    assert to_openalex and all("referenced_works" in r.query.get("select", "")
                               for r in to_openalex)
    # one DOI batch; nothing asked about citations (no cited_by/cites filter, no singleton)
    assert [r.path for r in to_openalex if "filter" in r.query] == ["/works"]
    assert all(r.path == "/works" for r in to_openalex)
    matched = [r for r in report.results if r.match.record is not None]
    assert len(matched) >= 0.8 * len(served)  # a few citations here lack authors or a journal
    assert all(("coupling" in r.relatedness) == (r.match.record is not None)
               for r in report.results)
    assert sum(r.relatedness["coupling"]["coupled"] for r in matched) >= 0.7 * len(matched)


def test_two_unrelated_references_that_cite_each_other_are_both_reported():
    citing = retitled(by_id(BIODIVERSITY["works"], "W2077467872"), UNRELATED)
    cited = retitled(by_id(BIODIVERSITY["works"], "W1570712754"),
                     UNRELATED.replace("rural", "urban"))
    works = [*LIST["works"], citing, cited]
    matches, found, context = rule_run(works)
    a, b = len(works) - 2, len(works) - 1
    assert {a, b} <= set(found)
    index = {i: matches[i].reference.index for i in (a, b)}
    assert f"its record's only citation ties are to [{index[b]}]" in found[a].message
    assert found[a].evidence["coupling"]["tied_only_to"] == [index[b]]
    assert found[b].evidence["coupling"]["protected"] is False


def test_a_work_cited_by_both_records_of_two_references_counts_once():
    """Online, a reference often has a Crossref record (citing by DOI) and an OpenAlex one
    (citing by OpenAlex id) of the same work: one shared cited work must not count twice."""
    def reference(n: int) -> Match:
        doi = f"10.5555/coupling.{n}"
        crossref = Record(source="crossref", doi=doi, title=f"Work {n}",
                          referenced_works=["10.5555/shared", f"10.5555/own.{n}"])
        alex = Record(source="openalex", doi=doi, id=f"https://openalex.org/W10{n}",
                      title=f"Work {n}", referenced_works=["W999", f"W50{n}"])
        return Match(Reference(n, f"Work {n}"), record=crossref, others=[alex])

    results = coupling.couple([reference(n) for n in range(1, 6)])
    assert all(r["shared_cited"] == 1 and not r["coupled"] for r in results)
