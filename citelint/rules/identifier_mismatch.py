"""identifier-mismatch: a cited PubMed id (PMID) or PubMed Central id (PMCID) names another work.

**What it checks.** The PMID and PMCID a citation gives against the ids of the matched record
(OpenAlex carries both in its ``ids``; Crossref carries neither, so a work only Crossref holds is
not checked). It fires only when the record, found by DOI or by its title and authors, has an id
of that kind and it differs from the cited one.

**Why it matters.** A PMID or PMCID sends readers and indexes to a work; a wrong one, like a
wrong DOI, attaches the citation to another paper.

**Example.** "... Cells 2022;11(7):1198. PMID: 35406762" passes when the record's PMID is
35406762; the same citation with PMID 35406761 fails.

**How to fix.** Copy the PMID and PMCID from the record (or from PubMed).
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext, record_evidence

ID = "identifier-mismatch"
SEVERITY: Severity = "error"


def _norm(value: str) -> str:
    return value.strip().upper().removeprefix("PMC").lstrip("0")


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    if match.record is None:
        return
    ref = match.reference
    records = [match.record, *match.others]
    for field, label in (("pmid", "PMID"), ("pmcid", "PMCID")):
        cited = getattr(ref, field)
        holder = next((r for r in records if getattr(r, field)), None)
        if not cited or holder is None:
            continue
        recorded = getattr(holder, field)
        if _norm(cited) == _norm(recorded):
            continue
        yield Finding(ID, SEVERITY, f"The cited {label} {cited} is not this work's: "
                      f"{holder.source} gives {label} {recorded} for it. Correct the {label}.",
                      field=field, cited=cited, expected=recorded,
                      evidence=record_evidence(match, id_source=holder.source))
