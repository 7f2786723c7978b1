from factories import authors, cited, matched, record, ref, run_rule

from citelint.rules import author_mismatch as rule


def test_spurious_author_is_an_error_naming_it():
    rec = record(authors=authors("Ebnerasuly F", "Darbouy M"))
    cited_ref = ref(authors=cited("Ebnerasuly F", "Darbouy M", "Medicine C"))
    [finding] = run_rule(rule, matched(cited_ref, rec))
    assert finding.severity == "error" and '"Medicine C"' in finding.message
    assert finding.expected == "Ebnerasuly F, Darbouy M"


def test_missing_author_without_et_al_is_reported():
    rec = record(authors=authors("Jha KK", "Raj A", "Shreyasi", "Bishnoi H"))
    [finding] = run_rule(rule, matched(ref(authors=cited("Jha KK", "Raj A", "Bishnoi H")), rec))
    assert "Shreyasi" in finding.message


def test_garbled_name_is_reported():
    rec = record(authors=authors("Budi E", "Hendrawan S"))
    [finding] = run_rule(rule, matched(ref(authors=cited("Budi E", "Hendrawan SJJomh")), rec))
    assert finding.cited == "Hendrawan SJJomh"


def test_et_al_after_complete_list_is_a_warning():
    rec = record(authors=authors("Thomas MA", "Fahey MJ"))
    cited_ref = ref(authors=cited("Thomas MA", "Fahey MJ"), et_al=True)
    [finding] = run_rule(rule, matched(cited_ref, rec))
    assert finding.severity == "warning" and "et al." in finding.message


def test_correct_truncated_list_with_et_al_passes():
    rec = record(authors=authors("Adams X", "Brown Y", "Clark Z", "Davis W"))
    assert run_rule(rule, matched(ref(authors=cited("Adams X", "Brown Y"), et_al=True), rec)) == []


def test_record_without_authors_is_never_a_mismatch():
    assert run_rule(rule, matched(ref(authors=cited("Guo X")), record(authors=None))) == []
