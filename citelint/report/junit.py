"""JUnit XML output, for CI systems that display test results (GitLab, Jenkins, Azure, …).

Each reference is one test case in a test suite named after its input (one suite per input; an
input that could not be read is a suite whose one test case is an ``<error>`` with the reason). A
reference fails when it has a finding at or above the ``fail_on`` severity (errors by default), is
skipped when it could not be verified (the reason is the skip message: a failed lookup is neither
a pass nor a failure), and passes otherwise. Lesser findings and accepted (suppressed) ones are
written to the test case's ``<system-out>``. JUnit ``<error>`` (the test itself crashed) is used
only for an input that could not be read: an unverified reference is reported as skipped.

This module is a pure function of the report; it does no I/O.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Literal

from citelint.baseline import short_citation
from citelint.models import Finding, ReferenceResult, Report, Run, UnreadableInput

FailOn = Literal["error", "warning", "info", "never"]
_RANK = {"error": 3, "warning": 2, "info": 1}
_THRESHOLD = {"error": 3, "warning": 2, "info": 1, "never": 4}
# Characters XML 1.0 cannot carry at all (control characters from PDF-extracted text, …), and
# those it can but a terminal acts on (DEL, C1 controls such as the CSI U+009B, bidirectional
# overrides).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                      "|[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _xml_text(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _describe(finding: Finding, result: ReferenceResult) -> str:
    """A finding as a few lines of plain text: rule, message, cited vs record, source."""
    lines = [f"[{finding.severity}] {finding.rule}: {finding.message}"]
    field = f" {finding.field}" if finding.field else ""
    lines += [f"    {label}{field}: {value}" for label, value in (("cited", finding.cited),
                                                                  ("record", finding.expected))
              if value is not None]
    record = result.match.record if result.match else None
    if record is not None:
        source = record.source + (f" https://doi.org/{record.doi}" if record.doi else "")
        lines.append(f"    source: {source}")
    if finding.suppressed is not None:
        lines.append(f"    suppressed: {finding.suppressed}")
    return "\n".join(lines)


def _testcase(result: ReferenceResult, input_path: str, threshold: int
              ) -> tuple[ET.Element, str]:
    """One reference as a ``<testcase>``, and its outcome: "failure", "skipped" or "passed"."""
    reference = result.reference
    case = ET.Element("testcase", {
        "classname": "references",
        "name": _xml_text(f"[{reference.index}] {short_citation(reference)}"),
    })
    path = reference.location.path or input_path
    if path:
        case.set("file", _xml_text(path))
    if reference.location.line is not None:
        case.set("line", str(reference.location.line))

    failing = [f for f in result.findings
               if f.suppressed is None and _RANK[f.severity] >= threshold]
    other = [f for f in result.findings if f not in failing]
    outcome = "passed"
    if failing:
        outcome = "failure"
        first = failing[0]
        failure = ET.SubElement(case, "failure", {
            "message": _xml_text(first.message),
            "type": first.rule if len(failing) == 1 else ",".join(f.rule for f in failing),
        })
        failure.text = _xml_text("\n".join(_describe(f, result) for f in failing))
    elif result.status == "unverified":
        outcome = "skipped"
        reason = result.reason or "no source could answer for this reference"
        ET.SubElement(case, "skipped", {"message": _xml_text(reason)})

    out_lines = [f"status: {result.status}" + (f" ({result.reason})" if result.reason else "")]
    out_lines += [_describe(f, result) for f in other]
    if outcome == "passed" or len(out_lines) > 1:
        ET.SubElement(case, "system-out").text = _xml_text("\n".join(out_lines))
    return case, outcome


_COUNTS = ("tests", "failures", "errors", "skipped")


def _suite(report: Report, threshold: int) -> ET.Element:
    input_path = report.manuscript.path or "<input>"
    cases = [_testcase(result, report.manuscript.path or "", threshold)
             for result in report.results]
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for _, outcome in cases if outcome == "failure")),
        "errors": "0",
        "skipped": str(sum(1 for _, outcome in cases if outcome == "skipped")),
    }
    seconds = report.stats.get("seconds")
    timing = {"time": f"{float(seconds):.3f}"} if isinstance(seconds, (int, float)) else {}
    suite = ET.Element("testsuite",
                       {"name": _xml_text(f"citelint: {input_path}"), **counts, **timing})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "citelint.version",
                                           "value": report.tool_version or "unknown"})
    ET.SubElement(properties, "property", {"name": "input.format",
                                           "value": report.manuscript.format})
    for case, _ in cases:
        suite.append(case)
    if report.manuscript.problems:
        ET.SubElement(suite, "system-err").text = _xml_text("\n".join(report.manuscript.problems))
    return suite


def _unreadable_suite(item: UnreadableInput) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _xml_text(f"citelint: {item.path}"), "tests": "1",
                                     "failures": "0", "errors": "1", "skipped": "0"})
    case = ET.SubElement(suite, "testcase", {"classname": "inputs", "name": _xml_text(item.path),
                                             "file": _xml_text(item.path)})
    ET.SubElement(case, "error", {"message": _xml_text(item.reason), "type": "unreadable-input"})
    return suite


def write_junit(report: Report | Run, fail_on: FailOn = "error") -> str:
    """The report as a JUnit XML document: one ``<testsuite>`` per input (a :class:`Run` may
    hold several), one ``<testcase>`` per reference.

    ``fail_on`` is the least severity that fails a test case, as for the exit code; ``"never"``
    turns every finding into output only.
    """
    threshold = _THRESHOLD[fail_on]
    inputs = [report] if isinstance(report, Report) else report.inputs
    suites = [_suite(item, threshold) if isinstance(item, Report) else _unreadable_suite(item)
              for item in inputs]
    totals = {name: str(sum(int(suite.get(name, "0")) for suite in suites)) for name in _COUNTS}
    times = [float(suite.get("time", "")) for suite in suites if suite.get("time")]
    timing = {"time": f"{sum(times):.3f}"} if times else {}
    root = ET.Element("testsuites", {"name": "citelint", **totals, **timing})
    root.extend(suites)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
