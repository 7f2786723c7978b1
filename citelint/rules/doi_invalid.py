"""doi-invalid: the cited DOI is not a syntactically valid DOI.

**What it checks.** After removing ``doi:``, ``https://doi.org/`` and trailing punctuation, a DOI
must read ``10.<registrant>/<suffix>``.

**Why it matters.** A malformed DOI leads readers nowhere; it is often a typo or a URL pasted in
part.

**Example.** ``doi:10.5555/12345678`` passes, and so does a shortDOI such as ``10/fqd6hj`` (an
alias that doi.org resolves); ``doi: 10.555512345678`` (no slash) fails.

**How to fix.** Copy the DOI from the article's landing page or from Crossref.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.doi import clean_doi, is_short_doi, is_valid_doi
from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext, record_evidence

ID = "doi-invalid"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    doi = clean_doi(match.reference.doi)
    if doi and not is_valid_doi(doi) and not is_short_doi(doi):
        suggestion = match.record.doi if match.record and match.record.doi else None
        message = (f"The cited DOI '{match.reference.doi}' is not a valid DOI "
                   "(it must read 10.xxxx/…).")
        if suggestion:
            message += f" The matching record has doi:{suggestion}."
        yield Finding(ID, SEVERITY, message, field="doi", cited=match.reference.doi,
                      expected=suggestion, evidence=record_evidence(match))
