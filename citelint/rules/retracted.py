"""retracted: the cited work has been retracted (or withdrawn).

**What it checks.** Retraction notices on the matched work: Crossref ``updated-by`` entries of type
retraction (from the publisher or from Retraction Watch, ``source: retraction-watch``) and OpenAlex
``is_retracted`` as a second opinion. A failed lookup is never read as "not retracted": the
absence of this finding only means no answering source knows of a retraction.

**Why it matters.** Citing retracted work as valid evidence spreads unreliable findings.

**Example.** Citing an article whose Crossref record lists ``updated-by: [{type: retraction}]``
fails.

**How to fix.** Remove the citation, or cite it explicitly as retracted together with the notice.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Match, Severity
from citelint.rules import CheckContext
from citelint.rules._notices import notice_findings

ID = "retracted"
SEVERITY: Severity = "error"


def check(match: Match, context: CheckContext) -> Iterator[Finding]:
    yield from notice_findings(match, ID, SEVERITY, "has been retracted",
                               "Remove the citation or cite it as retracted, with the notice.")
