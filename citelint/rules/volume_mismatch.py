"""volume-mismatch: the cited volume differs from the record's, or is missing.

**What it checks.** The cited volume against the record's (leading zeros and case ignored). A
citation that gives no volume where the record has one is a warning.

**Why it matters.** Volume and pages are how a reader locates a printed article.

**Example.** "Ecol Lett 2020:101-110" lacks the volume (23); "Ecol Lett 2020; 23:101-110"
passes against volume 23.

**How to fix.** Copy the volume from the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.matching import same_number
from citelint.models import Finding, Fix, Match, Severity
from citelint.rules import CheckContext, describe_record, record_evidence

ID = "volume-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, cited = match.record, match.reference.volume
    if record is None or not record.volume:
        return
    if cited is None:
        yield Finding(ID, "warning", f"The citation gives no volume; {describe_record(record)} "
                      f"is volume {record.volume}. Add it.", field="volume", cited=None,
                      expected=record.volume, evidence=record_evidence(match),
                      fix=Fix("volume", record.volume, "safe", f"add volume {record.volume}"))
    elif not same_number(cited, record.volume):
        yield Finding(ID, SEVERITY, f"Cited volume {cited}, but the record gives volume "
                      f"{record.volume}.", field="volume", cited=cited, expected=record.volume,
                      evidence=record_evidence(match),
                      fix=Fix("volume", record.volume, "unsafe",
                              f"replace volume {cited} with {record.volume}"))
