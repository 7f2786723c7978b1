"""Decide which candidate record, if any, is the cited work.

In the spirit of Crossref's search-based matching with validation: every candidate is scored field
by field against the citation (title, authors, year ±1 at reduced weight, journal, volume, first
page), and the best one is accepted only above a threshold. A search engine's own relevance score
is never used. Fields missing on either side neither help nor hurt. No I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from citelint.journals import compare_journals, is_article_type
from citelint.models import Record, Reference
from citelint.names import AuthorComparison, CitedAuthors, compare_authors
from citelint.normalize import DASHES, american_spelling, comparable, strip_markup

WEIGHTS = {"title": 0.45, "authors": 0.2, "year": 0.1, "journal": 0.1, "volume": 0.075,
           "page": 0.075}
ACCEPT = 0.72  # minimum overall score to accept a candidate
CONFIDENT = 0.85  # the other fields agree this well: a disagreeing field is a wrong citation
MIN_TITLE = 0.6  # a cited title must resemble the record's at least this much


@lru_cache(maxsize=1 << 12)
def title_similarity(cited: str, recorded: str, subtitle: str | None = None) -> float:
    """0..1 similarity of two titles; a citation that omits the record's subtitle still scores 1.
    Remembered for the last 4,096 pairs: scoring and title-mismatch compare the same two."""
    a, b = comparable(cited), comparable(recorded)
    if not a or not b:
        return 0.0
    options = [b]
    if subtitle:
        options.append(comparable(f"{recorded} {subtitle}"))
    if ":" in recorded:
        options.append(comparable(recorded.split(":", 1)[0]))
    return max(max(fuzz.ratio(a, o), fuzz.token_sort_ratio(a, o)) / 100 for o in options)


# words a title may gain or lose without becoming another title
_TITLE_STOP = {"a", "an", "the", "of", "in", "on", "for", "and", "or", "to", "with", "by", "at",
               "from", "as", "into", "via", "its", "their", "is", "are", "be", "&"}
# where a record's main title ends and its subtitle begins
_SUBTITLE = re.compile(r"\s*(?::|\?|!|\.\s|\s[-\u2013\u2014]\s)\s*")


def title_words(text: str | None) -> list[str]:
    """A title's words for comparison: folded, without markup or punctuation, Greek letters
    spelled out, British spellings in their American form."""
    return list(_title_words(text))


@lru_cache(maxsize=1 << 16)
def _title_words(text: str | None) -> tuple[str, ...]:
    """:func:`title_words`, remembered for the last 65,536 texts: the matcher, the title and
    duplicate rules and the corroboration each take the same titles' words."""
    return tuple(american_spelling(w) for w in comparable(text).split())


@dataclass
class TitleDifference:
    """The content words of a cited title the record lacks (``added``) and those of the record's
    title the citation lacks (``missing``), against the record's closest form (``against``:
    whole, without its subtitle, or with the subtitle the source keeps apart)."""

    added: list[str]
    missing: list[str]
    against: str
    cited: str  # the cited title, or its main part when the record has no subtitle
    # slips that change no content word: a small word ("the", "of") or a word's ending
    # ("privacys" for "privacy"); the cited forms and the record's
    slipped: list[str] = field(default_factory=list)
    slipped_from: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.added and not self.missing

    @property
    def exact(self) -> bool:
        """The same words, small ones and endings included."""
        return self.same and not self.slipped and not self.slipped_from


