"""identifier-mismatch: a cited PMID, PMCID or ISBN names another work, or is no valid ISBN.

**What it checks.** The PMID and PMCID a citation gives against the ids of the matched record
(OpenAlex carries both in its ``ids``; Crossref carries neither, so a work only Crossref holds is
not checked). It fires only when the record, found by DOI or by its title and authors, has an id
of that kind and it differs from the cited one.

A cited ISBN is checked on its own first: an ISBN-10 or ISBN-13 whose check digit does not fit
(a mistyped digit), or that has the wrong number of digits, is an error whether or not a record
was found. It is then compared with the ISBNs of the matched record (Crossref's ``ISBN``, for
books and their chapters), ISBN-10 and ISBN-13 being the same number. A valid ISBN the record
does not list is a warning, not an error: a book has an ISBN for each format and edition, and a
record may list only some of them.

**Why it matters.** A PMID or PMCID sends readers and indexes to a work; a wrong one, like a
wrong DOI, attaches the citation to another paper.

**Example.** "... Cells 2022;11(7):1198. PMID: 35406762" passes when the record's PMID is
35406762; the same citation with PMID 35406761 fails.

An ISBN "978-0-306-40615-7" passes; "978-0-306-40615-3" fails its check digit.

**How to fix.** Copy the PMID and PMCID from the record (or from PubMed), and the ISBN from the
book's copyright page or the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.doi import isbn_problem, same_isbn
from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext, record_evidence

ID = "identifier-mismatch"
SEVERITY: Severity = "error"


def _norm(value: str) -> str:
    return value.strip().upper().removeprefix("PMC").lstrip("0")


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    ref = match.reference
    if ref.isbn:
        yield from _isbn(match, ref.isbn)
    if match.record is None:
        return
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


def _isbn(match: Match, cited: str) -> Iterator[Finding]:
    problem = isbn_problem(cited)
    if problem:
        yield Finding(ID, SEVERITY, f"The cited ISBN {cited} is not a valid ISBN: {problem}. "
                      "Copy the ISBN from the book or its record.", field="isbn", cited=cited,
                      evidence={"isbn": cited, "problem": problem})
        return
    if match.record is None:
        return
    holder = next((r for r in [match.record, *match.others] if r.isbn), None)
    if holder is None or any(same_isbn(cited, isbn) for isbn in holder.isbn):
        return
    listed = ", ".join(holder.isbn)
    yield Finding(ID, "warning", f"The cited ISBN {cited} is not among the ISBNs {holder.source} "
                  f"gives for this work ({listed}). It may be another edition's or format's "
                  "ISBN; check that it is the one of the edition you cite.", field="isbn",
                  cited=cited, expected=holder.isbn[0],
                  evidence=record_evidence(match, id_source=holder.source, isbns=holder.isbn))
