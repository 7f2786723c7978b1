"""Shared authors: how a reference's authors tie it to the references that are on the subject.

This is the third kind of evidence of the off-topic check (``rules/off_topic.py``), beside the
text scoring of :mod:`citelint.relatedness` and the citation ties of :mod:`citelint.coupling`.
A paper's reference list is full of the same people: the authors' own earlier work, the groups
that lead the field, a lab's series of papers. A reference written by someone who also wrote a
reference that is clearly on the subject (one scoring at or above the list's median, or using
one of the subject's key terms) is on a subject the paper covers, whatever its title's words
say: it is never called unrelated. Measured on the evaluation lists (docs/offtopic.md), most
genuine references share an author with the rest of their list, and about 1 % of references
inserted from other fields share one with the list's on-subject references.

A person is compared by family name (folded, without particles or accents) and first initial
(:func:`citelint.names.person_key`), so "Baldwin IT", "Baldwin, I. T." and OpenAlex's
"Ian T. Baldwin" agree; a name given without initials agrees with any initial. Names are taken
from the matched record when it lists authors, else from the citation. Organisations and names
without a family name do not tie. The cost is linear in the number of names: one inverted index
from family name to the references that are on the subject, and at most :data:`PARTNERS`
shared names and partners collected per reference (a consortium paper lists thousands of
names). This module does no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from citelint.models import Author, Match
from citelint.names import person_key

#: Shared names and other references given as the evidence of a tie, at most.
PARTNERS = 3


def authors_of(match: Match) -> list[Author]:
    """The authors to compare: the matched record's when it lists them, else the cited ones."""
    if match.record is not None and match.record.authors:
        return match.record.authors
    return match.reference.authors


def _work_title(match: Match) -> str:
    title = (match.record.title if match.record is not None else None) or match.reference.title
    return (title or "").casefold()


def shared_authors(matches: Sequence[Match], anchors: Collection[int],
                   positions: Collection[int]) -> dict[int, dict[str, Any]]:
    """For each of ``positions`` that shares an author with a reference of ``anchors`` (positions
    in ``matches``; a copy of the same work listed twice does not count): the names it shares,
    as the reference cites or its record gives them (``authors``), and the anchors' positions
    (``partners``), at most :data:`PARTNERS` of each."""
    by_family: dict[str, list[tuple[str, int]]] = {}
    for j in anchors:
        for author in authors_of(matches[j]):
            key = person_key(author)
            if key is not None:
                by_family.setdefault(key[0], []).append((key[1], j))
    ties: dict[int, dict[str, Any]] = {}
    for i in positions:
        title = _work_title(matches[i])
        names: list[str] = []
        partners: list[int] = []
        for author in authors_of(matches[i]):
            key = person_key(author)
            if key is None:
                continue
            found = False
            for initial, j in by_family.get(key[0], ()):
                if j == i or (initial and key[1] and initial != key[1]):
                    continue
                if title and _work_title(matches[j]) == title:
                    continue  # the same work listed twice
                found = True
                if j not in partners and len(partners) < PARTNERS:
                    partners.append(j)
                if len(partners) >= PARTNERS:
                    break
            if found:
                names.append(author.as_cited())
                if len(names) >= PARTNERS:
                    break  # enough evidence: a consortium paper lists thousands of names
        if names:
            ties[i] = {"authors": names, "partners": partners}
    return ties
