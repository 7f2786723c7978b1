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


_TOKEN_BREAK = re.compile(r"[\s.,\-]+")


def _tokens(text: str | None) -> list[str]:
    return [t for t in _TOKEN_BREAK.split(fold_text(text, diacritics=False)) if t]


# generational suffixes, which records sometimes keep in the family name ("Raimundo, Jr.")
_SUFFIXES = {"jr", "jnr", "sr", "snr", "ii", "iii", "iv"}
# a cited "name" that is only a suffix is the tail of the name before it ("Raimundo, Jr. IM")
_SUFFIX_ONLY = {"jr", "jnr", "sr", "snr"}


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _forms(tokens: list[str], original: str | None) -> set[str]:
    """Family-name tokens that decide identity: particles ("de", "van") only when nothing else
    is left, and German umlauts also as "ae"/"oe"/"ue" ("Müller" is "Mueller" and "Muller")."""
    kept = [t for t in tokens if t not in PARTICLES and t not in _SUFFIXES] or tokens
    forms = set(kept)
    if original and original != original.translate(_GERMAN):
        german = [t for t in _tokens(original.translate(_GERMAN)) if t not in PARTICLES]
        forms.update(german)
    return forms


def record_family_tokens(author: Author) -> list[str]:
    """Family-name tokens of a record's author; for a whole name, every word but initials."""
    if author.family:
        return _tokens(author.full_family)
    words = (author.name or "").split()
    kept = [w for w in words if not is_initials(w)] or words
    return _tokens(" ".join(kept))


def person_key(author: Author) -> tuple[str, str] | None:
    """The key under which one person's names agree across citations and records: the folded
    family name (accents, particles and suffixes left out, hyphens and spaces joined) and the
    first initial ("" when none is given). "Baldwin IT", "Baldwin, Ian T." and OpenAlex's
    "Ian T. Baldwin" all give ``("baldwin", "i")``. None for a name without a family name of at
    least two letters, and for an organisation given as a literal name ("World Health
    Organization", "R Core Team", any name of more than four words)."""
    if author.family:
        family, initials = author.full_family or "", initials_of(author.given or "")
    elif author.name and len(author.name.split()) <= 4 and not (
            _ORGANISATION_WORDS & set(_tokens(author.name))):
        family, initials = split_name(author.name)
    else:
        return None
    tokens = [t for t in _tokens(family) if t not in PARTICLES and t not in _SUFFIXES]
    joined = "".join(tokens)
    if len(joined) < 2 or joined in _NOT_PERSONS:
        return None
    return joined, initials[:1].casefold()


