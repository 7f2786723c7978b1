"""title-mismatch: the cited title differs materially from the record's.

**What it checks.** The cited title against the matched record's title, after folding case,
accents, punctuation and markup; a citation that leaves out the record's subtitle passes. Small
wording slips (a dropped article, "adhesion" for "adhesive") stay below the threshold
(``threshold``, default 0.9 similarity).

**Why it matters.** A wrong title makes the work hard to find and may mean the reference was
assembled from memory or from another paper.

**Example.** "Soil microbes under drought: towards field trials" passes against "Soil Microbes
under Drought: Towards the Field Trials"; a title with half its words changed fails.

**How to fix.** Copy the title from the record shown.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.matching import title_similarity
from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext, Option, record_evidence

ID = "title-mismatch"
SEVERITY: Severity = "error"
OPTIONS = {"threshold": Option(0.9, float, minimum=0.0, maximum=1.0)}


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, cited = match.record, match.reference.title
    if record is None or not record.title or not cited:
        return
    similarity = title_similarity(cited, record.title, record.subtitle)
    if similarity >= context.options_for(ID, OPTIONS)["threshold"]:
        return
    yield Finding(ID, SEVERITY, f"The cited title differs from the record's title "
                  f"(similarity {similarity:.2f}): the record reads \"{record.title}\".",
                  field="title", cited=cited, expected=record.title,
                  evidence=record_evidence(match, similarity=round(similarity, 3)))
