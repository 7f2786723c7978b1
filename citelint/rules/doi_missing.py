"""doi-missing: no DOI is cited, but the matched record has one.

**What it checks.** References without a (valid) DOI whose matched record carries a DOI. A
shortDOI (``10/fqd6hj``) counts as a DOI.

**Why it matters.** A DOI is the most reliable way to link a reference; most styles ask for it.

**Example.** "Ecol Lett 2020; 23:101-110" without a DOI gets the DOI of the matched record as a
suggestion.

**How to fix.** Add the suggested DOI after checking that the record shown is the cited work.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.doi import clean_doi, is_short_doi
from citelint.models import Finding, Fix, Match, Severity
from citelint.resolve import cited_doi
from citelint.rules import CheckContext, record_evidence

ID = "doi-missing"
SEVERITY: Severity = "info"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record = match.record
    if record is None or not record.doi or cited_doi(match.reference):
        return
    if is_short_doi(clean_doi(match.reference.doi)):
        return  # a shortDOI is a DOI too, only written short
    malformed = match.reference.doi  # doi-invalid reports it; replacing it needs a person's eye
    fix = (Fix("doi", record.doi, "unsafe", f"replace the malformed DOI with {record.doi}")
           if malformed else Fix("doi", record.doi, "safe", f"add doi {record.doi}"))
    yield Finding(ID, SEVERITY, f"Add the DOI: the matched record has doi:{record.doi}.",
                  field="doi", cited=None, expected=record.doi, evidence=record_evidence(match),
                  fix=fix)
