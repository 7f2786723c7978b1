"""pages-mismatch: the cited pages differ from the record's.

**What it checks.** The cited first and last page (or article number) against the record's,
whatever the dash ("III–318" is "III-318"), with abbreviated last pages expanded ("1234–45" is
1234–1245) and e-prefixed article numbers equal to the bare number ("e12345" is 12345). A record
that has both a page range and an article number accepts either. A page range cited for a work
with only an article number is left to ``pages-article-number``. Missing pages are not
reported.

**Why it matters.** Pages locate the work in its issue; wrong pages often mean the details were
taken from another paper.

**Example.** "Ecol Lett 2020; 23:101-110" passes against pages 101–110; "23:101-119" fails.

**How to fix.** Copy the pages from the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.matching import same_number, same_page, same_pages
from citelint.models import Finding, Fix, Match, Severity
from citelint.rules import CheckContext, record_evidence
from citelint.rules.pages_article_number import article_number

ID = "pages-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, ref = match.record, match.reference
    cited_first = ref.first_page or ref.article_number
    if record is None or not cited_first or same_pages(ref, record):
        return
    number = article_number(record)
    if number is not None:
        if same_page(cited_first, number):
            return
        if ref.last_page and not same_number(ref.first_page, ref.last_page):
            return  # a range for an article number: pages-article-number says it
        yield Finding(ID, SEVERITY, f"Cited {cited_first}, but the record gives article "
                      f"number {number}.", field="pages", cited=cited_first, expected=number,
                      evidence=record_evidence(match),
                      fix=Fix("pages", number, "unsafe",
                              f"replace {cited_first} with article number {number}"))
        return
    if not record.first_page:
        return
    single = not record.last_page or same_number(record.first_page, record.last_page)
    expected = record.first_page if single else f"{record.first_page}-{record.last_page}"
    cited = ref.pages
    gives = (f"only {expected} (a single page, or an article number)"
             if single and record.last_page else expected)
    yield Finding(ID, SEVERITY, f"Cited pages {cited}, but the record gives {gives}.",
                  field="pages", cited=cited, expected=expected, evidence=record_evidence(match),
                  fix=Fix("pages", expected, "unsafe", f"replace pages {cited} with {expected}"))
