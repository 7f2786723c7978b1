"""Shared authors between a list's references (citelint.authorship)."""

from __future__ import annotations

from citelint.authorship import PARTNERS, shared_authors
from citelint.models import Author, Match, Record, Reference
from citelint.names import cited_author


def ref(n: int, *names: str, title: str | None = None,
        recorded: list[Author] | None = None) -> Match:
    """Reference ``n`` citing ``names`` (Vancouver), matched to a record listing ``recorded``."""
    title = title or f"Work {n}"
    return Match(Reference(n, title, title=title, authors=[cited_author(a) for a in names]),
                 record=Record(source="test", title=title, authors=recorded), score=1.0)


def test_a_reference_sharing_an_author_with_an_anchor_is_tied_to_it():
    matches = [ref(1, "Baldwin IT", "Kessler A"), ref(2, "Zhou W", "Baldwin IT"),
               ref(3, "Smith J")]
    ties = shared_authors(matches, anchors=[0], positions=[1, 2])
    assert ties == {1: {"authors": ["Baldwin IT"], "partners": [0]}}


def test_only_anchors_tie():
    """Two references of the same authors that are not on the subject do not vouch for each
    other: only ties to the anchors count."""
    matches = [ref(1, "Baldwin IT"), ref(2, "Meier K"), ref(3, "Meier K")]
    assert shared_authors(matches, anchors=[0], positions=[1, 2]) == {}


def test_initials_must_agree_when_both_are_known():
    matches = [ref(1, "Wang J"), ref(2, "Wang Y"), ref(3, "Wang"), ref(4, "Wang, Jing")]
    ties = shared_authors(matches, anchors=[0], positions=[1, 2, 3])
    assert set(ties) == {2, 3}  # "Wang" (no initials) and "Wang, Jing"; not "Wang Y"


def test_the_record_authors_are_compared_before_the_cited_ones():
    recorded = [Author(name="Ian T. Baldwin"), Author(name="Anurag A. Agrawal")]
    matches = [ref(1, "Agrawal AA"), ref(2, "Kessler A", recorded=recorded)]
    assert shared_authors(matches, anchors=[0], positions=[1]) == {
        1: {"authors": ["Anurag A. Agrawal"], "partners": [0]}}


def test_a_work_listed_twice_is_not_tied_to_its_own_copy():
    matches = [ref(1, "Baldwin IT", title="Jasmonate signalling"),
               ref(2, "Baldwin IT", title="Jasmonate Signalling")]
    assert shared_authors(matches, anchors=[0], positions=[1]) == {}


def test_partners_are_capped_whatever_the_number_of_anchors():
    matches = [ref(n, "Baldwin IT") for n in range(1, 41)]
    ties = shared_authors(matches, anchors=range(1, 40), positions=[0])
    assert ties[0]["partners"] == list(range(1, PARTNERS + 1))


def test_a_consortium_paper_is_tied_without_listing_thousands_of_names():
    consortium = [f"Author{n} A" for n in range(3000)]
    matches = [ref(1, *consortium), ref(2, *consortium, title="Another consortium paper")]
    ties = shared_authors(matches, anchors=[0], positions=[1])
    assert ties[1] == {"authors": consortium[:PARTNERS], "partners": [0]}
