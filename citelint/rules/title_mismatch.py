"""title-mismatch: the cited title differs materially from the record's.

**What it checks.** The cited title's content words against the record's title, after folding
case, quotes (curly or straight), accents, punctuation, HTML/MathML markup and entities, Greek
letters spelled out ("TNF-alpha" for "TNF-α") and British/American spelling ("tumour"/"tumor").
A citation that leaves out the record's subtitle passes. Slips that change no content word (a
dropped or added "the", a plural, "adhesion" for "adhesive") are a warning: the title is not the
record's as written, and such slips are a common way a real title is altered. A content word
replaced, added or dropped is an error. Either message names the words that differ. Titles
whose words agree but whose overall similarity is below ``threshold`` (default 0.9; e.g.
reordered) fail too.

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
        if difference.exact:
            return
        # no content word differs, but a small word or an ending does: not the record's title
        # as written, and a common way titles are altered; doubt, not a wrong fact
        slip = TitleDifference(difference.slipped, difference.slipped_from, difference.against,
                               difference.cited)
        evidence = record_evidence(match, similarity=round(similarity, 3),
                                   added=difference.slipped, missing=difference.slipped_from)
        yield Finding(ID, "warning", f"The cited title {describe_difference(slip)}: the record "
                      f"reads \"{record.title}\". Only a small word or a word's ending differs; "
                      "check that the title is copied as published.", field="title",
                      cited=cited, expected=record.title, evidence=evidence)
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
