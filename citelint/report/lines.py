"""One line per finding: ``concise`` (``path:line:col: rule message``, for editors and grep) and
``github`` (workflow commands, which GitHub Actions shows as annotations on the lines of the
pull request, without code scanning).

Accepted findings (baseline or citelint-ignore) are left out: these formats show what to fix.
Inputs that could not be read, and input problems, get a line each; references left unverified
for a shared reason get one line for the reason, not one each.

Text from inputs and services goes through :func:`~citelint.report.text.printable` (no terminal
escapes, one line). Pure functions of the report: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from citelint.models import Finding, ReferenceResult, Report, Run
from citelint.report.text import printable

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _inputs(report: Report | Run) -> list:
    return [report] if isinstance(report, Report) else list(report.inputs)


def _display_path(path: str, source_root: Path | None) -> str:
    """``path`` relative to ``source_root`` when it lies under it (annotations need
    repository-relative paths), else as given."""
    posix = path.replace("\\", "/")
    if source_root is not None and posix.startswith("/"):
        try:
            return PurePosixPath(posix).relative_to(source_root.as_posix()).as_posix()
        except ValueError:
            return posix
    return posix[2:] if posix.startswith("./") else posix


def _located(report: Report) -> Iterator[tuple[ReferenceResult, Finding, str]]:
    for result in report.results:
        path = result.reference.location.path or report.manuscript.path or "<input>"
        for finding in result.findings:
            if finding.suppressed is None:
                yield result, finding, path


def _shared_unverified(report: Report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in report.results:
        if result.status == "unverified" and result.reason:
            counts[result.reason] = counts.get(result.reason, 0) + 1
    return counts


def _evidence(finding: Finding) -> str:
    compared = [f"{label}: {value}" for label, value in (("cited", finding.cited),
                                                        ("record", finding.expected))
                if value is not None]
    source = finding.evidence.get("source")
    if source:
        compared.append(f"source: {source}")
    return f" ({'; '.join(compared)})" if compared else ""


def _prefixed(path: str, message: str, given: str | None = None) -> str:
    """``path: message``, unless the message already starts with the path, as displayed or as
    ``given`` (input errors and problems name their file)."""
    named = message.startswith(path) or (given is not None and message.startswith(given))
    return printable(message if named else f"{path}: {message}")


def write_concise(report: Report | Run, source_root: Path | None = None) -> str:
    """``path:line:col: rule message`` for every finding not accepted (column 1 when the reader
    gives no column; ``path: rule message`` when it gives no line either)."""
    lines: list[str] = []
    for item in _inputs(report):
        if not isinstance(item, Report):
            lines.append(_prefixed(_display_path(item.path, source_root), item.reason,
                                   item.path))
            continue
        for result, finding, path in _located(item):
            where = _display_path(path, source_root)
            line = result.reference.location.line
            if line is not None:
                where += f":{line}:{result.reference.location.column or 1}"
            message = " ".join(printable(finding.message).split())
            lines.append(f"{printable(where)}: {finding.rule} {message}")
        name = _display_path(item.manuscript.path or "<input>", source_root)
        lines += [_prefixed(name, problem, item.manuscript.path)
                  for problem in item.manuscript.problems]
        for reason, count in _shared_unverified(item).items():
            if count > 1:
                lines.append(printable(f"{name}: {count} references unverified: {reason}"))
    return "".join(f"{line}\n" for line in lines)


def _escape_data(text: str) -> str:
    """Workflow-command data: escapes (``%0A`` for a line break) and no terminal escapes."""
    lines = [printable(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "%0A".join(line.replace("%", "%25") for line in lines)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, message: str, **properties: object) -> str:
    props = ",".join(f"{k}={_escape_property(str(v))}" for k, v in properties.items()
                     if v is not None)
    return f"::{level}{' ' + props if props else ''}::{_escape_data(message)}"


def write_github(report: Report | Run, source_root: Path | None = None) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…::message`` per finding not
    accepted (error, warning, notice for info), and one per input problem, unreadable input and
    shared reason for unverified references."""
    lines: list[str] = []
    for item in _inputs(report):
        if not isinstance(item, Report):
            path = _display_path(item.path, source_root)
            lines.append(_command("error", item.reason, file=path, title="citelint: unreadable"))
            continue
        for result, finding, path in _located(item):
            location = result.reference.location
            lines.append(_command(
                _GITHUB_LEVEL[finding.severity],
                f"[{result.reference.index}] {finding.message}{_evidence(finding)}",
                file=_display_path(path, source_root), line=location.line,
                col=location.column if location.line is not None else None,
                title=f"citelint {finding.rule}"))
        name = _display_path(item.manuscript.path or "<input>", source_root)
        for problem in item.manuscript.problems:
            lines.append(_command("warning", problem, file=name, title="citelint: input problem"))
        for reason, count in _shared_unverified(item).items():
            what = "reference" if count == 1 else "references"
            lines.append(_command("notice", f"{count} {what} unverified: {reason}", file=name,
                                  title="citelint: unverified"))
    return "".join(f"{line}\n" for line in lines)