def _same_word(a: str, b: str) -> bool:
    """Two title words that differ only as a slip: a plural, or an ending on a long stem
    ("adhesion"/"adhesive"); a replaced word ("learning"/"training") is not a slip."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if long == short + "s" or long == short + "es":
        return True
    stem = 0
    while stem < len(short) and short[stem] == long[stem]:
        stem += 1
    return stem >= 6 and len(long) - stem <= 3 and len(short) - stem <= 3


def _content_difference(cited: list[str], recorded: list[str]) -> TitleDifference:
    """The content words each side lacks, and the slips: small words one side lacks and words
    that differ only in their ending. ``against`` and ``cited`` are left for the caller."""
    pool = [w for w in recorded if w not in _TITLE_STOP]
    added: list[str] = []
    slipped: list[str] = []
    slipped_from: list[str] = []
    for word in (w for w in cited if w not in _TITLE_STOP):
        found = pool.index(word) if word in pool else None
        if found is None:
            found = next((i for i, other in enumerate(pool) if _same_word(word, other)), None)
            if found is not None:
                slipped.append(word)
                slipped_from.append(pool[found])
        if found is None:
            added.append(word)
        else:
            pool.pop(found)
    missing = pool
    # a compound written as one word on one side and two on the other ("wound healing")
    for word in list(added):
        for i in range(len(missing) - 1):
            if missing[i] + missing[i + 1] == word:
                added.remove(word)
                del missing[i:i + 2]
                break
    for word in list(missing):
        for i in range(len(added) - 1):
            if added[i] + added[i + 1] == word:
                missing.remove(word)
                del added[i:i + 2]
                break
    # small words: "&" leaves no word behind, so "and" is not counted
    small = Counter(w for w in cited if w in _TITLE_STOP and w != "and")
    small.subtract(w for w in recorded if w in _TITLE_STOP and w != "and")
    slipped += sorted(w for w, n in small.items() for _ in range(max(n, 0)))
    slipped_from += sorted(w for w, n in small.items() for _ in range(max(-n, 0)))
    return TitleDifference(added, missing, "", "", slipped, slipped_from)


def title_difference(cited: str, recorded: str, subtitle: str | None = None) -> TitleDifference:
    """How the cited title's content words differ from the record's, against the record's
    closest form: a citation may leave out the record's subtitle, give the one a source keeps
    apart, or, when the record has no subtitle at all, give one of its own."""
    whole = _content_difference(title_words(cited), title_words(recorded))
    whole.against, whole.cited = recorded, cited
    if _size(whole) == (0, 0):
        return whole  # the same words: no other form can come closer
    pairs = []
    if subtitle:
        pairs.append((cited, f"{recorded}: {subtitle}"))
    main = _SUBTITLE.split(strip_markup(recorded), maxsplit=1)[0]
    if main and main != recorded:
        pairs.append((cited, main))
    elif not subtitle:
        cited_main = _SUBTITLE.split(strip_markup(cited).strip(" \"'“”‘’,."), maxsplit=1)[0]
        if len(title_words(cited_main)) >= 3:
            pairs.append((cited_main, recorded))
    best = whole
    for cited_form, form in pairs:
        difference = _content_difference(title_words(cited_form), title_words(form))
        difference.against, difference.cited = form, cited_form
        if _size(difference) < _size(best):
            best = difference
    return best


def _content_words(text: str | None) -> list[str]:
    return [w for w in title_words(text) if w not in _TITLE_STOP]


def title_index_keys(recorded: str) -> set[str]:
    """The keys under which a title is filed so that :func:`title_probe_keys` of any title that
    :func:`title_difference` finds the same as it meets it: every run of three letters in its
    content words, and the start of each short content word (one or two letters) joined to any
    other, as a compound written as one word may join them ("T cells", "Tcells")."""
    words = _content_words(recorded)
    keys = {w[k:k + 3] for w in words for k in range(max(len(w) - 2, 1))}
    for i, short in enumerate(words):
        if len(short) < 3:
            keys.update((short + other)[:3] for j, other in enumerate(words) if j != i)
    return keys


def title_probe_keys(cited: str) -> list[str] | None:
    """Keys of which a title :func:`title_difference` finds the same as ``cited`` carries every
    one among its :func:`title_index_keys`, so one of them narrows a search for such titles
    without losing any: the first three letters of each content word of five letters or more
    that both the whole cited title and its main part (before a subtitle) have. A word's plural,
    its ending slips and a compound holding it all keep those letters. None when the title has
    no such word (then nothing narrows the search)."""
    main = _SUBTITLE.split(strip_markup(cited).strip(" \"'“”‘’,."), maxsplit=1)[0]
    in_main = set(_content_words(main))
    keys = {w[:3] for w in _content_words(cited) if len(w) >= 5 and w in in_main}
    return sorted(keys) or None


def _size(difference: TitleDifference) -> tuple[int, int]:
    return (len(difference.added) + len(difference.missing),
            len(difference.slipped) + len(difference.slipped_from))


_DASH_RUN = re.compile(rf"[{DASHES}]+")
_SPACES = re.compile(r"\s+")
_LEADING_ZEROS = re.compile(r"^0+(?=\w)")


def same_number(cited: str | None, recorded: str | None) -> bool:
    """Volumes, issues and pages compare without case, spaces, leading zeros or the kind of
    dash ("III–318" is "III-318")."""
    def norm(v: str) -> str:
        v = _DASH_RUN.sub("-", _SPACES.sub("", v.casefold()))
        return _LEADING_ZEROS.sub("", v)

    return cited is not None and recorded is not None and norm(cited) == norm(recorded)


_E_PREFIX = re.compile(r"^[eE](?=\d+$)")


def same_page(cited: str | None, recorded: str | None) -> bool:
    """Pages and article numbers compare as :func:`same_number`, and an e-prefixed article
    number equals the bare number ("e12345" is 12345)."""
    if same_number(cited, recorded):
        return True
    if cited is None or recorded is None:
        return False
    bare = [_E_PREFIX.sub("", v.strip()) for v in (cited, recorded)]
    return same_number(*bare)


def same_pages(ref: Reference, record: Record) -> bool:
    """The cited pages are the record's page range, written whole or split alike."""
    if not ref.pages or not record.first_page:
        return False
    whole = (f"{record.first_page}-{record.last_page}" if record.last_page
             else record.first_page)
    if same_number(ref.pages, whole):
        return True
    if not ref.last_page or same_number(ref.first_page, ref.last_page):
        last_agrees = True  # the first page alone is cited
    else:
        last_agrees = bool(record.last_page) and same_page(ref.last_page, record.last_page)
    return same_page(ref.first_page or ref.article_number, record.first_page) and last_agrees


