"""Personal names as cited and as recorded, and the comparison of author lists.

Cited names come as written ("Keller P", "Müller-Thurgau U", "Garcia Lopez MA", "Keller, P.");
record names come split (Crossref ``family``/``given``) or whole (OpenAlex ``display_name``).
Comparison works on folded family-name tokens so that compound surnames cited in part ("Lopez MA"
for "Garcia Lopez M") still match. No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from citelint.models import Author
from citelint.normalize import PARTICLES, fold_text, initials_of, is_initials, split_name

_GARBLED = re.compile(r"^[A-Z]{2,}[a-z]{2,}$")  # initials with a word glued on: "TJPhys"


@dataclass
class CitedName:
    """A name split into family-name tokens and initials; ``garbled`` holds a token that is
    neither (e.g. initials with a fragment glued on)."""

    text: str
    family: list[str] = field(default_factory=list)
    initials: str = ""
    garbled: str | None = None


def cited_author(text: str) -> Author:
    """A name as a citation wrote it, split once into a structured :class:`Author`.

    "Garcia Lopez MA" → family "Garcia Lopez", given "MA"; "van der Berg A" → particle
    "van der", family "Berg"; "Guo, Xiaoli" → family "Guo", given "X". The written form is kept.
    """
    family, initials = split_name(text)
    words = family.split()
    lead = 0
    while lead < len(words) - 1 and words[lead].islower() and words[lead] in PARTICLES:
        lead += 1
    return Author(family=" ".join(words[lead:]) or None, given=initials or None,
                  particle=" ".join(words[:lead]) or None, written=text)


def split_cited_name(author: Author) -> CitedName:
    """Family-name tokens and initials of a cited author: "Garcia Lopez MA" → family
    ["garcia", "lopez"], initials "MA". A literal (group) name gives all its words."""
    text = author.as_cited()
    if author.family:
        family_tokens = _tokens(author.full_family)
        initials = initials_of(author.given or "")
    else:
        family_tokens, initials = _tokens(author.name or author.given), ""
    words = (author.written or "").split()
    garbled = words[-1] if len(words) > 1 and _GARBLED.match(words[-1]) else None
    return CitedName(text, family_tokens, initials, garbled)


def _tokens(text: str | None) -> list[str]:
    return [t for t in re.split(r"[\s.]+", fold_text(text, diacritics=False)) if t]


def record_family_tokens(author: Author) -> list[str]:
    """Family-name tokens of a record's author; for a whole name, every word but initials."""
    if author.family:
        return _tokens(author.family)
    words = (author.name or "").split()
    kept = [w for w in words if not is_initials(w)] or words
    return _tokens(" ".join(kept))


def same_person(cited: CitedName, author: Author) -> bool:
    """True when a cited name plausibly names this record author (shared family-name token)."""
    record_tokens = record_family_tokens(author)
    for token in cited.family:
        for other in record_tokens:
            if token == other or (len(token) > 3 and fuzz.ratio(token, other) >= 85):
                return True
    return False


@dataclass
class AuthorComparison:
    """How a cited author list lines up with a record's list.

    ``pairs`` maps cited position → record position; ``extra`` are cited names with no record
    author; ``missing`` record authors the citation leaves out before its last listed name (or
    after it, when no "et al." covers them); ``garbled`` cited names with a glued-on fragment.
    """

    pairs: dict[int, int]
    extra: list[str]
    missing: list[str]
    garbled: list[str]
    first_author_matches: bool
    et_al_superfluous: bool

    @property
    def fraction(self) -> float:
        """Share of cited names found on the record (1.0 when nothing is cited)."""
        cited = len(self.pairs) + len(self.extra)
        return len(self.pairs) / cited if cited else 1.0


def compare_authors(cited: list[Author], et_al: bool, record: list[Author]) -> AuthorComparison:
    """Align cited names with a record's authors, in order, tolerating compound surnames."""
    names = [split_cited_name(n) for n in cited]
    pairs: dict[int, int] = {}
    extra: list[str] = []
    start = 0
    for i, name in enumerate(names):
        found = next((j for j in range(start, len(record)) if same_person(name, record[j])), None)
        if found is None:  # out of order? look from the beginning
            found = next((j for j in range(len(record)) if j not in pairs.values()
                          and same_person(name, record[j])), None)
        if found is None:
            extra.append(name.text)
        else:
            pairs[i] = found
            start = found + 1
    matched = set(pairs.values())
    last = max(matched, default=-1)
    covered = range(len(record)) if not et_al else range(last + 1)
    missing = [record[j].display() for j in covered if j not in matched]
    garbled = [n.text for n in names if n.garbled]
    return AuthorComparison(
        pairs=pairs,
        extra=extra,
        missing=missing,
        garbled=garbled,
        first_author_matches=bool(names and record) and pairs.get(0) == 0,
        et_al_superfluous=et_al and bool(record) and len(matched) >= len(record)
        and not extra,
    )
