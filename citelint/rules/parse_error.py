"""parse-error: the reference could not be split into fields.

**What it checks.** Whether citelint could find at least a title (or a DOI) in the citation text.

**Why it matters.** An unparseable reference cannot be verified; it may be truncated, merged with
its neighbour, or not a reference at all. It is reported as ``unverified``, never as wrong.

**Example.** ``12. See above.`` fails; ``Keller P, Ortiz L. Soil microbes under drought. Ecol
Lett 2020; 23:101-110.`` passes.

**How to fix.** Give the reference in a standard style (authors, title, journal, year, volume,
pages) or with its DOI.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext

ID = "parse-error"
SEVERITY: Severity = "warning"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    ref = match.reference
    if ref.parse_error:
        yield Finding(ID, SEVERITY, f"This reference could not be read: {ref.parse_error} "
                      "Rewrite it in a standard citation style or add its DOI.",
                      cited=ref.raw, evidence={"reason": ref.parse_error})
