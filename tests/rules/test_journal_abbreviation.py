from factories import matched, record, ref, run_rule

from citelint.rules import journal_abbreviation as rule


def test_sloppy_abbreviation_is_a_warning():
    [finding] = run_rule(rule, matched(ref(journal="Jour multidisc. Health"),
                                       record(journal="Journal of Multidisciplinary Healthcare")))
    assert finding.severity == "warning"


def test_nlm_abbreviation_passes():
    assert run_rule(rule, matched(ref(journal="J Multidiscip Healthc"),
                                  record(journal="Journal of Multidisciplinary Healthcare"))) == []
