from factories import matched, ref, run_rule

from citelint.models import LookupFailure
from citelint.rules import reference_not_found as rule


def test_every_source_answered_without_a_match_is_a_warning():
    [finding] = run_rule(rule, matched(ref(title="A made-up study"), None))
    assert finding.severity == "warning" and "crossref" in finding.message


def test_a_failed_source_means_no_accusation():
    match = matched(ref(title="A study"), None, failures=[LookupFailure("crossref", "HTTP 503")])
    assert run_rule(rule, match) == []


def test_snapshot_absence_means_no_accusation():
    assert run_rule(rule, matched(ref(title="A study"), None, authoritative=False)) == []


def test_books_are_only_info():
    [finding] = run_rule(rule, matched(ref(title="A handbook", type="book"), None))
    assert finding.severity == "info"


def test_with_a_cited_doi_it_is_an_error():
    match = matched(ref(title="A study", doi="10.1000/nope"), None, doi_registered=False)
    assert run_rule(rule, match)[0].severity == "error"
