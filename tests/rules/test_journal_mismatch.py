from factories import matched, record, ref, run_rule

from citelint.rules import journal_mismatch as rule


def test_wrong_journal_is_reported():
    [finding] = run_rule(rule, matched(ref(journal="Med Sci Monit Basic Res"),
                                       record(journal="Clinical Nutrition Experimental")))
    assert finding.expected == "Clinical Nutrition Experimental"


def test_article_type_in_journal_slot_is_named_as_such():
    [finding] = run_rule(rule, matched(ref(journal="Randomized Controlled Trial"),
                                       record(journal="Indian Journal of Dermatology")))
    assert "publication type" in finding.message


def test_abbreviation_passes():
    assert run_rule(rule, matched(ref(journal="Front Immunol"),
                                  record(journal="Frontiers in Immunology"))) == []
