"""The JSON report: the versioned, schema-described serialisation of a Report.

The schema ships inside the package (``report/schema.json``); :func:`validate` checks a report
against it. ``SCHEMA_VERSION`` changes only when the shape changes incompatibly (version 2: cited
authors are structured objects, and each reference carries its provenance and the fields that
were and were not compared).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from citelint.models import Finding, Location, Match, ReferenceResult, Report

SCHEMA_VERSION = 2
STATUSES = ("verified", "problem", "not-found", "unverified")


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
    if result.reason:
        out["reason"] = result.reason
    if match.failures:
        out["failures"] = [{"source": f.source, "reason": f.reason} for f in match.failures]
    if result.relatedness is not None:
        out["relatedness"] = result.relatedness
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON report as a dict (see ``schema.json``)."""
    manuscript = report.manuscript
    statuses = {s: 0 for s in STATUSES}
    for result in report.results:
        statuses[result.status] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "citelint", "version": report.tool_version},
        "input": {"path": manuscript.path, "format": manuscript.format,
                  "encoding": manuscript.encoding},
        "manuscript": {"title": manuscript.title, "doi": manuscript.doi,
                       "keywords": manuscript.keywords,
                       "has_abstract": bool(manuscript.abstract),
                       "problems": manuscript.problems},
        "summary": {
            "references": len(report.results),
            "verified": statuses["verified"],
            "problem": statuses["problem"],
            "not_found": statuses["not-found"],
            "unverified": statuses["unverified"],
            "findings": report.counts(),
            "suppressed": len(report.findings(include_suppressed=True)) - len(report.findings()),
        },
        "references": [_result(r) for r in report.results],
        "stats": report.stats,
    }


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of the report, as shipped in the package."""
    text = resources.files("citelint.report").joinpath("schema.json").read_text("utf-8")
    return json.loads(text)


def validate(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``document`` does not follow the schema."""
    import jsonschema

    jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)
