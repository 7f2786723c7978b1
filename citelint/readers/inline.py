"""Inline suppressions: findings a reference list accepts in its own text (``citelint-ignore``).

Structured formats carry them in a field (BibTeX, CSL-JSON) or a note (RIS); LaTeX, Markdown and
JATS in a comment (``% citelint-ignore: rule: reason``, ``<!-- citelint-ignore: rule: reason
-->``). A comment alone on its line goes with the reference that starts on the next non-blank
line; any other comment goes with the reference whose lines hold it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from citelint.models import Reference, Suppression

#: The text after the marker: ``rule: reason`` items separated by ``;``.
IGNORE = re.compile(r"citelint-ignore\s*:\s*(?P<what>.*?)\s*$", re.IGNORECASE | re.DOTALL)


def parse_suppressions(text: str | None) -> list[Suppression]:
    """``"doi-missing: reason; title-mismatch: other"`` → suppressions (a bare rule: no reason)."""
    out = []
    for item in re.split(r"[;\n]", text or ""):
        rule, _, reason = item.partition(":")
        if rule.strip():
            out.append(Suppression(rule.strip(), reason.strip()))
    return out


def attach_comments(references: Sequence[Reference], comments: dict[int, tuple[str, bool]],
                    lines: Sequence[str]) -> list[int]:
    """Add to each reference the suppressions of the comments that belong to it; returns the
    lines of the comments that belong to none (they accept nothing).

    ``comments`` maps a line number to (what the comment accepts, whether it stands alone on its
    line); ``lines`` is the text with the comments taken out, line for line, and each reference's
    ``location.line`` is the line it starts on.
    """
    orphans = []
    starts = [r.location.line or 0 for r in references]
    for line, (what, alone) in sorted(comments.items()):
        following = next((n for n in range(line + 1, len(lines) + 1) if lines[n - 1].strip()),
                         None)
        if alone and following in starts:
            owner = starts.index(following)
        else:
            owner = max((i for i, start in enumerate(starts) if start <= line), default=-1)
        if owner >= 0:
            references[owner].suppressions += parse_suppressions(what)
        else:
            orphans.append(line)
    return orphans


def orphan_problem(path: str | None, line: int) -> str:
    """The sentence for a ``citelint-ignore`` comment that belongs to no reference."""
    return (f"{path or '<input>'}:{line}: this citelint-ignore comment is not on or just before "
            "a reference, so it accepts nothing; move it next to the reference it is meant for.")
