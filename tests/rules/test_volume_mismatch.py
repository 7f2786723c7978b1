from factories import matched, record, ref, run_rule

from citelint.rules import volume_mismatch as rule


def test_missing_volume_is_a_warning_with_the_record_value():
    [finding] = run_rule(rule, matched(ref(), record(volume="16", journal="J X")))
    assert finding.severity == "warning" and finding.expected == "16"


def test_wrong_volume_is_an_error():
    [finding] = run_rule(rule, matched(ref(volume="24"), record(volume="25")))
    assert finding.severity == "error"


def test_equal_volumes_pass():
    assert run_rule(rule, matched(ref(volume="011"), record(volume="11"))) == []