@dataclass
class Score:
    """A candidate's validation: overall ``total`` in 0..1 and the per-field parts; ``authors``
    how the cited authors line up with the record's (None when either list is empty), kept for
    the author rule."""

    total: float
    fields: dict[str, float]
    authors: AuthorComparison | None = None

    @property
    def acceptable(self) -> bool:
        title = self.fields.get("title")
        if title is not None and title < MIN_TITLE:
            return False
        if title is None and len(self.fields) < 4:  # no title: need several agreeing fields
            return False
        return self.total >= ACCEPT


def score_candidate(ref: Reference, record: Record,
                    cited: CitedAuthors | None = None) -> Score:
    """Score how well ``record`` fits the citation ``ref``, field by field (``cited``: the
    reference's authors already split, when several records are scored)."""
    parts: dict[str, float] = {}
    comparison = None
    if ref.title and record.title:
        parts["title"] = title_similarity(ref.title, record.title, record.subtitle)
    if ref.authors and record.authors:
        comparison = compare_authors(ref.authors, ref.et_al, record.authors, cited)
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
        parts["page"] = 1.0 if any(same_page(cited_page, p) for p in record_pages) else 0.0
    weight = sum(WEIGHTS[k] for k in parts)
    total = sum(WEIGHTS[k] * v for k, v in parts.items()) / weight if weight else 0.0
    return Score(round(total, 4), {k: round(v, 4) for k, v in parts.items()}, comparison)


def confidence_without(field_scores: dict[str, float], field: str) -> float | None:
    """The match score over every field but ``field`` (a finding's field: "pages" → "page").

    A disagreement in one field is only a wrong citation when the other fields show that the
    record is the cited work; None when no other field was compared.
    """
    others = {k: v for k, v in field_scores.items() if k != {"pages": "page"}.get(field, field)}
    weight = sum(WEIGHTS[k] for k in others)
    return sum(WEIGHTS[k] * v for k, v in others.items()) / weight if weight else None


def rank_candidates(ref: Reference, candidates: list[Record]) -> list[tuple[Record, Score]]:
    """Candidates with their scores, best first. A work that several sources hold (one DOI) is
    ranked once, by its best-scoring record: a sparse record from one source never hides a fuller
    one from another."""
    best: dict[str, tuple[Record, Score]] = {}
    cited = CitedAuthors.of(ref.authors) if ref.authors and len(candidates) > 1 else None
    for record in candidates:
        key = record.doi or record.id or f"{id(record)}"
        scored = (record, score_candidate(ref, record, cited))
        if key not in best or scored[1].total > best[key][1].total:
            best[key] = scored
    return sorted(best.values(), key=lambda pair: pair[1].total, reverse=True)
