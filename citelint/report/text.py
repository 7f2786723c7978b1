"""The readable summary: one block per reference with findings, cited versus record values.

Plain text by default; ``color=True`` adds ANSI colours (the CLI asks for them only on a TTY).
``quiet=True`` keeps only problems: references with an error or warning not accepted, input
problems, and inputs that could not be read. References left unverified for one shared reason (a
network that could not be reached) are summed up in one line, not once each.

Every value that comes from an input or a service goes through :func:`printable` first: a
citation or a record's title must not clear the screen, set the window title or fake a line.
"""

from __future__ import annotations

import re

from citelint.models import Finding, ReferenceResult, Report, Run

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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


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
        lines.append(f"            accepted: {printable(finding.suppressed)}")
    elif finding.fix is not None:
        lines.append(f"            fix ({finding.fix.safety}): "
                     f"{printable(finding.fix.description)}")
    return lines


def _is_problem(finding: Finding) -> bool:
    return finding.suppressed is None and finding.severity in ("error", "warning")


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


def _block(result: ReferenceResult, color: bool, quiet: bool, grouped: bool) -> list[str]:
    ref = result.reference
    where = printable(ref.location.describe())
    status = _paint(result.status, result.status, color)
    if result.accepted:
        status += ", accepted"
    lines = [f"[{ref.index}] {status}  {where}", f"    {_short(printable(ref.raw))}"]
    if result.reason and not grouped:
        lines.append(f"    reason: {printable(result.reason)}")
    for finding in result.findings:
        if not quiet or _is_problem(finding):
            lines.extend(_finding_lines(finding, color))
    return lines


def _shared_reasons(report: Report) -> dict[str, list[int]]:
    """Reasons that two or more unverified references share, with their indexes."""
    by_reason: dict[str, list[int]] = {}
    for result in report.results:
        if result.status == "unverified" and result.reason:
            by_reason.setdefault(result.reason, []).append(result.reference.index)
    return {reason: indexes for reason, indexes in by_reason.items() if len(indexes) > 1}


def _indexes(indexes: list[int]) -> str:
    shown = ", ".join(map(str, indexes[:12]))
    return shown + (", …" if len(indexes) > 12 else "")


def _report_lines(report: Report, color: bool, verbose: bool, quiet: bool) -> list[str]:
    shared = _shared_reasons(report)
    lines: list[str] = []
    for result in report.results:
        grouped = result.reason in shared
        if quiet:
            show = any(_is_problem(f) for f in result.findings)
        else:
            show = verbose or bool(result.findings) or (
                result.status != "verified" and not grouped)
        if show:
            lines.extend(_block(result, color, quiet, grouped))
            lines.append("")
    name = printable(report.manuscript.path or "<input>")
    nothing_verified = bool(report.results) and all(
        r.status == "unverified" for r in report.results)
    for reason, indexes in shared.items():
        if quiet and not nothing_verified:
            continue
        what = ("no reference could be verified" if len(indexes) == len(report.results)
                else f"{_plural(len(indexes), 'reference')} unverified ({_indexes(indexes)})")
        lines.append(f"{name}: {what}: {printable(reason)}")
    if not quiet:
        statuses = report.status_counts()
        accepted_refs = sum(r.accepted for r in report.results)
        parts = [f"{n} {s}" + (f" ({accepted_refs} accepted)" if s == "problem" and accepted_refs
                               else "") for s, n in statuses.items()]
        lines.append(f"{name}: {len(report.results)} references: " + ", ".join(parts) + ".")
        lines.append(_findings_line(report.counts(), _accepted(report), report.advisory_count()))
        fixable = _fixable(report)
        if fixable:
            lines.append(fixable)
        spend = _openalex_spend(report.stats.get("openalex"))
        if spend:
            lines.append(spend)
    if report.manuscript.encoding not in (None, "utf-8"):
        lines.append(f"Read as {report.manuscript.encoding} (the file is not UTF-8).")
    for problem in report.manuscript.problems:
        lines.append(f"Input problem: {printable(problem)}")
    return lines


def _openalex_spend(stats: object) -> str | None:
    """What OpenAlex's billed calls cost against the budget the run was given to spread
    searches over it (nothing when no budget was set)."""
    if not isinstance(stats, dict) or not stats.get("budget_usd"):
        return None
    if stats.get("spread_off"):
        return printable(stats["spread_off"])
    calls = ", ".join(f"{n} {kind}" for kind, n in stats.get("calls", {}).items()) or "none"
    line = (f"OpenAlex: ${stats['spent_usd']:.4f} spent of the ${stats['budget_usd']:.4f} "
            f"budget (calls: {calls})")
    spread = stats.get("spread") or {}
    if spread:
        moved = spread["moved"]
        line += (f"; {moved} search{'' if moved == 1 else 'es'} moved from Crossref's list lane, "
                 f"{spread['confirmed']} confirmed by DOI on Crossref, {spread['fell_back']} "
                 "searched on Crossref after all")
        if spread.get("budget_reached"):
            line += "; the budget stopped further moves"
    if stats["spent_usd"] > stats["budget_usd"]:
        line += ("; the calls a run makes on OpenAlex without spreading took the spend over the "
                 "budget (no search is moved past it)")
    return line + "."


def _accepted(report: Report) -> int:
    return sum(f.suppressed is not None for _, f in report.findings(include_suppressed=True))


def _findings_line(counts: dict[str, int], accepted: int, advisory: int = 0) -> str:
    warnings = f"{counts['warning']} warnings" + (
        f" ({advisory} advisory, which leave the status alone)" if advisory else "")
    line = f"Findings: {counts['error']} errors, {warnings}, {counts['info']} info"
    return line + (f"; {accepted} accepted (baseline or citelint-ignore)." if accepted else ".")


def write_text(report: Report | Run, color: bool = False, verbose: bool = False,
               quiet: bool = False) -> str:
    """The terminal summary of one report or of a run over several inputs. Without
    ``verbose``, verified references are not listed; with ``quiet``, only problems are."""
    inputs = [report] if isinstance(report, Report) else report.inputs
    lines: list[str] = []
    for item in inputs:
        if lines and not quiet:
            lines.append("")
        if isinstance(item, Report):
            lines.extend(_report_lines(item, color, verbose, quiet))
        else:
            lines.append(f"Unreadable input: {printable(item.reason)}")
    reports = [i for i in inputs if isinstance(i, Report)]
    if len(inputs) > 1 and not quiet:
        counts = {s: sum(r.counts()[s] for r in reports) for s in ("error", "warning", "info")}
        references = sum(len(r.results) for r in reports)
        lines += ["", f"{_plural(len(inputs), 'input')}: {len(reports)} read, "
                  f"{len(inputs) - len(reports)} unreadable; {references} references.",
                  _findings_line(counts, sum(_accepted(r) for r in reports),
                                 sum(r.advisory_count() for r in reports))]
    return "\n".join(lines) + "\n" if lines else ""
