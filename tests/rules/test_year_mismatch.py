from factories import matched, record, ref, run_rule

from citelint.rules import year_mismatch as rule


def test_year_equal_to_online_date_passes():
    rec = record(year=2023, year_print=2023, year_online=2022)
    assert run_rule(rule, matched(ref(year=2022), rec)) == []


def test_one_year_off_with_one_known_date_is_only_a_warning():
    [finding] = run_rule(rule, matched(ref(year=2023), record(year=2022)))
    assert finding.severity == "warning" and "online-first" in finding.message


def test_one_year_off_both_dates_known_is_an_error():
    rec = record(year=2021, year_print=2021, year_online=2021)
    [finding] = run_rule(rule, matched(ref(year=2022), rec))
    assert finding.severity == "error" and finding.evidence["dates"]["print"] == 2021


def test_far_off_year_is_an_error():
    [finding] = run_rule(rule, matched(ref(year=2019), record(year=2015)))
    assert finding.severity == "error" and finding.cited == 2019 and finding.expected == 2015


def test_record_without_year_says_nothing():
    assert run_rule(rule, matched(ref(year=2019), record())) == []
