"""Citation coupling and topic agreement: how a reference's record ties it to the rest of its list.

This is the record-based evidence of the off-topic check (``rules/off_topic.py``), beside the
text scoring of :mod:`citelint.relatedness`. It needs no model: a paper's references are tied to
one another through the citation graph, which is how bibliometrics measures relatedness. From
the records the sources return (OpenAlex ``referenced_works`` and ``related_works``; Crossref's
``reference`` list, by DOI), each reference is *coupled* to the list when

- it shares at least :data:`MIN_SHARED` cited works with the other references (bibliographic
  coupling),
- it cites another reference of the list, or another one cites it (direct citation), or
- OpenAlex lists it among another reference's related works, or the other way round.

A reference coupled to its list is never called unrelated (see :func:`ties_outside`): a
citation link is stronger evidence of a common subject than a low text score is of the
opposite; only ties to references that are not themselves about to be called unrelated count. A
reference whose record says what it cites but shares nothing with the list carries that as
evidence in the finding's message. A reference whose record does not say what it cites has no
coupling evidence either way (``known`` False): an absent reference list is not a lack of ties.

Topic agreement compares the primary OpenAlex topic of the reference's records with the list's
majority subfield, field and domain (when enough records carry topics).

Everything is computed through inverted indexes (work id → the references that are that work;
cited work → the references that cite it): the cost is linear in the total length of the
references' own reference lists, never references × references. This module does no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from citelint.doi import clean_doi
from citelint.models import Match, Record
from citelint.records import openalex_key

#: Shared cited works needed for bibliographic coupling to count; measured in docs/offtopic.md.
MIN_SHARED = 2
#: Other references that must say what they cite, in the same id space, before a reference
#: that shares nothing with them is said to share nothing.
MIN_COMPARABLE = 2
#: Other references named as the ones a reference is coupled to (the evidence), at most.
PARTNERS = 3
#: At least this many references must carry topics, and the majority hold more than half of
#: them, before a list has a majority topic.
MIN_TOPICS = 3


def graph_records(match: Match) -> list[Record]:
    """The records of the work a reference was matched to: the accepted record and the other
    sources' records of the same DOI (second opinions). None when it was not matched."""
    if match.record is None:
        return []
    return [match.record, *(r for r in match.others if r.doi and r.doi == match.record.doi)]


def work_keys(record: Record) -> set[str]:
    """The identifiers a record's work goes by in other works' reference lists: its OpenAlex id
    and its DOI."""
    keys = {clean_doi(record.doi) or ""}
    if record.source.endswith("openalex"):
        keys.add(openalex_key(record.id) or "")
    keys.discard("")
    return keys


def primary_topic(records: Iterable[Record]) -> dict[str, str] | None:
    """The primary OpenAlex topic (its subfield, field and domain) of the first record that has
    topics."""
    for record in records:
        if record.topics:
            return record.topics[0]
    return None


def _majority(values: list[str]) -> str | None:
    if len(values) < MIN_TOPICS:
        return None
    value, count = Counter(values).most_common(1)[0]
    return value if count * 2 > len(values) else None


def list_topic(topics: Sequence[dict[str, str] | None]) -> dict[str, str]:
    """The list's majority subfield, field and domain (each only when more than half of the
    references with topics, and at least :data:`MIN_TOPICS`, share it)."""
    known = [t for t in topics if t]
    out: dict[str, str] = {}
    for level in ("subfield", "field", "domain"):
        majority = _majority([t[level] for t in known if t.get(level)])
        if majority:
            out[level] = majority
    return out


def topic_agreement(topic: dict[str, str] | None, majority: dict[str, str]) -> str | None:
    """The closest level at which a topic agrees with the list's majority: "subfield", "field",
    "domain" or "none"; None when either is unknown."""
    if not topic or not majority:
        return None
    for level in ("subfield", "field", "domain"):
        if majority.get(level) and topic.get(level) == majority[level]:
            return level
    return "none" if any(majority.get(level) for level in ("field", "domain")) else None


def _space(key: str) -> str:
    """The id space of a cited work's key: OpenAlex ids and DOIs cannot be compared."""
    return "openalex" if key.startswith("W") else "doi"


