from factories import matched, ref, run_rule

from citelint.rules import parse_error as rule


def test_unparseable_reference_is_reported_with_its_raw_text():
    [finding] = run_rule(rule, matched(ref(raw="See above.", parse_error="No title found."),
                                       None))
    assert finding.cited == "See above." and "No title found." in finding.message


def test_parsed_reference_passes():
    assert run_rule(rule, matched(ref(title="A title"), None)) == []
