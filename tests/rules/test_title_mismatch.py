from factories import matched, record, ref, run_rule

from citelint.rules import title_mismatch as rule

RECORD_TITLE = "Conditioned Medium from Human Mesenchymal Stromal Cells: Towards the Clinical " \
               "Translation"


def test_small_wording_slip_passes():
    cited = "Conditioned medium from human mesenchymal stromal cells: towards clinical translation"
    assert run_rule(rule, matched(ref(title=cited), record(title=RECORD_TITLE))) == []


def test_material_difference_is_reported_with_record_title():
    cited = "Secretome of stromal cells in clinical practice"
    [finding] = run_rule(rule, matched(ref(title=cited), record(title=RECORD_TITLE)))
    assert finding.expected == RECORD_TITLE and finding.evidence["similarity"] < 0.9


def test_threshold_is_configurable():
    cited = "Conditioned medium from human mesenchymal stromal cells: towards clinical translation"
    findings = run_rule(rule, matched(ref(title=cited), record(title=RECORD_TITLE)),
                        **{"title-mismatch": {"threshold": 0.999}})
    assert len(findings) == 1
