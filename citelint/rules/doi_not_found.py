"""doi-not-found: the cited DOI is not registered.

**What it checks.** Whether any source knows the cited DOI. It fires only when every source
answered: Crossref, OpenAlex, and the DOI resolver's handle service (which also knows DataCite and
other agencies' DOIs). A lookup that failed leaves the reference ``unverified`` instead. A
versioned arXiv DOI (``10.48550/arXiv.2101.12345v2``) is looked up, and reported, as the DOI
arXiv registers for every version (``10.48550/arXiv.2101.12345``), and the registered DOI is
suggested (info: the arXiv id and version still name the work; only the DOI link fails).

**Why it matters.** A DOI that resolves nowhere is a typo at best; invented DOIs are a common sign
of a fabricated reference.

**Example.** a DOI copied from the article's landing page passes; the same DOI with two digits
swapped, which no registration agency knows, fails.

**How to fix.** Look the work up by title and copy its DOI; if the suggested DOI is shown, check it.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.doi import registered_arxiv_doi
from citelint.models import Finding, Match, Severity
from citelint.resolve import cited_doi
from citelint.rules import CheckContext, record_evidence

ID = "doi-not-found"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    doi = cited_doi(match.reference)
    registered = registered_arxiv_doi(doi)
    if registered is not None:
        yield Finding(ID, "info", f"The cited DOI {doi} names one arXiv version, which has "
                      f"no DOI of its own: arXiv registers {registered} for every version. Cite "
                      f"{registered} (and the version in the arXiv id, if it matters).",
                      field="doi", cited=doi, expected=registered,
                      evidence=record_evidence(match, registered_doi=registered))
    if doi is None or match.doi_registered is not False:
        return
    suggestion = match.record.doi if match.record and match.record.doi else None
    if suggestion and suggestion.casefold() in {doi.casefold(), (registered or "").casefold()}:
        return  # the matched record carries the cited DOI: a source does know it
    message = (f"The cited DOI {doi} is not registered: {', '.join(match.searched) or 'no source'} "
               "and the DOI resolver do not know it.")
    if suggestion:
        message += f" The work it cites has doi:{suggestion}; use that instead."
    else:
        message += " Check it for typos."
    yield Finding(ID, SEVERITY, message, field="doi", cited=doi, expected=suggestion,
                  evidence=record_evidence(match, searched=match.searched))
