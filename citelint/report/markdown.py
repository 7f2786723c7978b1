"""GitHub-flavoured Markdown output, for a CI step summary (``$GITHUB_STEP_SUMMARY``) or a comment.

A summary table of verdicts and finding counts, then one section per reference with findings:
rule, severity, message, cited value against the record's value, and the record's source. A run
over several inputs writes one such part per input (an input that could not be read says why),
so that one step summary covers the run. Cell
text is escaped (pipes, HTML, line breaks) because titles and messages come from manuscripts and
bibliographic services, not from us.

This module is a pure function of the report; it does no I/O.
"""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any
from urllib.parse import quote

from citelint.baseline import short_citation
from citelint.models import Finding, ReferenceResult, Report, Run
from citelint.report.text import printable

_SEVERITY_MARK = {"error": "\u274c error", "warning": "\u26a0\ufe0f warning",
                  "info": "\u2139\ufe0f info"}
# GitHub truncates step summaries at 1 MiB; stay well below it on very long reference lists.
DEFAULT_MAX_REFERENCES = 200


# Characters of inline Markdown syntax (emphasis, links and images, code, tables, strikethrough);
# a backslash before each makes it literal. "<" and "&" are escaped as HTML, and a cell never
# starts a line, so block syntax (headings, lists, quotes) cannot begin inside one.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]|~])")


def escape_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell or list item: control characters dropped, HTML
    escaped, Markdown syntax escaped (no link, image, emphasis or code can be injected), on one
    line."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = html.escape(printable(value), quote=False)
    return _MARKDOWN_SYNTAX.sub(r"\\\1", " ".join(text.split()))


def _source(result: ReferenceResult, finding: Finding) -> str:
    evidence_source = finding.evidence.get("source") if finding.evidence else None
    record = result.match.record if result.match else None
    source = evidence_source or (record.source if record is not None else "")
    doi = record.doi if record is not None else None
    if doi:
        link = quote(printable(doi), safe="/:;")
        return f"{escape_cell(source)} [{escape_cell(doi)}](https://doi.org/{link})".strip()
    return escape_cell(source)


def _summary_table(report: Report) -> list[str]:
    statuses = {"verified": 0, "problem": 0, "not-found": 0, "unverified": 0}
    for result in report.results:
        statuses[result.status] = statuses.get(result.status, 0) + 1
    counts = report.counts()
    suppressed = sum(1 for _, f in report.findings(include_suppressed=True)
                     if f.suppressed is not None)
    header = ["References", "Verified", "Problem", "Not found", "Unverified",
              "Errors", "Warnings", "Info"]
    row = [len(report.results), statuses["verified"], statuses["problem"],
           statuses["not-found"], statuses["unverified"],
           counts["error"], counts["warning"], counts["info"]]
    advisory = report.advisory_count()
    if advisory:
        header.append("Advisory (of the warnings)")
        row.append(advisory)
    if suppressed:
        header.append("Suppressed")
        row.append(suppressed)
    return ["| " + " | ".join(header) + " |",
            "|" + "---:|" * len(header),
            "| " + " | ".join(str(v) for v in row) + " |"]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _reference_section(result: ReferenceResult, input_path: str | None) -> list[str]:
    reference = result.reference
    location = reference.location
    where = ""
    if location.line is not None or location.key or location.element:
        where = dataclasses.replace(location, path=location.path or input_path).describe()
    title = f"[{reference.index}] {escape_cell(short_citation(reference))}"
    lines = [f"### {title}", ""]
    if where:
        lines += [f"`{printable(where).replace('`', '')}` \u00b7 status: **{result.status}**",
                  ""]
    else:
        lines += [f"status: **{result.status}**", ""]
    lines += ["| Rule | Severity | Message | Cited | Record | Source |",
              "|---|---|---|---|---|---|"]
    for finding in result.findings:
        if finding.suppressed is not None:
            continue
        lines.append("| " + " | ".join([
            f"`{finding.rule}`", _SEVERITY_MARK.get(finding.severity, finding.severity),
            escape_cell(finding.message), escape_cell(finding.cited),
            escape_cell(finding.expected), _source(result, finding),
        ]) + " |")
    return lines + [""]


def write_markdown(report: Report | Run, max_references: int = DEFAULT_MAX_REFERENCES) -> str:
    """The report as Markdown: a summary table, then a section per reference with findings; for
    a run over several inputs, one such part per input.

    At most ``max_references`` reference sections are written per input; a closing line says how
    many more the full (JSON or SARIF) report holds.
    """
    if isinstance(report, Report):
        return _report_markdown(report, max_references)
    parts = []
    for item in report.inputs:
        if isinstance(item, Report):
            parts.append(_report_markdown(item, max_references))
        else:
            parts.append(f"## citelint: {escape_cell(item.path)}\n\n"
                         f"\u274c Could not be read: {escape_cell(item.reason)}\n")
    return "\n".join(parts)


def _report_markdown(report: Report, max_references: int) -> str:
    name = report.manuscript.path or "<input>"
    lines = [f"## citelint: {escape_cell(name)}", ""]
    lines += _summary_table(report) + [""]

    flagged = [r for r in report.results if any(f.suppressed is None for f in r.findings)]
    if not flagged:
        lines += ["No findings." if report.results else "No references found.", ""]
    for result in flagged[:max_references]:
        lines += _reference_section(result, report.manuscript.path)
    if len(flagged) > max_references:
        more = _plural(len(flagged) - max_references, "more reference")
        lines += [f"\u2026 and {more} with findings; "
                  "see the JSON or SARIF report for all of them.", ""]

    unverified = [r for r in report.results if r.status == "unverified"]
    if unverified:
        lines += [f"<details><summary>{_plural(len(unverified), 'unverified reference')} "
                  "(a source did not answer; not checked, not cleared)</summary>", ""]
        by_reason: dict[str, list[ReferenceResult]] = {}
        for result in unverified:
            by_reason.setdefault(result.reason or "no reason given", []).append(result)
        for reason, results in by_reason.items():  # a shared reason (an outage) is said once
            if len(results) == 1:
                lines.append(f"- [{results[0].reference.index}] "
                             f"{escape_cell(short_citation(results[0].reference))}: "
                             f"{escape_cell(reason)}")
            else:
                indexes = ", ".join(f"[{r.reference.index}]" for r in results)
                lines.append(f"- {len(results)} references ({indexes}): {escape_cell(reason)}")
        lines += ["", "</details>", ""]

    accepted = [(r, f) for r, f in report.findings(include_suppressed=True)
                if f.suppressed is not None]
    if accepted:
        lines += [f"<details><summary>{_plural(len(accepted), 'accepted finding')} "
                  "(baseline or inline suppression)</summary>", ""]
        lines += [f"- [{r.reference.index}] `{f.rule}`: {escape_cell(f.message)} "
                  f"\u2014 {escape_cell(f.suppressed)}" for r, f in accepted]
        lines += ["", "</details>", ""]

    if report.manuscript.problems:
        lines += ["**Input problems**", ""]
        lines += [f"- {escape_cell(p)}" for p in report.manuscript.problems] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
