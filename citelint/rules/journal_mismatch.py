"""journal-mismatch: the cited journal is a different journal from the record's.

**What it checks.** Whether the cited journal name can be read as the record's journal: its full
title, its short title, one of its ISSNs, or an abbreviation of it (each cited word abbreviating
the next word of the title, as ISO 4 and NLM abbreviations do). A publication type in the journal
position ("Randomized Controlled Trial") is reported as such.

**Why it matters.** A wrong journal sends readers to the wrong place and is a common trace of
references assembled from several sources.

**Example.** "Ecol Lett" for an article in Global Change Biology fails;
"Front Immunol" for Frontiers in Immunology passes.

**How to fix.** Copy the journal's name (or its standard abbreviation) from the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.journals import is_article_type
from citelint.models import Finding, Fix, Match, Severity
from citelint.rules import CheckContext, journal_comparison, record_evidence

ID = "journal-mismatch"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    compared = journal_comparison(match)
    if compared is None or compared[2].relation != "different":
        return
    cited, journal, comparison = compared
    if is_article_type(cited):
        message = (f"\"{cited}\" is a publication type, not a journal: the work appeared in "
                   f"{journal}.")
    else:
        message = f"Cited journal \"{cited}\", but the work appeared in {journal}."
    yield Finding(ID, SEVERITY, message, field="journal", cited=cited, expected=journal,
                  evidence=record_evidence(match, accepted_forms=list(comparison.forms)),
                  fix=Fix("journal", journal, "unsafe", f"replace journal \"{cited}\" with "
                          f"\"{journal}\""))
