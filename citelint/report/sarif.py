"""SARIF 2.1.0 output, for code-scanning UIs (GitHub code scanning, VS Code SARIF viewer…).

One run per input (:func:`run_to_sarif` for a run over several inputs: an input that could not
be read gets a run whose invocation failed, with the reason), one ``reportingDescriptor`` per
citelint rule (documentation from the rule module's
docstring), one ``result`` per finding. Accepted findings (baseline or inline) are kept, with an
external suppression carrying the reason, so code scanning shows them as dismissed rather than
forgetting them. References that could not be verified are not findings: they are reported as
tool-execution notifications, so a failed lookup never reads as a clean bill of health; the
references that share one reason (a network that could not be reached) share one notification.

This module is a pure function of the report: it does no I/O, and it never resolves paths
against the file system or the working directory (pass ``source_root`` to relativise absolute
paths).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path, PurePosixPath, PureWindowsPath
from types import ModuleType
from typing import Any
from urllib.parse import quote

from citelint import DISTRIBUTION
from citelint.baseline import fingerprint
from citelint.models import Location, Reference, ReferenceResult, Report, Run, Severity
from citelint.report.json import dumps

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "citelintReference/v1"
LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")


def _tool_version(report: Report) -> str:
    if report.tool_version:
        return report.tool_version
    from citelint import __version__

    return __version__


def _information_uri() -> str | None:
    """The project's home page from the installed package metadata, when it declares one."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip() or None
    home = meta["Home-page"] if "Home-page" in meta else None
    return home if home and home != "UNKNOWN" else None


def _docstring(rule: ModuleType) -> str:
    return inspect.cleandoc(rule.__doc__ or "").strip()


def _rule_name(rule_id: str) -> str:
    """``pages-article-number`` → ``PagesArticleNumber`` (SARIF's suggested naming)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", rule_id))


def _summary(rule: ModuleType, doc: str) -> str:
    """The docstring's first line, without the ``rule-id:`` prefix rule docs start with."""
    first_line = doc.splitlines()[0].strip() if doc else ""
    if first_line.startswith(f"{rule.ID}:"):
        first_line = first_line[len(rule.ID) + 1:].strip()
    return first_line[:1].upper() + first_line[1:] if first_line else f"citelint rule {rule.ID}"


def _descriptor(rule: ModuleType) -> dict[str, Any]:
    doc = _docstring(rule)
    first_line = _summary(rule, doc)
    descriptor: dict[str, Any] = {
        "id": rule.ID,
        "name": _rule_name(rule.ID),
        "shortDescription": {"text": first_line},
        "fullDescription": {"text": doc or first_line},
        "help": {"text": doc or first_line, "markdown": doc or first_line},
        "defaultConfiguration": {"level": LEVELS.get(getattr(rule, "SEVERITY", ""), "warning")},
        "properties": {"tags": ["citations"]},
    }
    return descriptor


def _unknown_descriptor(rule_id: str, severity: Severity) -> dict[str, Any]:
    """A minimal descriptor for a rule id the registry does not know (e.g. a plug-in's)."""
    return {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": f"citelint rule {rule_id}"},
        "defaultConfiguration": {"level": LEVELS[severity]},
    }


def _artifact_location(path: str, source_root: Path | None) -> dict[str, Any]:
    """A SARIF artifactLocation: relative URIs carry ``%SRCROOT%``, absolute ones are file URIs."""
    if _WINDOWS_ABSOLUTE.match(path):
        return {"uri": PureWindowsPath(path).as_uri()}
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        if source_root is not None:
            try:
                relative = PurePosixPath(posix).relative_to(PurePosixPath(source_root.as_posix()))
            except ValueError:
                return {"uri": PurePosixPath(posix).as_uri()}
            posix = relative.as_posix()
        else:
            return {"uri": PurePosixPath(posix).as_uri()}
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix, safe="/-._~"), "uriBaseId": SRCROOT}


def _location(reference: Reference, input_path: str | None,
              source_root: Path | None) -> dict[str, Any]:
    where: Location = reference.location
    path = where.path or input_path
    location: dict[str, Any] = {}
    if path:
        physical: dict[str, Any] = {"artifactLocation": _artifact_location(path, source_root)}
        if where.line is not None and where.line >= 1:
            region: dict[str, Any] = {"startLine": where.line}
            if where.column is not None and where.column >= 1:
                region["startColumn"] = where.column
            physical["region"] = region
        location["physicalLocation"] = physical
    logical: list[dict[str, Any]] = []
    if where.key:
        logical.append({"name": where.key, "kind": "object"})
    if where.element:
        logical.append({"fullyQualifiedName": where.element, "kind": "element",
                        "name": where.element.rsplit("/", 1)[-1]})
    if not logical and not path:
        logical.append({"name": f"reference {reference.index}", "kind": "object"})
    if logical:
        location["logicalLocations"] = logical
    return location


