"""title-mismatch: the cited title differs materially from the record's.

**What it checks.** The cited title's content words against the record's title, after folding
case, quotes (curly or straight), accents, punctuation, HTML/MathML markup and entities, Greek
letters spelled out ("TNF-alpha" for "TNF-α") and British/American spelling ("tumour"/"tumor").
A citation that leaves out the record's subtitle passes, and so do slips that change no word
(a dropped "the", a plural, "adhesion" for "adhesive"). A content word replaced, added or dropped
fails, and the message names the words that differ. Titles whose words agree but whose overall
similarity is below ``threshold`` (default 0.9; e.g. reordered) fail too.

**Why it matters.** A wrong title makes the work hard to find; one word replaced in a real title
("Iterative Training Control" for "Iterative Learning Control") is the commonest way a reference
is altered or invented.

**Example.** "Soil microbes under drought" passes against "Soil Microbes under Drought: Towards
Field Trials"; "Soil fungi under drought" fails, naming "fungi" and "microbes".

**How to fix.** Copy the title from the record shown.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.matching import TitleDifference, title_difference, title_similarity
from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext, Option, record_evidence

ID = "title-mismatch"
SEVERITY: Severity = "error"
OPTIONS = {"threshold": Option(0.9, float, minimum=0.0, maximum=1.0)}


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    record, cited = match.record, match.reference.title
    if record is None or not record.title or not cited:
        return
    difference = title_difference(cited, record.title, record.subtitle)
    similarity = max(title_similarity(cited, record.title, record.subtitle),
                     title_similarity(difference.cited, difference.against))
    if difference.same and similarity >= context.options_for(ID, OPTIONS)["threshold"]:
        return
    evidence = record_evidence(match, similarity=round(similarity, 3), added=difference.added,
                               missing=difference.missing)
    yield Finding(ID, SEVERITY, f"The cited title {describe_difference(difference)}: the record "
                  f"reads \"{record.title}\".", field="title", cited=cited,
                  expected=record.title, evidence=evidence)


def describe_difference(difference: TitleDifference) -> str:
    """The words that differ, as a clause: 'has "training" where the record has "learning"'."""
    def quoted(words: list[str]) -> str:
        return ", ".join(f'"{w}"' for w in words)

    added, missing = difference.added, difference.missing
    if added and missing:
        return f"has {quoted(added)} where the record has {quoted(missing)}"
    if added:
        return f"adds {quoted(added)}, which the record's title does not have"
    if missing:
        return f"leaves out {quoted(missing)}"
    return "has the record's words in another order or form"