def couple(matches: Sequence[Match], exclude: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Each reference's coupling to the rest of the list, in the order of ``matches``.

    Each result is a dict: ``known`` (its records say what it cites, in an id space, OpenAlex
    ids or DOIs, in which at least :data:`MIN_COMPARABLE` other references say it too: only
    then can "shares nothing" be said), and, for a matched reference, ``cites_count``,
    ``shared_cited`` (how many of the works it cites other references cite
    too), ``cites``, ``cited_by`` and ``related`` (positions in ``matches`` of the references it
    cites, that cite it, and that OpenAlex relates to it), ``partners`` (up to
    :data:`PARTNERS` positions of references it is coupled to, strongest link first),
    ``coupled`` (any link at all, with at least :data:`MIN_SHARED` shared cited works), and its
    primary ``topic`` with its ``topic_agreement`` against the list's majority topic
    (``list_topic``). The references at the positions in ``exclude`` count for nothing as
    partners (their own ties are still computed): see :func:`ties_outside`.
    """
    excluded = set(exclude)
    records = [graph_records(m) for m in matches]
    # the ids each reference's work goes by (its records' OpenAlex ids and DOIs)
    work_ids = [set().union(*(work_keys(r) for r in recs)) if recs else set()
                for recs in records]
    owner: dict[str, list[int]] = {}
    for i, held in enumerate(work_ids):
        for key in held:
            owner.setdefault(key, []).append(i)
    same_work = [{j for key in held for j in owner[key]} for held in work_ids]
    cites = [{key for r in recs for key in r.referenced_works} for recs in records]
    related = [{key for r in recs for key in r.related_works} for recs in records]
    citing: dict[str, list[int]] = {}
    for i, keys in enumerate(cites):
        if i in excluded:
            continue
        for key in keys:
            citing.setdefault(key, []).append(i)

    cited_by: list[set[int]] = [set() for _ in matches]
    related_to: list[set[int]] = [set() for _ in matches]
    direct: list[set[int]] = []
    for i in range(len(matches)):
        found = {j for key in cites[i] for j in owner.get(key, ()) if j not in same_work[i]}
        near = {j for key in related[i] for j in owner.get(key, ()) if j not in same_work[i]}
        direct.append(found - excluded)
        related_to[i] |= near - excluded
        if i not in excluded:  # an excluded reference vouches for no other
            for j in found:
                cited_by[j].add(i)
            for j in near:
                related_to[j].add(i)

    topics = [primary_topic(recs) for recs in records]
    majority = list_topic(topics)
    spaces = [{_space(key) for key in keys} for keys in cites]
    space_counts = Counter(space for found in spaces for space in found)
    results: list[dict[str, Any]] = []
    for i in range(len(matches)):
        if not records[i]:
            results.append({"known": False})
            continue
        # plain dicts: most references cite nothing known, and a Counter costs more to make
        by_space: dict[str, int] = {}
        sharing: dict[int, int] = {}
        for key in cites[i]:
            others = citing.get(key, ())
            if not others:
                continue
            # the first few citers suffice to find one that is not this work (or excluded), so
            # that a work every reference cites costs no more than any other
            partners = [j for j in others[:PARTNERS + len(same_work[i])] if j not in same_work[i]]
            if partners:
                space = _space(key)
                by_space[space] = by_space.get(space, 0) + 1
                for j in partners:
                    sharing[j] = sharing.get(j, 0) + 1
        # a cited work shared by OpenAlex id and by DOI (two records of each work) counts once
        shared = max(by_space.values(), default=0)
        linked = direct[i] | cited_by[i] | related_to[i]
        coupled = bool(linked) or shared >= MIN_SHARED
        ranked = sorted(linked)
        if shared >= MIN_SHARED:  # one shared cited work is no tie (see MIN_SHARED)
            ranked += [j for j, _ in Counter(sharing).most_common() if j not in linked]
        result: dict[str, Any] = {
            "known": any(space_counts[space] > MIN_COMPARABLE for space in spaces[i]),
            "cites_count": max(len(r.referenced_works) for r in records[i]),
            "shared_cited": shared,
            "cites": sorted(direct[i]),
            "cited_by": sorted(cited_by[i]),
            "related": sorted(related_to[i]),
            "partners": ranked[:PARTNERS],
            "coupled": coupled,
            "topic": topics[i],
            "list_topic": majority or None,
            "topic_agreement": topic_agreement(topics[i], majority),
        }
        results.append(result)
    return results


def ties_outside(matches: Sequence[Match], candidates: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The coupling of each candidate (a reference about to be called unrelated) to the rest of
    the list *without the other candidates*: a group of unrelated references that cite one
    another (a citation ring, one author's papers from another field) must not vouch for one
    another. A candidate whose result is ``coupled`` is tied to the list and is not reported."""
    if not candidates:
        return {}
    results = couple(matches, exclude=candidates)
    return {i: results[i] for i in candidates}


def numbered(coupling: dict[str, Any], index_of: Sequence[int]) -> dict[str, Any]:
    """The coupling with the references it names (``cites``, ``cited_by``, ``related``,
    ``partners``) given by their numbers in the manuscript (``index_of`` maps a position in the
    list to it) instead of their positions: what a report shows."""
    return {key: [index_of[j] for j in value]
            if key in ("cites", "cited_by", "related", "partners") else value
            for key, value in coupling.items()}


def describe(coupling: dict[str, Any] | None, with_topic: bool = True) -> list[str]:
    """Sentences for a finding's message: what the reference's record shares with the list (only
    when its record says what it cites), and how its topic compares with the list's (unless
    ``with_topic`` is False). ``coupling`` is :func:`numbered`."""
    if not coupling:
        return []
    parts: list[str] = []
    if coupling.get("tied_only_to"):
        named = ", ".join(f"[{index}]" for index in coupling["tied_only_to"])
        parts.append(f"its record's only citation ties are to {named}, which look unrelated "
                     "too")
    elif coupling.get("known") and not coupling.get("coupled"):
        # an outlier's ties are counted without the other outliers (ties_outside)
        others = ("the references not reported" if "protected" in coupling
                  else "the other references")
        parts.append(f"its record cites {coupling['cites_count']} works, none of which {others} "
                     "cite, and it neither cites nor is cited by any of them")
    elif coupling.get("coupled"):
        named = ", ".join(f"[{index}]" for index in coupling.get("partners") or [])
        parts.append(f"its record is tied by citations to {named or 'other references'}")
    topic, majority = coupling.get("topic"), coupling.get("list_topic") or {}
    agreement = coupling.get("topic_agreement") if with_topic else None
    if topic and agreement in ("domain", "none"):
        level = "field" if majority.get("field") else "domain"
        parts.append(f"its OpenAlex {level} {topic.get(level)!r} differs from the list's "
                     f"{majority.get(level)!r}")
    elif topic and agreement == "field" and majority.get("subfield"):
        parts.append(f"its OpenAlex subfield {topic.get('subfield')!r} differs from the list's "
                     f"{majority['subfield']!r} (same field, {majority.get('field')!r})")
    return parts
