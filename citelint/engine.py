"""Run the rules over resolved references and give every reference its verdict.

The engine knows no rule by name: it runs every enabled rule module from
:mod:`citelint.rules`, applies the configured severities, and decides each reference's status
(verified, problem, not-found, unverified) from the match and the findings. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

from citelint.config import Config
from citelint.corroborate import corroborate
from citelint.matching import CONFIDENT, confidence_without
from citelint.models import (
    CITED_FIELDS,
    Finding,
    Manuscript,
    Match,
    ReferenceResult,
    Severity,
    Status,
)
from citelint.resolve import cited_doi
from citelint.rules import CheckContext, all_rules, is_advisory, option_defaults
from citelint.rules.reference_not_found import is_not_found


def _hedge_uncertain_match(match: Match, finding: Finding) -> None:
    """An error about one field of a record that matched only loosely becomes a warning.

    When the other fields do not show clearly that the record is the cited work, the
    disagreement may mean the wrong record was matched, not a wrong citation.
    """
    if finding.severity != "error" or finding.field is None or match.record is None:
        return
    if finding.field not in ("title", "authors", "year", "volume", "issue", "pages", "journal"):
        return
    confidence = confidence_without(match.field_scores, finding.field)
    if confidence is None or confidence >= CONFIDENT:
        return
    finding.severity = "warning"
    finding.evidence["match_confidence"] = round(confidence, 3)
    finding.message += (f" The match itself is uncertain (the other fields agree at "
                        f"{confidence:.2f}): check that this record is the cited work.")


def regraded(severity: str, default: str, configured: str) -> Severity:
    """A finding's severity under a severity override of its rule.

    The override replaces the rule's default severity; a finding the rule itself graded above
    or below its default (a year that may be the online-first date, a missing volume) moves by
    the same number of steps, within info..error, so the rule's distinctions survive. The
    downgrade of errors on uncertain matches is applied afterwards, so an override cannot undo
    it.
    """
    order: tuple[Severity, ...] = ("info", "warning", "error")
    shifted = order.index(severity) + order.index(configured) - order.index(default)
    return order[min(max(shifted, 0), len(order) - 1)]


def _withhold_uncertain_fix(match: Match, finding: Finding) -> None:
    """A fix comes only from a record that is surely the cited work: when the fields other than
    the one it corrects agree below the confident level, or nothing but the title backs the
    match, the finding keeps its evidence but loses its fix, so ``citelint fix`` never writes a
    wrong match's values."""
    if finding.fix is None:
        return
    confidence = (confidence_without(match.field_scores, finding.fix.field)
                  if match.record is not None else None)
    if confidence is None or confidence < CONFIDENT or not set(match.field_scores) - {"title"}:
        finding.fix = None


def internal_error(rule: ModuleType, exc: Exception, what: str = "this reference") -> Finding:
    """The finding that stands for a rule that failed with ``exc``: a bug in citelint, reported
    where it happened (severity info, so that it never fails the run) instead of ending it. The
    reference it concerns is not verified."""
    detail = f"{type(exc).__name__}: {exc}"
    return Finding(rule.ID, "info", f"The {rule.ID} check failed on {what} with an internal "
                   f"error ({detail}), so it was not checked. This is a bug in citelint: please "
                   "report it with the citation and the output of 'citelint --version'.",
                   evidence={"internal_error": detail})


def _contained(rule: ModuleType, matches: Sequence[Match], context: CheckContext,
               per_reference: list[list[Finding]]) -> None:
    """Run one rule over every reference; a failure costs only the reference (or, for a rule
    over the whole list, the list's check) it happened on."""
    if hasattr(rule, "check"):
        for position, match in enumerate(matches):
            try:
                per_reference[position].extend(rule.check(match, context))
            except Exception as exc:  # a bug in one rule must not end the run
                per_reference[position].append(internal_error(rule, exc))
    if hasattr(rule, "check_list"):
        try:
            listed = list(rule.check_list(matches, context))
        except Exception as exc:
            for findings in per_reference:
                findings.append(internal_error(rule, exc, "the reference list"))
            return
        for position, finding in listed:
            per_reference[position].append(finding)


def enabled_rules(config: Config) -> list[ModuleType]:
    """The rule modules that run under ``config``."""
    return [rule for rule in all_rules() if config.rule_enabled(rule.ID)]


def _always(options: dict[str, Any]) -> bool:
    return True


def prepare_rules(config: Config,
                  resolved: Iterable[Sequence[Match | None]] = ()) -> None:
    """Work the enabled rules can do before the list is resolved, for a background thread
    while it is (mostly waiting on the network), so that little is left after the last answer:
    each rule's optional ``prepare(options)`` (load a model, a table), then, for each state of
    the list in ``resolved`` (the matches settled so far, None for the others), its optional
    ``ahead(matches, options)``, unless its optional ``works_ahead(options)`` says that it has
    nothing to do under these options; when no rule has, the states are not waited for (each
    would wake this thread for nothing). A failure here is not reported: the rule meets it
    again when it runs, and reports it there."""
    from citelint.journals import prepare as prepare_journals

    prepare_journals()
    hooks = []
    for rule in enabled_rules(config):
        options = {**option_defaults(getattr(rule, "OPTIONS", {})),
                   **config.rule_options(rule.ID)}
        try:
            if hasattr(rule, "prepare"):
                rule.prepare(options)
            if hasattr(rule, "ahead") and getattr(rule, "works_ahead", _always)(options):
                hooks.append((rule, options))
        except Exception:  # the rule meets it again, and reports it, when it runs
            continue
    if not hooks:
        return
    for matches in resolved:
        for rule, options in hooks:
            try:
                rule.ahead(matches, options)
            except Exception:  # likewise
                continue


