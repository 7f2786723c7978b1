"""duplicate-reference: the same work is cited more than once in the list.

**What it checks.** References that resolve to the same DOI, or, when unresolved, whose titles,
first authors and years agree (title similarity at least ``threshold``, default 0.95). Every
copy is reported, each naming the others. Two entries are never the same work when they cite
different DOIs or different pages (a conference abstract and its full paper), when their titles
differ in a content word ("Cu2O" and "CuO"), or when one is an erratum, correction or
retraction notice and the other is not.

**Why it matters.** Duplicates inflate a reference list and often carry different (wrong) details
in each copy.

**Example.** References 7 and 8 both citing "Soil microbes under drought" by Keller P et al. fail.

**How to fix.** Keep one entry and renumber the citations in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from citelint.doi import clean_doi
from citelint.matching import (
    same_number,
    title_difference,
    title_index_keys,
    title_probe_keys,
    title_similarity,
)
from citelint.models import Finding, Match, Reference, Severity
from citelint.names import split_cited_name
from citelint.normalize import comparable
from citelint.rules import CheckContext, Option

ID = "duplicate-reference"
SEVERITY: Severity = "error"
OPTIONS = {"threshold": Option(0.95, float, minimum=0.0, maximum=1.0)}


_ERRATUM = re.compile(r"\b(?:errat(?:um|a)|corrigend(?:um|a)|correction(?:\s+to)?|"
                      r"retraction(?:\s+note)?|addendum|expression of concern)\b", re.IGNORECASE)


def different_works(ra: Reference, rb: Reference) -> str | None:
    """Why two citations cannot be the same work, or None: they cite different DOIs, different
    pages (a conference abstract and its full paper), titles whose content words differ ("Cu2O"
    and "CuO"), or one is an erratum (correction, retraction notice…) and the other is not. A
    different journal name is no proof: a copy often garbles it."""
    if ra.doi and rb.doi and clean_doi(ra.doi) != clean_doi(rb.doi):
        return "they cite different DOIs"
    first_a, first_b = ra.first_page or ra.article_number, rb.first_page or rb.article_number
    if first_a and first_b and not same_number(first_a, first_b):
        return "they cite different pages"
    if ra.title and rb.title and not title_difference(ra.title, rb.title).same:
        return "their titles differ"
    if bool(_ERRATUM.search(ra.raw or ra.title or "")) != bool(
            _ERRATUM.search(rb.raw or rb.title or "")):
        return "one is an erratum or notice of the other"
    return None


def _same_unresolved(a: Match, b: Match, threshold: float) -> bool:
    ra, rb = a.reference, b.reference
    if not (ra.title and rb.title) or title_similarity(ra.title, rb.title) < threshold:
        return False
    if ra.year and rb.year and ra.year != rb.year:
        return False
    if ra.authors and rb.authors:
        fa, fb = split_cited_name(ra.authors[0]), split_cited_name(rb.authors[0])
        return bool(set(fa.family) & set(fb.family))
    return True


def _key(match: Match) -> str | None:
    record = match.record
    if record is None:
        return None
    return record.doi or record.id or (comparable(record.title) or None)


class _TitleIndex:
    """The titles of the groups' first entries, filed by :func:`title_index_keys`: a title's
    possible copies are looked for among the entries filed under all its probe keys, not in the
    whole list (no pass over every pair)."""

    def __init__(self) -> None:
        self.filed: dict[str, set[int]] = {}
        self.everything: set[int] = set()
        self.unfiled: list[tuple[int, str]] = []  # filed when first looked in

    def add(self, position: int, title: str) -> None:
        self.everything.add(position)
        self.unfiled.append((position, title))

    def candidates(self, title: str) -> set[int]:
        """The entries filed under every probe key of ``title`` (a title the same as it has
        them all), narrowed from the rarest key on."""
        if not self.everything:
            return set()
        for position, filed_title in self.unfiled:
            for key in title_index_keys(filed_title):
                self.filed.setdefault(key, set()).add(position)
        self.unfiled.clear()
        keys = title_probe_keys(title)
        if keys is None:
            return self.everything
        filed = sorted((self.filed.get(key, set()) for key in keys), key=len)
        found = filed[0]
        for more in filed[1:]:
            if not found:
                break
            found = found & more
        return found


def _same(match: Match, key: str | None, other: Match, other_key: str | None,
          threshold: float) -> bool:
    return ((key is not None and key == other_key) or (
        (match.record is None or other.record is None)
        and _same_unresolved(match, other, threshold))) and different_works(
        match.reference, other.reference) is None


def check_list(matches: Sequence[Match], context: CheckContext) -> Iterator[tuple[int, Finding]]:
    """Each entry joins the first earlier group whose first entry is the same work. Groups are
    found through the look-ups that can make two entries the same (the record's key, or a title
    filed under the keys every title the same as it shares), so a long list costs about its
    length, not its length squared."""
    threshold = context.options_for(ID, OPTIONS)["threshold"]
    keys = [_key(match) for match in matches]
    groups: dict[int, list[int]] = {}  # by the position of its first entry
    by_key: dict[str, list[int]] = {}
    titled, unresolved = _TitleIndex(), _TitleIndex()  # first entries with a title
    for i, match in enumerate(matches):
        key = keys[i]
        found: set[int] = set(by_key.get(key, ())) if key is not None else set()
        title = match.reference.title
        if title:  # a title alone can join an entry to a group only when one is unresolved
            found.update((titled if match.record is None else unresolved).candidates(title))
        first = next((j for j in sorted(found)
                      if _same(match, key, matches[j], keys[j], threshold)), None)
        if first is not None:
            groups[first].append(i)
            continue
        groups[i] = [i]
        if key is not None:
            by_key.setdefault(key, []).append(i)
        if title:
            titled.add(i, title)
            if match.record is None:
                unresolved.add(i, title)
    for group in (g for g in groups.values() if len(g) > 1):
        indexes = [matches[i].reference.index for i in group]
        for i in group:
            ref = matches[i].reference
            others = [n for n in indexes if n != ref.index]
            record = matches[i].record
            what = f"doi:{record.doi}" if record and record.doi else "the same title and authors"
            yield i, Finding(ID, SEVERITY, f"Reference {ref.index} cites the same work as "
                             f"reference{'s' if len(others) > 1 else ''} "
                             f"{', '.join(map(str, others))} ({what}); keep one entry.",
                             evidence={"same_as": others,
                                                      "doi": record.doi if record else None})
