"""The JSON report: the versioned, schema-described serialisation of a Report.

The schema ships inside the package (``report/schema.json``); :func:`validate` checks a report
against it. ``SCHEMA_VERSION`` changes only when the shape changes incompatibly (version 2: cited
authors are structured objects, and each reference carries its provenance and the fields that
were and were not compared).

A run given one input writes that input's report; a run given several writes one run document
(:func:`run_to_dict`): every input in the order given, with its report or why it could not be
read, and totals over the inputs read.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from citelint.models import Finding, Location, Match, ReferenceResult, Report, Run

SCHEMA_VERSION = 2


# What a terminal acts on that json.dumps(ensure_ascii=False) leaves as it is: C1 controls
# (U+009B is a CSI), DEL and the bidirectional overrides. They occur only inside strings, where
# the \uXXXX escape is the same JSON.
_TERMINAL_ACTIVE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def dumps(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON text (non-ASCII letters as they are) that is safe to print to a
    terminal."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _TERMINAL_ACTIVE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _location(location: Location) -> dict[str, Any]:
    return {k: v for k, v in vars(location).items() if v is not None and k != "path"}


def _finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": finding.rule, "severity": finding.severity,
                           "message": finding.message}
    for name in ("field", "cited", "expected"):
        value = getattr(finding, name)
        if value is not None:
            out[name] = value
    out["evidence"] = finding.evidence
    if finding.suppressed is not None:
        out["suppressed"] = finding.suppressed
    if finding.fix is not None:
        fix = finding.fix
        value = ([a.display() for a in fix.value] if fix.field == "authors" else fix.value)
        out["fix"] = {"field": fix.field, "value": value, "safety": fix.safety,
                      "description": fix.description}
    return out


def _match(match: Match) -> dict[str, Any] | None:
    if match.record is None:
        return None
    out: dict[str, Any] = {"source": match.record.source, "doi": match.record.doi,
                           "score": match.score, "field_scores": match.field_scores,
                           "record": match.record.summary()}
    if match.runner_up is not None:
        out["runner_up"] = {"score": match.runner_up_score, "record": match.runner_up.summary()}
    if match.others:
        out["also_in"] = [r.source for r in match.others]
    return out


def _result(result: ReferenceResult) -> dict[str, Any]:
    ref, match = result.reference, result.match
    out: dict[str, Any] = {
        "index": ref.index,
        "raw": ref.raw,
        "location": _location(ref.location),
        "parsed": ref.parsed(),
        "provenance": ref.provenance.to_dict(),
        "status": result.status,
        "compared": result.compared,
        "not_compared": result.not_compared,
        "match": _match(match),
        "findings": [_finding(f) for f in result.findings],
        "searched": match.searched,
    }
    if result.accepted:
        out["accepted"] = True
    if result.reason:
        out["reason"] = result.reason
    if match.failures:
        out["failures"] = [{"source": f.source, "reason": f.reason} for f in match.failures]
    if result.relatedness is not None:
        out["relatedness"] = result.relatedness
    return out


def _summary(report: Report) -> dict[str, Any]:
    statuses = report.status_counts()
    return {
        "references": len(report.results),
        "verified": statuses["verified"],
        "problem": statuses["problem"],
        "not_found": statuses["not-found"],
        "unverified": statuses["unverified"],
        "findings": report.counts(),
        "advisory": report.advisory_count(),
        "suppressed": len(report.findings(include_suppressed=True)) - len(report.findings()),
        "problem_accepted": sum(r.accepted for r in report.results),
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON report as a dict (see ``schema.json``)."""
    manuscript = report.manuscript
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "citelint", "version": report.tool_version},
        "input": {"path": manuscript.path, "format": manuscript.format,
                  "encoding": manuscript.encoding},
        "manuscript": {"title": manuscript.title, "doi": manuscript.doi,
                       "keywords": manuscript.keywords,
                       "has_abstract": bool(manuscript.abstract),
                       "problems": manuscript.problems},
        "summary": _summary(report),
        "references": [_result(r) for r in report.results],
        "stats": report.stats,
    }


def run_to_dict(run: Run) -> dict[str, Any]:
    """The JSON document of a run over several inputs (``$defs/run`` in ``schema.json``)."""
    from citelint import __version__

    inputs: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"inputs": len(run.inputs), "read": len(run.reports),
                              "unreadable": len(run.unreadable)}
    for item in run.inputs:
        if not isinstance(item, Report):
            inputs.append({"path": item.path, "error": item.reason})
            continue
        document = report_to_dict(item)
        inputs.append({"path": item.manuscript.path, "report": document})
        for key, value in document["summary"].items():
            if isinstance(value, dict):
                counts = totals.setdefault(key, {})
                for name, n in value.items():
                    counts[name] = counts.get(name, 0) + n
            else:
                totals[key] = totals.get(key, 0) + value
    totals.setdefault("findings", {"error": 0, "warning": 0, "info": 0})
    for key in ("references", "verified", "problem", "not_found", "unverified", "suppressed",
                "problem_accepted", "advisory"):
        totals.setdefault(key, 0)
    version = next((r.tool_version for r in run.reports if r.tool_version), __version__)
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "citelint", "version": version},
            "inputs": inputs, "summary": totals}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of the report, as shipped in the package."""
    text = resources.files("citelint.report").joinpath("schema.json").read_text("utf-8")
    return json.loads(text)


def validate(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``document`` does not follow the schema."""
    import jsonschema

    jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)
