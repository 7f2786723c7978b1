"""The readable summary: one block per reference with findings, cited versus record values.

Plain text by default; ``color=True`` adds ANSI colours (the CLI asks for them only on a TTY).
Every value that comes from an input or a service goes through :func:`printable` first: a
citation or a record's title must not clear the screen, set the window title or fake a line.
"""

from __future__ import annotations

import re

from citelint.models import Finding, ReferenceResult, Report

# Terminal escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST) and two-character
# escapes, and the 8-bit CSI.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
                     r"|\x9b[0-?]*[ -/]*[@-~]")
# Line breaks and tabs become spaces; other C0/C1 controls, DEL and bidirectional overrides
# (which reorder what is shown) are dropped.
_CONTROLS = {**{c: None for c in [*range(0x20), *range(0x7f, 0xa0), *range(0x202a, 0x202f),
                                  *range(0x2066, 0x206a)]},
             **{ord(c): " " for c in "\t\n\r\v\f\x85\u2028\u2029"}}

_COLORS = {"error": "31", "warning": "33", "info": "36", "verified": "32", "problem": "31",
           "not-found": "35", "unverified": "90"}


def printable(value: object) -> str:
    """``value`` as one line of text that is safe to print to a terminal."""
    return _ESCAPE.sub("", str(value)).translate(_CONTROLS)


def _paint(text: str, key: str, color: bool) -> str:
    return f"\033[{_COLORS[key]}m{text}\033[0m" if color and key in _COLORS else text


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _finding_lines(finding: Finding, color: bool) -> list[str]:
    label = _paint(f"{finding.severity:<7}", finding.severity, color)
    lines = [f"    {label} {finding.rule}: {printable(finding.message)}"]
    compared = [f"{label}: {printable(value)}" for label, value in (("cited", finding.cited),
                                                                   ("record", finding.expected))
                if value is not None]
    if compared:
        lines.append("            " + "   ".join(compared))
    source = finding.evidence.get("source")
    if source:
        doi = finding.evidence.get("doi")
        lines.append(f"            source: {printable(source)}"
                     + (f" (doi:{printable(doi)})" if doi else ""))
    if finding.suppressed:
        lines.append(f"            suppressed: {printable(finding.suppressed)}")
    elif finding.fix is not None:
        lines.append(f"            fix ({finding.fix.safety}): "
                     f"{printable(finding.fix.description)}")
    return lines


def _fixable(report: Report) -> str | None:
    """How many of the findings ``citelint fix`` can correct, safe and unsafe apart (only for
    references read from a file it edits: BibTeX, CSL-JSON or RIS)."""
    from citelint.fix import EDITORS

    manuscript = report.manuscript

    def editable(path: str | None) -> bool:
        if path is None or path == manuscript.path:
            return manuscript.format in EDITORS
        return path.lower().endswith((".bib", ".json", ".ris"))

    fixes = {(id(r.reference), f.fix.field): f.fix.safety for r, f in report.findings()
             if f.fix is not None and editable(r.reference.location.path)}
    safe = sum(s == "safe" for s in fixes.values())
    unsafe = len(fixes) - safe
    if not fixes:
        return None
    return (f"Fixable: {safe} with 'citelint fix', {unsafe} more with 'citelint fix "
            "--unsafe-fixes' (preview with --diff).")


def _block(result: ReferenceResult, color: bool, told: dict[str, int]) -> list[str]:
    """The lines of one reference; a reason already given for an earlier reference (``told``:
    reason → its index) is referred to, not repeated (a source down fails every reference)."""
    ref = result.reference
    where = printable(ref.location.describe())
    head = f"[{ref.index}] {_paint(result.status, result.status, color)}  {where}"
    lines = [head, f"    {_short(printable(ref.raw))}"]
    if result.reason and result.reason in told:
        lines.append(f"    reason: as for [{told[result.reason]}] above.")
    elif result.reason:
        told[result.reason] = ref.index
        lines.append(f"    reason: {printable(result.reason)}")
    for finding in result.findings:
        lines.extend(_finding_lines(finding, color))
    return lines


def write_text(report: Report, color: bool = False, verbose: bool = False) -> str:
    """The terminal summary. Without ``verbose``, verified references are not listed."""
    lines: list[str] = []
    told: dict[str, int] = {}
    for result in report.results:
        if verbose or result.findings or result.status != "verified":
            lines.extend(_block(result, color, told))
            lines.append("")
    counts = report.counts()
    statuses = {s: sum(r.status == s for r in report.results)
                for s in ("verified", "problem", "not-found", "unverified")}
    manuscript = report.manuscript
    lines.append(f"{printable(manuscript.path or '<input>')}: {len(report.results)} references: "
                 + ", ".join(f"{n} {s}" for s, n in statuses.items()) + ".")
    lines.append(f"Findings: {counts['error']} errors, {counts['warning']} warnings, "
                 f"{counts['info']} info.")
    fixable = _fixable(report)
    if fixable:
        lines.append(fixable)
    if manuscript.encoding not in (None, "utf-8"):
        lines.append(f"Read as {manuscript.encoding} (the file is not UTF-8).")
    for problem in manuscript.problems:
        lines.append(f"Input problem: {printable(problem)}")
    return "\n".join(lines) + "\n"