def _verdict(match: Match, findings: list[Finding],
             compared: list[str]) -> tuple[Status, str | None]:
    status, reason = _match_verdict(match, findings, compared)
    unchecked = unchecked_notices_reason(match) if status == "verified" else None
    return ("unverified", unchecked) if unchecked else (status, reason)


def match_stands(result: ReferenceResult) -> bool:
    """True when the reference's match is sure enough to act on (``citelint fix``): it is
    verified or a problem, or unverified only because its retraction status is unchecked."""
    if result.status in ("verified", "problem"):
        return True
    # _verdict gives this reason only to a match that would otherwise be verified
    return result.reason is not None and result.reason == unchecked_notices_reason(result.match)


def _match_verdict(match: Match, findings: list[Finding],
                   compared: list[str]) -> tuple[Status, str | None]:
    """The verdict the citation's agreement with its record gives, before the retraction
    status is asked about."""
    if match.record is None:
        if is_not_found(match):
            return "not-found", f"No record matches in {', '.join(match.searched)}."
        return "unverified", unverified_reason(match)
    # an accepted finding still describes a problem: the reference is "problem, accepted"
    # (ReferenceResult.accepted), never "verified"; an advisory finding (off-topic) describes no
    # fault of the reference and leaves its status alone
    if any(f.severity in ("error", "warning") and not is_advisory(f) for f in findings):
        return "problem", None
    failed = [f.rule for f in findings if "internal_error" in f.evidence]
    if failed:
        return "unverified", (f"The {', '.join(dict.fromkeys(failed))} check failed with an "
                              "internal error, so this reference is not verified.")
    unchecked = unchecked_doi_reason(match)
    if unchecked:
        return "unverified", unchecked
    if not set(compared) - {"title"}:
        return "unverified", ("Only the title could be compared: the citation and the record "
                              f"({match.record.source}) give no other field in common (authors, "
                              "year, journal, volume, pages), so the work is not confirmed; a "
                              "fuller record (run online) or a cited DOI would confirm it.")
    return "verified", None


def compared_fields(match: Match) -> tuple[list[str], dict[str, str]]:
    """The cited fields compared with the matched record, and why each other field was not.

    A field is compared when the citation gives it and the record has a value to hold it
    against; otherwise the reason is "not cited", "not in the record" or "no record matched".
    """
    ref, record = match.reference, match.record
    cited = {"title": ref.title, "authors": ref.authors, "year": ref.year,
             "journal": ref.journal, "volume": ref.volume, "issue": ref.issue,
             "pages": ref.pages, "doi": ref.doi}
    compared: list[str] = []
    not_compared: dict[str, str] = {}
    if record is None:
        for name in CITED_FIELDS:
            not_compared[name] = "no record matched" if cited[name] else "not cited"
        return compared, not_compared
    held = {"title": record.title, "authors": record.authors, "year": record.years(),
            "journal": record.journal or record.journal_short or record.issn,
            "volume": record.volume, "issue": record.issue,
            "pages": record.first_page or record.article_number, "doi": record.doi}
    for name in CITED_FIELDS:
        if not cited[name]:
            not_compared[name] = "not cited"
        elif not held[name]:
            not_compared[name] = "not in the record"
        else:
            compared.append(name)
    return compared, not_compared


def unchecked_doi_reason(match: Match) -> str | None:
    """Why the cited DOI is unconfirmed, when the work was found under another DOI (or none) but
    no source could say what the cited DOI itself is (a lookup failed, or only a snapshot was
    asked). Such a reference is not verified: its DOI may be a typo or another work's."""
    doi = cited_doi(match.reference)
    if (doi is None or match.record is None or match.record.doi == doi
            or match.doi_record is not None or match.doi_registered is not None):
        return None
    found = f"doi:{match.record.doi}" if match.record.doi else "no DOI"
    why = "; ".join(f"{f.source}: {f.reason}" for f in match.failures) or (
        f"not in {', '.join(match.searched)}")
    return (f"The cited work was found (its record has {found}), but the cited DOI {doi} could "
            f"not be checked ({why}).")


#: The source of the notices on a work (publishers' and Retraction Watch's, in ``updated-by``);
#: OpenAlex's ``is_retracted`` is a second opinion, not a substitute.
NOTICE_SOURCE = "crossref"


