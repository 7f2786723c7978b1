"""pages-article-number: a page range is cited where the work has an article number.

**What it checks.** Many journals (MDPI, Frontiers, BMC, PLOS, eLife…) number articles instead of
giving page ranges. When the record carries an article number (Crossref ``article-number``, or an
e-locator such as ``e12333``) and the citation gives a range, the range is invented: typically the
article number turned into a first page with a made-up last page.

**Why it matters.** Invented page ranges are a tell-tale of references generated or copied without
checking; they also break link resolvers.

A record that gives both a page range and an article number accepts the range.

**Example.** "Materials 2021; 14:2045-2061" fails when Materials 14(8) gives the work article
number 2045; "Materials 2021; 14:2045" passes.

**How to fix.** Cite the article number alone, in the pages position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from citelint.matching import same_number, same_pages
from citelint.models import Finding, Fix, Match, Record, Severity
from citelint.rules import CheckContext, describe_record, record_evidence

ID = "pages-article-number"
SEVERITY: Severity = "error"


def article_number(record: Record) -> str | None:
    """The record's article number: stated, or an e-locator given as the only page."""
    if record.article_number:
        return record.article_number
    if record.first_page and not record.last_page and re.fullmatch(r"[eE]\d+", record.first_page):
        return record.first_page
    return None


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, ref = match.record, match.reference
    if record is None or not (ref.first_page and ref.last_page):
        return
    number = article_number(record)
    if number is None or same_number(ref.first_page, ref.last_page) or same_pages(ref, record):
        return  # a record with both a page range and an article number accepts the range
    cited = f"{ref.first_page}-{ref.last_page}"
    yield Finding(ID, SEVERITY, f"Cited pages {cited}, but {describe_record(record)} gives this "
                  f"work article number {number}, not a page range; cite it as {number}.",
                  field="pages", cited=cited, expected=number,
                  evidence=record_evidence(match, record_article_number=number),
                  fix=Fix("pages", number, "safe",
                          f"cite article number {number} instead of pages {cited}"))
