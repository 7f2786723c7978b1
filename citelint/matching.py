"""Decide which candidate record, if any, is the cited work.

In the spirit of Crossref's search-based matching with validation: every candidate is scored field
by field against the citation (title, authors, year ±1 at reduced weight, journal, volume, first
page), and the best one is accepted only above a threshold. A search engine's own relevance score
is never used. Fields missing on either side neither help nor hurt. No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from citelint.journals import compare_journals, is_article_type
from citelint.models import Record, Reference
from citelint.names import compare_authors
from citelint.normalize import comparable

WEIGHTS = {"title": 0.45, "authors": 0.2, "year": 0.1, "journal": 0.1, "volume": 0.075,
           "page": 0.075}
ACCEPT = 0.72  # minimum overall score to accept a candidate
CONFIDENT = 0.85  # the other fields agree this well: a disagreeing field is a wrong citation
MIN_TITLE = 0.6  # a cited title must resemble the record's at least this much


def title_similarity(cited: str, recorded: str, subtitle: str | None = None) -> float:
    """0..1 similarity of two titles; a citation that omits the record's subtitle still scores 1."""
    a, b = comparable(cited), comparable(recorded)
    if not a or not b:
        return 0.0
    options = [b]
    if subtitle:
        options.append(comparable(f"{recorded} {subtitle}"))
    if ":" in recorded:
        options.append(comparable(recorded.split(":", 1)[0]))
    return max(max(fuzz.ratio(a, o), fuzz.token_sort_ratio(a, o)) / 100 for o in options)


def same_number(cited: str | None, recorded: str | None) -> bool:
    """Volumes, issues and pages compare without case, spaces or leading zeros."""
    def norm(v: str) -> str:
        return re.sub(r"^0+(?=\w)", "", re.sub(r"\s+", "", v.casefold()))

    return cited is not None and recorded is not None and norm(cited) == norm(recorded)


@dataclass
class Score:
    """A candidate's validation: overall ``total`` in 0..1 and the per-field parts."""

    total: float
    fields: dict[str, float]

    @property
    def acceptable(self) -> bool:
        title = self.fields.get("title")
        if title is not None and title < MIN_TITLE:
            return False
        if title is None and len(self.fields) < 4:  # no title: need several agreeing fields
            return False
        return self.total >= ACCEPT


def score_candidate(ref: Reference, record: Record) -> Score:
    """Score how well ``record`` fits the citation ``ref``, field by field."""
    parts: dict[str, float] = {}
    if ref.title and record.title:
        parts["title"] = title_similarity(ref.title, record.title, record.subtitle)
    if ref.authors and record.authors:
        comparison = compare_authors(ref.authors, ref.et_al, record.authors)
        parts["authors"] = 0.5 * comparison.fraction + 0.5 * comparison.first_author_matches
    if ref.year and record.years():
        gap = min(abs(ref.year - y) for y in record.years())
        parts["year"] = 1.0 if gap == 0 else 0.5 if gap == 1 else 0.0
    # a publication type in the journal position ("Randomized Controlled Trial") names no journal
    if ref.journal and record.journal and not is_article_type(ref.journal):
        relation = compare_journals(ref.journal, record.journal, record.journal_short,
                                    record.issn).relation
        parts["journal"] = 0.0 if relation == "different" else 1.0
    if ref.volume and record.volume:
        parts["volume"] = 1.0 if same_number(ref.volume, record.volume) else 0.0
    cited_page = ref.first_page or ref.article_number
    record_pages = [p for p in (record.first_page, record.article_number) if p]
    if cited_page and record_pages:
        parts["page"] = 1.0 if any(same_number(cited_page, p) for p in record_pages) else 0.0
    weight = sum(WEIGHTS[k] for k in parts)
    total = sum(WEIGHTS[k] * v for k, v in parts.items()) / weight if weight else 0.0
    return Score(round(total, 4), {k: round(v, 4) for k, v in parts.items()})


def confidence_without(field_scores: dict[str, float], field: str) -> float | None:
    """The match score over every field but ``field`` (a finding's field: "pages" → "page").

    A disagreement in one field is only a wrong citation when the other fields show that the
    record is the cited work; None when no other field was compared.
    """
    others = {k: v for k, v in field_scores.items() if k != {"pages": "page"}.get(field, field)}
    weight = sum(WEIGHTS[k] for k in others)
    return sum(WEIGHTS[k] * v for k, v in others.items()) / weight if weight else None


def rank_candidates(ref: Reference, candidates: list[Record]) -> list[tuple[Record, Score]]:
    """Candidates with their scores, best first; the same DOI is scored once."""
    seen: set[str] = set()
    ranked = []
    for record in candidates:
        key = record.doi or record.id or f"{id(record)}"
        if key in seen:
            continue
        seen.add(key)
        ranked.append((record, score_candidate(ref, record)))
    ranked.sort(key=lambda pair: pair[1].total, reverse=True)
    return ranked
