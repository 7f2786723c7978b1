from factories import matched, record, ref, run_rule

from citelint.rules import issue_mismatch as rule


def test_wrong_issue_is_reported():
    [finding] = run_rule(rule, matched(ref(issue="3"), record(issue="13")))
    assert finding.cited == "3" and finding.expected == "13"


def test_missing_issue_is_accepted():
    assert run_rule(rule, matched(ref(), record(issue="13"))) == []
