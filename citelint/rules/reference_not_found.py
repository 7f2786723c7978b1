"""reference-not-found: no source has a record of the cited work.

**What it checks.** Every source answered and none had a candidate that matches the citation
field by field. It never fires when a source failed or when only a snapshot was searched: such
references are reported as ``unverified``. For a journal article, the sources are then asked in
turn what they hold of the cited journal in the cited year (Crossref by container title; OpenAlex
by its journal sources, then their works of that year) until one holds other works of it: then
the journal is indexed, and the missing article is an **error** whose message gives that
evidence. Otherwise it
is a warning that says which case applies: a book, chapter, thesis, report or other grey
literature (often missing from these databases), a journal the sources hold nothing of for that
year (not indexed there), or a journal whose indexing could not be checked.

**Why it matters.** A reference that no bibliographic database knows may be fabricated (for
instance invented by a text generator). Books, theses, reports and some regional journals are
legitimately missing from Crossref and OpenAlex, so those stay a doubt, not a verdict.

**Example.** "Keller P. Soil microbes under drought. Ecol Lett 2020;23:101-110." fails as an error
when Crossref holds 300 other Ecology Letters articles from 2020 but none with this title or
these pages.

**How to fix.** Check that the work exists (publisher's site, library catalogue); add its DOI or
URL, or remove the reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from citelint.models import Finding, Match, Severity
from citelint.resolve import cited_doi
from citelint.rules import CheckContext

ID = "reference-not-found"
SEVERITY: Severity = "warning"

_GREY = {"book", "chapter", "thesis", "report", "web", "dataset", "conference"}


def is_not_found(match: Match) -> bool:
    """Every source answered, all are authoritative, and none has the work."""
    return (match.record is None and match.complete and bool(match.searched)
            and not match.reference.parse_error and match.doi_registered is not True
            and match.authoritative)


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    if not is_not_found(match):
        return
    ref = match.reference
    sources = ", ".join(match.searched)
    evidence: dict[str, Any] = {"searched": match.searched}
    if match.runner_up is not None:
        evidence["closest"] = match.runner_up.summary()
        evidence["closest_score"] = match.runner_up_score
    if cited_doi(ref):
        yield Finding(ID, "error", f"No record matches this citation, and its DOI is not registered"
                      f" ({sources} searched). Check that the work exists and fix or remove it.",
                      evidence=evidence)
        return
    if ref.type in _GREY:
        yield Finding(ID, SEVERITY, f"No record matches this citation in {sources}; {ref.type}s "
                      "and other grey literature are often missing from these databases, so "
                      "check it in a library catalogue.", evidence={**evidence, "case": "grey"})
        return
    indexed = [v for v in match.venue if v.works]
    if indexed:
        best = max(indexed, key=lambda v: (v.volume is not None, v.works))
        where = f"{best.journal} volume {best.volume} ({best.year})" if best.volume else (
            f"{best.journal} ({best.year})")
        yield Finding(ID, "error", f"No source holds this article, though {where} is indexed: "
                      f"{best.source} holds {best.works} other work{'s' if best.works > 1 else ''}"
                      f" of it{' (e.g. doi:' + best.sample[0] + ')' if best.sample else ''}; no "
                      "work with this title or these pages is in it. Check that the article "
                      "exists, or remove it.",
                      evidence={**evidence, "case": "indexed-journal",
                                "venue": [vars(v) for v in match.venue]})
        return
    if match.venue:
        asked = ", ".join(v.source for v in match.venue)
        yield Finding(ID, SEVERITY, f"No record matches this citation in {sources}, and {asked} "
                      f"hold{'s' if len(match.venue) == 1 else ''} no works of "
                      f"{ref.journal} from {ref.year}: the journal may not be indexed there, so "
                      "its absence says little. Check that the work exists and add its DOI or "
                      "URL.", evidence={**evidence, "case": "journal-not-indexed",
                                         "venue": [vars(v) for v in match.venue]})
        return
    yield Finding(ID, SEVERITY, f"No record matches this citation in {sources}; it may not exist "
                  "(whether its journal is indexed there could not be checked). Check that it "
                  "exists and add its DOI or URL.", evidence={**evidence, "case": "unchecked"})
