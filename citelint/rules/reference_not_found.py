"""reference-not-found: no source has a record of the cited work.

**What it checks.** Every source answered and none had a candidate that matches the citation
field by field. It never fires when a source failed or when only a snapshot was searched: such
references are reported as ``unverified``.

**Why it matters.** A reference that no bibliographic database knows may be fabricated (for
instance invented by a text generator). Books, theses, reports and some regional journals are
legitimately missing from Crossref and OpenAlex, so this is a doubt, not a verdict.

**Example.** A plausible-looking title with real author names, in a real journal, that no database
has ever indexed.

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
    message = f"No record matches this citation in {sources}; it may not exist."
    if ref.type in _GREY:
        message = (f"No record matches this citation in {sources}; {ref.type}s are often missing "
                   "from these databases, so check it in a library catalogue.")
        yield Finding(ID, "info", message, evidence=evidence)
        return
    yield Finding(ID, SEVERITY, message + " Check that it exists and add its DOI or URL.",
                  evidence=evidence)