def _jsonable(value: Any) -> Any:
    """Make finding fields (cited, expected, evidence) safe for ``json.dumps``."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _notifications(report: Report, source_root: Path | None) -> list[dict[str, Any]]:
    """Unverified and not-found references, which a reader of findings alone would miss; those
    that share a status and a reason share one notification."""
    groups: dict[tuple[str, str | None], list[ReferenceResult]] = {}
    for result in report.results:
        if result.status in ("unverified", "not-found") and not result.findings:
            groups.setdefault((result.status, result.reason), []).append(result)
    notes = []
    for (status, reason), results in groups.items():
        what = "could not be verified" if status == "unverified" else "was not found"
        indexes = [r.reference.index for r in results]
        if len(indexes) == 1:
            text = f"Reference {indexes[0]} {what}"
        else:
            text = (f"{len(indexes)} references ({', '.join(map(str, indexes))}) "
                    f"{what.replace('was', 'were')}")
        text += f": {reason}" if reason else "."
        note: dict[str, Any] = {
            "level": "note" if status == "unverified" else "warning",
            "message": {"text": text},
            "locations": [_location(r.reference, report.manuscript.path, source_root)
                          for r in results],
            "properties": {"status": status},
        }
        if len(indexes) == 1:
            note["properties"]["referenceIndex"] = indexes[0]
        else:
            note["properties"]["referenceIndexes"] = indexes
        notes.append(note)
    for problem in report.manuscript.problems:
        notes.append({"level": "warning", "message": {"text": problem}})
    return notes


def _result(result: ReferenceResult, finding_index: int, rule_index: int, report: Report,
            source_root: Path | None) -> dict[str, Any]:
    finding = result.findings[finding_index]
    properties: dict[str, Any] = {"referenceIndex": result.reference.index,
                                  "status": result.status}
    for name in ("field", "cited", "expected"):
        value = getattr(finding, name)
        if value is not None:
            properties[name] = _jsonable(value)
    if finding.evidence:
        properties["evidence"] = _jsonable(finding.evidence)
    sarif_result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(result.reference, report.manuscript.path, source_root)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(result.reference)},
        "properties": properties,
    }
    if finding.suppressed is not None:
        sarif_result["suppressions"] = [{"kind": "external",
                                         "justification": finding.suppressed}]
    return sarif_result


def report_to_sarif(report: Report, *, rules: Sequence[ModuleType] | None = None,
                    source_root: Path | None = None,
                    include_suppressed: bool = True) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (a JSON-ready dict).

    ``rules`` defaults to every registered rule module; ``source_root``, when given, turns
    absolute input paths under it into ``%SRCROOT%``-relative URIs (code scanning needs
    repository-relative paths). ``include_suppressed=False`` leaves accepted findings out, for
    viewers that ignore ``suppressions`` and would show them as open.
    """
    if rules is None:
        from citelint.rules import all_rules

        rules = all_rules()
    descriptors = [_descriptor(rule) for rule in rules]
    rule_index = {d["id"]: n for n, d in enumerate(descriptors)}
    results = []
    for result in report.results:
        for n, finding in enumerate(result.findings):
            if finding.suppressed is not None and not include_suppressed:
                continue
            if finding.rule not in rule_index:
                rule_index[finding.rule] = len(descriptors)
                descriptors.append(_unknown_descriptor(finding.rule, finding.severity))
            results.append(_result(result, n, rule_index[finding.rule], report, source_root))

    driver = _driver(_tool_version(report), descriptors)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notifications = _notifications(report, source_root)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"description": {
            "text": "The directory citelint was run from (the repository root in CI)."}}},
        "properties": {"input": {"path": report.manuscript.path,
                                 "format": report.manuscript.format}},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _driver(version: str, descriptors: list[dict[str, Any]]) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": "citelint", "version": version, "rules": descriptors}
    information_uri = _information_uri()
    if information_uri:
        driver["informationUri"] = information_uri
    return driver


def _unreadable_run(path: str, reason: str, version: str,
                    source_root: Path | None) -> dict[str, Any]:
    """The run of an input that could not be read: no results, a failed invocation saying why."""
    notification = {"level": "error", "message": {"text": reason},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": _artifact_location(path, source_root)}}]}
    return {
        "tool": {"driver": _driver(version, [])},
        "invocations": [{"executionSuccessful": False,
                         "toolExecutionNotifications": [notification]}],
        "results": [],
        "properties": {"input": {"path": path, "format": None}},
    }


def run_to_sarif(run: Run, *, source_root: Path | None = None,
                 include_suppressed: bool = True) -> dict[str, Any]:
    """One SARIF log for a run over several inputs, with one run per input in the order given
    (see :func:`report_to_sarif`); an input that could not be read has a run without results
    whose invocation failed, with the reason."""
    from citelint import __version__

    runs: list[dict[str, Any]] = []
    for item in run.inputs:
        if isinstance(item, Report):
            runs += report_to_sarif(item, source_root=source_root,
                                    include_suppressed=include_suppressed)["runs"]
        else:
            runs.append(_unreadable_run(item.path, item.reason, __version__, source_root))
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": runs}


def write_sarif(report: Report | Run, *, source_root: Path | None = None,
                include_suppressed: bool = True) -> str:
    """The SARIF log as JSON text (two-space indented, newline-terminated) of one report (see
    report_to_sarif) or of a run over several inputs (see run_to_sarif)."""
    to_sarif = report_to_sarif if isinstance(report, Report) else run_to_sarif
    log = to_sarif(report, source_root=source_root,  # type: ignore[arg-type]
                   include_suppressed=include_suppressed)
    return dumps(log) + "\n"
