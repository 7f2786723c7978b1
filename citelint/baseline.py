"""Accepted findings: reference fingerprints, baseline files, and suppression.

A baseline lets a team adopt citelint on a manuscript that already has known, accepted problems:
``citelint baseline`` records today's findings, and later runs report only what is new. A finding
is identified by the pair (reference fingerprint, rule), so moving a reference up or down the list
keeps it accepted, while a different rule firing on the same reference, or any finding on a new
reference, is still reported.

Inline suppressions (``citelint-ignore`` in a reference of any input format, see
:mod:`citelint.readers.inline`; read into ``Reference.suppressions``) are honoured here too.

This module reads and writes only the baseline file it is given. It never drops a finding: a
suppressed finding stays in the report with ``Finding.suppressed`` set to the reason, so reports
can still show what was accepted and why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citelint.doi import clean_doi
from citelint.models import Finding, Reference, Report
from citelint.normalize import comparable, split_name
from citelint.readers import InputError, read_named_file

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be used. The message names the file and what is wrong."""


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding: the reference's fingerprint, the rule, and why it was accepted."""

    fingerprint: str
    rule: str
    reason: str = "accepted"
    reference: str = ""  # a short citation, so people reading the file know what was accepted

    def to_dict(self) -> dict[str, str]:
        return {"fingerprint": self.fingerprint, "rule": self.rule, "reason": self.reason,
                "reference": self.reference}


def fingerprint(reference: Reference) -> str:
    """A stable identifier for the work a reference cites, independent of its position.

    Built from the DOI when one is cited, else from the first author's family name, the year and
    the title, else from the raw citation text; all case-, accent- and punctuation-folded. Returns
    the first 16 hex digits of a SHA-256.
    """
    doi = clean_doi(reference.doi)
    if doi:
        basis = f"doi:{doi}"
    elif reference.title or reference.authors:
        author = (comparable(split_name(reference.authors[0].as_cited())[0])
                  if reference.authors else "")
        year = reference.year if reference.year is not None else ""
        basis = f"cite:{author}|{year}|{comparable(reference.title or '')}"
    else:
        basis = f"raw:{comparable(reference.raw)}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def short_citation(reference: Reference, width: int = 80) -> str:
    """A one-line label for a reference: ``Keller P et al. (2020) Title of the work…``."""
    parts = []
    if reference.authors:
        first = reference.authors[0].as_cited().strip()
        more = len(reference.authors) > 1 or reference.et_al
        parts.append(f"{first} et al." if more else first)
    if reference.year is not None:
        parts.append(f"({reference.year})")
    if reference.title:
        parts.append(reference.title.strip())
    elif reference.journal:
        parts.append(reference.journal.strip())
    label = " ".join(parts) if parts else " ".join(reference.raw.split())
    if len(label) > width:
        label = label[: width - 1].rstrip() + "\u2026"
    return label or f"reference {reference.index}"


def _inline_reason(reference: Reference, finding: Finding) -> str | None:
    for suppression in reference.suppressions:
        if suppression.rule in ("*", finding.rule):
            return suppression.reason or "suppressed inline"
    return None


def load_baseline(path: str | Path) -> list[BaselineEntry]:
    """Read a baseline file written by :func:`write_baseline`.

    Raises :class:`BaselineError` naming the file when it is missing, not JSON, or not a
    version-1 baseline.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise BaselineError(f"{path}: baseline file not found; create it with "
                            f"`citelint baseline INPUT --baseline {path}`")
    try:
        data = json.loads(read_named_file(path, "baseline"))
    except InputError as exc:
        raise BaselineError(f"cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: baseline file is not valid JSON: {exc.msg}"
                            ) from None
    except RecursionError:
        raise BaselineError(f"{path}: baseline file nests its JSON too deeply to be a citelint "
                            "baseline") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: not a citelint baseline (expected an object with "
                            f'"version": {BASELINE_VERSION})')
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f'{path}: "entries" must be a list')
    return [_entry_from(item, f"{path}: entries[{n}]") for n, item in enumerate(entries)]


def _entry_from(item: BaselineEntry | Mapping[str, Any], where: str) -> BaselineEntry:
    if isinstance(item, BaselineEntry):
        return item
    if not isinstance(item, Mapping):
        raise BaselineError(f"{where}: expected an object")
    missing = [k for k in ("fingerprint", "rule") if not isinstance(item.get(k), str)]
    if missing:
        raise BaselineError(f"{where}: missing or non-string {', '.join(missing)}")
    return BaselineEntry(item["fingerprint"], item["rule"], str(item.get("reason") or "accepted"),
                         str(item.get("reference") or ""))


def apply_suppressions(report: Report,
                       baseline_entries: Iterable[BaselineEntry | Mapping[str, Any]] = ()) -> None:
    """Mark accepted findings: set ``finding.suppressed`` to the reason, in place.

    A finding is accepted when its reference carries an inline suppression for its rule (or
    ``"*"``), or when a baseline entry has the same reference fingerprint and rule. Inline
    suppressions win when both apply. Findings already suppressed are left alone.
    """
    accepted: dict[tuple[str, str], str] = {}
    for n, item in enumerate(baseline_entries):
        entry = _entry_from(item, f"baseline entry {n}")
        accepted.setdefault((entry.fingerprint, entry.rule), entry.reason)
    for result in report.results:
        ref_print = fingerprint(result.reference)
        for finding in result.findings:
            if finding.suppressed is not None:
                continue
            reason = _inline_reason(result.reference, finding)
            if reason is None:
                reason = accepted.get((ref_print, finding.rule))
            finding.suppressed = reason


def baseline_entries(reports: Report | Iterable[Report],
                     reason: str = "accepted") -> list[BaselineEntry]:
    """The entries a baseline of these reports holds, sorted by fingerprint then rule.

    Every finding is included except those suppressed inline (the input already accepts them).
    A finding that an earlier baseline accepted keeps that baseline's reason, so regenerating a
    baseline keeps old acceptances and drops those whose problem has gone. Several reports (one
    per manuscript) make one baseline.
    """
    if isinstance(reports, Report):
        reports = [reports]
    entries: dict[tuple[str, str], BaselineEntry] = {}
    for result in (r for report in reports for r in report.results):
        ref_print = fingerprint(result.reference)
        for finding in result.findings:
            if _inline_reason(result.reference, finding) is not None:
                continue
            key = (ref_print, finding.rule)
            if key not in entries:
                entries[key] = BaselineEntry(ref_print, finding.rule, finding.suppressed or reason,
                                             short_citation(result.reference))
    return [entries[key] for key in sorted(entries)]


def write_baseline(report: Report | Iterable[Report], path: str | Path,
                   reason: str = "accepted") -> int:
    """Write a baseline accepting the current findings; return how many entries it holds.

    ``report`` may be one report or several (one per manuscript): the file is replaced, so pass
    every report of a multi-manuscript run in one call.

    The file is JSON: ``{"version": 1, "entries": [{"fingerprint", "rule", "reason",
    "reference"}]}``, sorted so that it diffs cleanly under version control.
    """
    entries = baseline_entries(report, reason)
    data = {"version": BASELINE_VERSION, "entries": [e.to_dict() for e in entries]}
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)