# "Names" that stand for no person.
_NOT_PERSONS = frozenset({"anon", "anonymous", "etal", "others", "unknown"})
# Words of the names of organisations, which records and citations give as literal names.
_ORGANISATION_WORDS = frozenset(
    "organization organisation group team consortium committee society association institute "
    "council agency network collaboration collaborative foundation ministry department centre "
    "center university board commission office program programme project initiative".split())


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one inserted, deleted, replaced or swapped letter."""
    from rapidfuzz.distance import DamerauLevenshtein

    return DamerauLevenshtein.distance(a, b) == 1


def name_agreement(cited: CitedName, author: Author) -> str | None:
    """How a cited name agrees with a record author: "same" (a shared family-name token, after
    folding case, accents and umlauts; particles alone do not count; or the family and given
    names swapped, as East Asian names often are), "misspelled" (a family name one letter off:
    "Heelman" for "Heilman", "de Bter" for "de Boer"), "similar" (close in another way, e.g. a
    compound surname cited in part with a slip), or None."""
    return _agreement(_cited_forms(cited), *_record_forms(author))


def _cited_forms(cited: CitedName) -> set[str]:
    return _forms(cited.family, " ".join(cited.family))


def _record_forms(author: Author) -> tuple[set[str], set[str]]:
    """A record author's family-name forms, and the forms of the given name when the record
    splits the name (for names cited with family and given names swapped)."""
    family = _forms(record_family_tokens(author), author.full_family or author.name)
    given = _forms(_tokens(author.given), None) if author.family and author.given else set()
    return family, given


def _agreement(cited_forms: set[str], record_forms: set[str], given_forms: set[str]) -> str | None:
    shared = cited_forms & record_forms
    if shared:
        # a compound name with one part a letter off ("Veyoey Powell" for "Veysey Powell")
        rest = [(t, o) for t in cited_forms - shared for o in record_forms - shared
                if len(t) > 3 and len(o) > 3 and _one_edit(t, o)]
        return "misspelled" if rest else "same"
    if cited_forms & given_forms:
        return "same"  # "Xiaoli W" for Wang Xiaoli: family and given names swapped
    for token in cited_forms:
        for other in record_forms:
            if len(token) > 3 and len(other) > 3 and _one_edit(token, other):
                return "misspelled"
    for token in cited_forms:
        for other in record_forms:
            if len(token) > 3 and fuzz.ratio(token, other) >= 85:
                return "similar"
    return None


def _near(cited_forms: set[str], by_form: dict[str, list[int]], tokens: list[str],
          owner: list[int]) -> set[int]:
    """The record authors a cited name can agree with at all: those sharing a form (family or
    given), and those with a family form one letter off or close (:func:`_agreement`'s tests),
    found by rapidfuzz over all forms at once."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    near = {j for form in cited_forms for j in by_form.get(form, ())}
    for token in cited_forms:
        if len(token) <= 3:
            continue
        for _, _, k in process.extract(token, tokens, scorer=DamerauLevenshtein.distance,
                                       score_cutoff=1, limit=None):
            near.add(owner[k])
        for _, _, k in process.extract(token, tokens, scorer=fuzz.ratio, score_cutoff=85,
                                       limit=None):
            near.add(owner[k])
    return near


def same_person(cited: CitedName, author: Author) -> bool:
    """True when a cited name plausibly names this record author (see :func:`name_agreement`)."""
    return name_agreement(cited, author) is not None


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
    # (cited name, record name) pairs whose family names are one letter apart
    misspelled: list[tuple[str, str]] = field(default_factory=list)
    # the lists compared, so that a comparison carried along (on a match) is used only for them
    lists: tuple[list[Author], bool, list[Author]] | None = field(default=None, repr=False,
                                                                  compare=False)

    def compares(self, cited: list[Author], et_al: bool, record: list[Author]) -> bool:
        """Whether this is the comparison of these very lists (the same objects)."""
        return (self.lists is not None and self.lists[0] is cited and self.lists[1] == et_al
                and self.lists[2] is record)

    @property
    def fraction(self) -> float:
        """Share of cited names found on the record (1.0 when nothing is cited)."""
        cited = len(self.pairs) + len(self.extra)
        return len(self.pairs) / cited if cited else 1.0


@dataclass
class CitedAuthors:
    """A cited author list split into names and family-name forms once, for comparing it with
    several records' lists (:func:`compare_authors`)."""

    authors: list[Author]
    names: list[CitedName]
    forms: list[set[str]]

    @classmethod
    def of(cls, cited: list[Author]) -> CitedAuthors:
        names = [split_cited_name(n) for n in cited]
        return cls(cited, names, [_cited_forms(name) for name in names])


def compare_authors(cited: list[Author], et_al: bool, record: list[Author],
                    prepared: CitedAuthors | None = None) -> AuthorComparison:
    """Align cited names with a record's authors, in order, tolerating compound surnames.

    Each record author's forms are computed once and indexed, so a name spelled alike is found
    without comparing it with every record author: a list of thousands of authors costs about
    as many steps, not their square. Only a name with no alike record author is compared with
    all of them (for one letter off, or close). ``prepared``: the cited list already split
    (:class:`CitedAuthors` of ``cited``), when it is compared with several records."""
    if prepared is None or prepared.authors is not cited:
        prepared = CitedAuthors.of(cited)
    names = prepared.names
    forms = [_record_forms(author) for author in record]
    by_form: dict[str, list[int]] = {}
    tokens: list[str] = []  # every family-name form of the record, by its author in ``owner``
    owner: list[int] = []
    for j, (family, given) in enumerate(forms):
        for form in family | given:
            by_form.setdefault(form, []).append(j)
        for form in family:
            tokens.append(form)
            owner.append(j)
    pairs: dict[int, int] = {}
    used: set[int] = set()
    extra: list[str] = []
    misspelled: list[tuple[str, str]] = []
    start = 0
    for i, name in enumerate(names):
        if name.family and set(name.family) <= _SUFFIX_ONLY:
            continue
        cited_forms = prepared.forms[i]
        known: dict[int, str | None] = {}

        def agreement(j: int, cited_forms: set[str] = cited_forms,
                      known: dict[int, str | None] = known) -> str | None:
            if j not in known:
                known[j] = _agreement(cited_forms, *forms[j])
            return known[j]

        # in order first, a name spelled alike before one a letter off, then out of order;
        # a name spelled alike shares a form, so only the indexed authors can be one
        alike = sorted({j for form in cited_forms for j in by_form.get(form, ())
                        if j >= start and j not in used})
        found = next((j for j in alike if agreement(j) == "same"), None)
        if found is None:
            near = sorted(j for j in _near(cited_forms, by_form, tokens, owner) if j not in used)
            found = next((j for j in near if j >= start and agreement(j) is not None), None)
            if found is None:
                found = next((j for j in near if j < start and agreement(j) is not None), None)
        if found is None:
            extra.append(name.text)
            continue
        pairs[i] = found
        used.add(found)
        start = found + 1
        if agreement(found) == "misspelled":
            misspelled.append((name.text, record[found].display()))
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
        misspelled=misspelled,
        lists=(cited, et_al, record),
    )
