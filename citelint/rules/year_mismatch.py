"""year-mismatch: the cited year is none of the record's publication years.

**What it checks.** The cited year against every date the record gives: issued, print and online.
A year equal to any of them passes (online-first and issue years legitimately differ). A year one
off from the record when the record does not give both its print and online dates is only a
warning: it may be the other date.

**Why it matters.** A wrong year makes the work harder to find and may point to another edition or
a different paper.

**Example.** Cited 2023 for a work published online in 2022 and in print in 2023 passes; cited 2019
for a 2015 article fails.

**How to fix.** Use the year of the issue (or of online publication, as your style requires).
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Fix, Match, Severity
from citelint.rules import CheckContext, record_evidence

ID = "year-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, cited = match.record, match.reference.year
    if record is None or cited is None or not record.years() or cited in record.years():
        return
    dates = {"issued": record.year, "print": record.year_print, "online": record.year_online}
    known = ", ".join(f"{k} {v}" for k, v in dates.items() if v is not None)
    gap = min(abs(cited - y) for y in record.years())
    evidence = record_evidence(match, dates={k: v for k, v in dates.items() if v is not None})
    if gap == 1 and (record.year_print is None or record.year_online is None):
        yield Finding(ID, "warning", f"Cited year {cited}, but the record gives {known}; the "
                      "record lacks its other publication date, so the cited year may be the "
                      "online-first or the issue year. Check which your style requires.",
                      field="year", cited=cited, expected=record.year, evidence=evidence)
        return
    fix = (Fix("year", record.year, "unsafe", f"replace year {cited} with {record.year}")
           if record.year is not None else None)
    yield Finding(ID, SEVERITY, f"Cited year {cited}, but the record gives {known}.",
                  field="year", cited=cited, expected=record.year, evidence=evidence, fix=fix)
