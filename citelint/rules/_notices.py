"""Shared by the retracted, expression-of-concern and correction rules: notices on a work.

Notices come from Crossref ``updated-by`` (publishers and Retraction Watch) and OpenAlex
``is_retracted``; every source that holds the work is consulted. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterator

from citelint.models import Finding, Match, Update

KINDS = {
    "retracted": {"retraction", "partial_retraction", "withdrawal", "removal"},
    "expression-of-concern": {"expression_of_concern"},
    "correction": {"correction", "erratum", "corrigendum"},
}


def notices(match: Match, rule_id: str) -> list[Update]:
    records = [r for r in (match.record, *match.others) if r is not None]
    seen: set[tuple[str, str | None, str | None]] = set()
    found = []
    for record in records:
        for update in record.updates:
            key = (update.type, update.doi, update.source)
            if update.type in KINDS[rule_id] and key not in seen:
                seen.add(key)
                found.append(update)
    return found


def notice_findings(match: Match, rule_id: str, severity: str, what: str,
                    advice: str) -> Iterator[Finding]:
    """One finding listing every notice of this kind, with who issued each."""
    found = notices(match, rule_id)
    if not found or match.record is None:
        return
    parts = []
    for update in found:
        part = f"{update.label or update.type.replace('_', ' ')}"
        if update.doi:
            part += f" doi:{update.doi}"
        if update.source:
            part += f" (source: {update.source})"
        parts.append(part)
    yield Finding(rule_id, severity,  # type: ignore[arg-type]
                  f"This work {what}: {'; '.join(parts)}. {advice}",
                  evidence={"notices": [{"type": u.type, "doi": u.doi, "source": u.source,
                                         "date": u.date} for u in found],
                            "record_doi": match.record.doi,
                            "sources": [r.source for r in (match.record, *match.others) if r]})
