"""issue-mismatch: the cited issue differs from the record's.

**What it checks.** The cited issue number against the record's. Leaving the issue out is common
and accepted by many styles, so a missing issue is not reported.

**Why it matters.** A wrong issue sends readers to the wrong part of a volume.

**Example.** "Ecol Lett 2020; 23(1):101-110" passes against issue 1; "23(4)" fails.

**How to fix.** Copy the issue from the record, or leave it out.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.matching import same_number
from citelint.models import Finding, Fix, Match, Severity
from citelint.rules import CheckContext, record_evidence

ID = "issue-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, cited = match.record, match.reference.issue
    if record is None or not record.issue or not cited or same_number(cited, record.issue):
        return
    yield Finding(ID, SEVERITY, f"Cited issue {cited}, but the record gives issue {record.issue}.",
                  field="issue", cited=cited, expected=record.issue,
                  evidence=record_evidence(match),
                  fix=Fix("issue", record.issue, "unsafe",
                          f"replace issue {cited} with {record.issue}"))