def unchecked_notices_reason(match: Match) -> str | None:
    """Why the work's retraction status is unchecked, or None when a source said it.

    It is said by a record that knows the work's notices (Crossref's own answer, or a copy of
    one that kept its notice fields: :attr:`Record.notices_known`), or by Crossref
    answering for this reference without holding the work (no Crossref notice can be on it).
    Otherwise no retraction known is not "not retracted", and a work matched elsewhere is not
    "verified": when Crossref failed, and when it was not asked (offline, not among the
    sources, or a local copy's record that cannot say answered first).
    """
    if match.record is None or any(r.notices_known for r in (match.record, *match.others)):
        return None
    failed = [f for f in match.failures if f.source == NOTICE_SOURCE]
    if not failed and NOTICE_SOURCE in match.searched:
        return None
    # where the record came from: a local copy's source is named apart ("index:crossref")
    where = next((name for name in match.searched if name.endswith(f":{match.record.source}")),
                 match.record.source)
    found = f"The work was found in {where}, but whether it has been retracted is"
    live = [f for f in failed if not f.offline]
    if live:
        return (f"{found} unchecked: {NOTICE_SOURCE}, which carries retraction notices, could "
                f"not be asked ({live[0].reason})")
    if where == "openalex":
        said = "OpenAlex's record is only a second opinion"
    else:
        said = ("its record there carries none of Crossref's notice fields (updated-by, "
                "update-to, relation)")
    return (f"{found} unchecked: {said}, and {NOTICE_SOURCE}, which carries retraction notices, "
            "was not asked about it (offline, not among the sources, or a local copy answered "
            "first); run online to check it, or use a copy that keeps those fields.")


def unverified_reason(match: Match) -> str:
    """Why a reference without a record could not be judged, in a sentence."""
    if match.reference.parse_error:
        return f"The citation could not be parsed: {match.reference.parse_error}"
    # one reason per source (its last failure; the report's "failures" keep them all), so that
    # references a network outage left unverified share one reason, said once
    failed = list({f.source: f for f in match.failures if not f.offline}.values())
    if failed:
        told = dict.fromkeys(f"{f.source}: {f.reason.rstrip('.')}" for f in failed)
        return "A lookup failed: " + "; ".join(told) + "."
    if match.failures:
        where = f"not in {', '.join(match.searched)}; " if match.searched else ""
        skipped = ", ".join(dict.fromkeys(f.source for f in match.failures))
        return (f"Not verified offline: {where}{skipped} not asked (no cached answer). "
                "Run online to verify it.")
    if not match.searched:
        return ("No source was asked: give a --snapshot file, or run online with Crossref or "
                "OpenAlex among the sources.")
    if not match.authoritative:
        return (f"Not in the snapshot ({', '.join(match.searched)}); this says nothing about "
                "whether the work exists.")
    # every source answered; what keeps this from "not-found" is a DOI registered elsewhere
    return (f"The cited DOI is registered (the DOI resolver knows it), but "
            f"{', '.join(match.searched)} hold no record of it (e.g. a DataCite DOI), so its "
            "details could not be checked.")


def check_matches(manuscript: Manuscript, matches: Sequence[Match],
                  config: Config | None = None) -> list[ReferenceResult]:
    """Apply every enabled rule and return one result per reference, in input order."""
    config = config or Config()
    context = CheckContext(manuscript, options=config.options)
    rules = enabled_rules(config)
    per_reference: list[list[Finding]] = [[] for _ in matches]
    for rule in rules:
        _contained(rule, matches, context, per_reference)
    defaults = {rule.ID: rule.SEVERITY for rule in rules}
    results = []
    for position, match in enumerate(matches):
        findings = corroborate(per_reference[position], match)
        for finding in findings:
            if (finding.rule in config.severity and finding.rule in defaults
                    and "internal_error" not in finding.evidence):
                finding.severity = regraded(finding.severity, defaults[finding.rule],
                                            config.severity[finding.rule])
            _hedge_uncertain_match(match, finding)
            _withhold_uncertain_fix(match, finding)
        results.append(ReferenceResult(match.reference, match, "unverified", findings))
    for rule in rules:
        annotate = getattr(rule, "annotate", None)
        if annotate is None:
            continue
        try:  # e.g. off-topic adds each reference's relatedness score
            annotate(results, context)
        except Exception as exc:
            for result in results:
                result.findings.append(internal_error(rule, exc, "the reference list"))
    return results


def assign_verdicts(results: Sequence[ReferenceResult]) -> None:
    """Set each result's status and reason from its match and (unsuppressed) findings."""
    for result in results:
        result.compared, result.not_compared = compared_fields(result.match)
        result.status, result.reason = _verdict(result.match, result.findings, result.compared)


def unverified_cause(results: Sequence[ReferenceResult]) -> str | None:
    """Why nothing could be verified, when every reference is unverified: ``"sources-failed"``
    when a source was asked and failed (network unreachable, outage, errors), else
    ``"sources-not-asked"`` (offline with nothing cached, no source configured, or only
    snapshots that do not hold the references). ``None`` when something was verified, found to
    be a problem or not found, or there are no references."""
    if not results or any(r.status != "unverified" for r in results):
        return None
    failed = any(not f.offline for r in results for f in r.match.failures)
    return "sources-failed" if failed else "sources-not-asked"
