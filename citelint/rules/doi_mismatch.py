"""doi-mismatch: the cited DOI belongs to a different work.

**What it checks.** A DOI that resolves is not proof: the record it names must agree with the cited
title and authors. This rule fires when the DOI's record does not match the citation.

**Why it matters.** A real DOI attached to another title is the commonest pattern of fabricated or
garbled references; readers following the DOI land on the wrong paper.

**Example.** Citing "Soil microbes under drought" with the DOI of an unrelated chemistry paper
fails.

**How to fix.** Replace the DOI with the one of the cited work (shown when a search found it), or
correct the title and authors if the DOI is the intended work.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.matching import score_candidate
from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext, record_evidence

ID = "doi-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    doi_record = match.doi_record
    if doi_record is None or match.record is doi_record:
        return
    score = score_candidate(match.reference, doi_record)
    if score.acceptable:
        return
    message = (f"The cited DOI {doi_record.doi} belongs to a different work: "
               f"\"{doi_record.title or 'untitled'}\" ({doi_record.journal or 'unknown journal'}"
               f"{', ' + str(doi_record.year) if doi_record.year else ''}).")
    if match.record and match.record.doi:
        message += f" The cited work has doi:{match.record.doi}; use that instead."
    else:
        message += " Check the DOI, or the title and authors if the DOI is right."
    yield Finding(ID, SEVERITY, message, field="doi", cited=match.reference.doi,
                  expected=match.record.doi if match.record else None,
                  evidence={"doi_record": doi_record.summary(), "doi_record_score": score.total,
                            "field_scores": score.fields, **record_evidence(match)})
