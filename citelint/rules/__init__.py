"""The rule registry. Each rule is one module in this package; the engine knows none of them.

A rule module has:

- a module docstring: the rule's user documentation (``citelint explain RULE`` prints it);
- ``ID``: the rule's fixed kebab-case name (see docs/design.md);
- ``SEVERITY``: its default severity, ``"error"``, ``"warning"`` or ``"info"``;
- optionally ``ADVISORY = True``: its findings are advice for a person to weigh (off-topic), not
  a fault in the reference; they never turn a verified reference into a ``problem`` and the
  report's summary counts them apart (``advisory``);
- optionally ``OPTIONS``: the options it takes, by name, each an :class:`Option` (its default,
  the type of value it takes and the values it allows; config: ``[options.RULE]``, checked when
  the config is loaded);
- either ``check(match, context)`` yielding :class:`~citelint.models.Finding` for one reference,
  or ``check_list(matches, context)`` yielding ``(position, Finding)`` pairs for rules that look
  across the whole list (duplicates, off-topic), where ``position`` indexes ``matches``.

Rules do no I/O.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

from citelint.journals import JournalComparison, compare_journals
from citelint.models import Finding, Manuscript, Match, Record

# Order is the order findings are listed in for one reference.
RULE_MODULES = (
    "parse_error",
    "doi_invalid",
    "doi_not_found",
    "doi_mismatch",
    "identifier_mismatch",
    "reference_not_found",
    "retracted",
    "expression_of_concern",
    "correction",
    "title_mismatch",
    "author_mismatch",
    "year_mismatch",
    "volume_mismatch",
    "issue_mismatch",
    "pages_article_number",
    "pages_mismatch",
    "journal_mismatch",
    "journal_abbreviation",
    "doi_missing",
    "duplicate_reference",
    "off_topic",
)


@dataclass(frozen=True)
class Option:
    """One option of a rule: its default, and what a configured value must be.

    ``kind`` is the type of value (``float`` also takes a whole number); ``choices``, ``minimum``
    and ``maximum`` narrow it. A default of ``None`` means "the rule decides" (TOML cannot set
    it, so only the default is ever ``None``).
    """

    default: Any
    kind: type
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        """What a value must be, for error messages: "a number from 0 to 1"."""
        if self.choices:
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        noun = {float: "a number", int: "a whole number", str: "a string",
                bool: "true or false"}.get(self.kind, self.kind.__name__)
        if self.minimum is not None and self.maximum is not None:
            return f"{noun} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{noun} of at least {self.minimum:g}"
        if self.maximum is not None:
            return f"{noun} of at most {self.maximum:g}"
        return noun

    def validate(self, value: Any) -> Any:
        """The value to use; ValueError (saying what is accepted) when ``value`` does not fit."""
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        fits = isinstance(value, self.kind) and (self.kind is bool
                                                  or not isinstance(value, bool))
        if fits and self.choices:
            fits = value in self.choices
        if fits and self.minimum is not None:
            fits = value >= self.minimum
        if fits and self.maximum is not None:
            fits = value <= self.maximum
        if not fits:
            raise ValueError(f"expected {self.describe()}, not {value!r}")
        return value


def option_defaults(options: dict[str, Option]) -> dict[str, Any]:
    """The defaults of a rule's ``OPTIONS``, by name."""
    return {name: option.default for name, option in options.items()}


@dataclass
class CheckContext:
    """What rules may look at besides the match: the manuscript and the rules' options."""

    manuscript: Manuscript
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # per rule id
    #: work a rule computed once for the whole list and reuses (e.g. relatedness scores), by rule
    memo: dict[str, Any] = field(default_factory=dict)

    def options_for(self, rule_id: str, declared: dict[str, Option]) -> dict[str, Any]:
        """A rule's options: the defaults of its ``OPTIONS`` overlaid with the configured
        values (which the config has already checked against ``declared``)."""
        return {**option_defaults(declared), **self.options.get(rule_id, {})}


def all_rules() -> list[ModuleType]:
    """Every rule module, in registry order (modules not yet written are skipped)."""
    modules = []
    for name in RULE_MODULES:
        try:
            modules.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    return modules


@lru_cache(maxsize=1)
def advisory_rule_ids() -> frozenset[str]:
    """The IDs of the rules whose findings are advisory (``ADVISORY = True`` in their module)."""
    return frozenset(m.ID for m in all_rules() if getattr(m, "ADVISORY", False))


def is_advisory(finding: Finding) -> bool:
    """Whether ``finding`` comes from an advisory rule (see :func:`advisory_rule_ids`)."""
    return finding.rule in advisory_rule_ids()


def get_rule(rule_id: str) -> ModuleType | None:
    """The rule module with this ID, or None."""
    return next((m for m in all_rules() if m.ID == rule_id), None)


def journal_comparison(match: Match) -> tuple[str, str, JournalComparison] | None:
    """The cited journal, the record's, and how they compare (names, abbreviation, ISSNs); None
    when either side has no journal to compare."""
    record, cited = match.record, match.reference.journal
    if record is None or not record.journal or not cited:
        return None
    return cited, record.journal, compare_journals(cited, record.journal, record.journal_short,
                                                   record.issn)


def record_evidence(match: Match, **extra: Any) -> dict[str, Any]:
    """The evidence every finding about a matched record carries: where the record came from."""
    record = match.record or match.doi_record
    evidence: dict[str, Any] = {}
    if record is not None:
        evidence = {"source": record.source, "doi": record.doi, "record_id": record.id}
        if match.score:
            evidence["match_score"] = match.score
    evidence.update(extra)
    return {k: v for k, v in evidence.items() if v is not None}


def describe_record(record: Record) -> str:
    """A short reference to a record for messages: "Cells 11(7)" or the DOI."""
    where = record.journal or (f"doi:{record.doi}" if record.doi else "the record")
    if record.volume:
        where += f" {record.volume}"
        if record.issue:
            where += f"({record.issue})"
    return where
