"""expression-of-concern: an expression of concern has been published about the cited work.

**What it checks.** Crossref ``updated-by`` entries of type ``expression_of_concern``.

**Why it matters.** The journal doubts the work's reliability; an investigation may end in a
retraction.

**Example.** Citing an article with an expression of concern as settled evidence fails.

**How to fix.** Read the notice; cite it alongside the work, or cite other evidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext
from citelint.rules._notices import notice_findings

ID = "expression-of-concern"
SEVERITY: Severity = "warning"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    yield from notice_findings(match, ID, SEVERITY, "has an expression of concern",
                               "Read the notice and cite it alongside the work.")
