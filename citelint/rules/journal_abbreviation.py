"""journal-abbreviation: the right journal, in a non-standard form.

**What it checks.** A cited journal name that names the record's journal but matches none of its
standard forms (full title, the record's short title, the ISO 4 abbreviation computed from the
LTWA), and shows a style slip: dots on some abbreviated words and not others, or a word in lower
case.

**Why it matters.** Consistent journal names help indexing and reference linking; slips hint at
hand-edited references.

**Example.** "curr Signal Transduct. Ther" fails; "Curr Signal Transduct Ther" passes.

**How to fix.** Use the journal's full title or its standard abbreviation, as your style requires.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Fix, Match, Severity
from citelint.rules import CheckContext, journal_comparison, record_evidence

ID = "journal-abbreviation"
SEVERITY: Severity = "warning"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    compared = journal_comparison(match)
    if compared is None or compared[2].relation != "variant":
        return
    cited, _, comparison = compared
    forms, standard = "; ".join(comparison.forms), comparison.forms[-1]
    yield Finding(ID, SEVERITY, f"\"{cited}\" names the right journal in a non-standard form "
                  f"({comparison.reason}); standard forms: {forms}.", field="journal",
                  cited=cited, expected=standard,
                  evidence=record_evidence(match, accepted_forms=list(comparison.forms)),
                  fix=Fix("journal", standard, "unsafe",
                          f"replace journal \"{cited}\" with \"{standard}\""))
