"""correction: a correction (erratum, corrigendum) has been published for the cited work.

**What it checks.** Crossref ``updated-by`` entries of type correction, erratum or corrigendum.

**Why it matters.** The corrected version may change what the work supports; readers should see
the correction.

**Example.** A PLOS ONE article whose record lists ``updated-by: [{type: correction}]``.

**How to fix.** Check that the cited claim survives the correction; cite the correction if it
matters.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext
from citelint.rules._notices import notice_findings

ID = "correction"
SEVERITY: Severity = "info"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    yield from notice_findings(match, ID, SEVERITY, "has a published correction",
                               "Check that the cited claim still holds after it.")
