import pytest
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


# issue 11: the same title, as real records and real styles write it
# (record title of doi:10.1038/srep16696, as Crossref gives it)
SREP = ("Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson’s disease "
        "genetically related mutants")


@pytest.mark.parametrize(("cited", "recorded"), [
    # title case (ACS, Chicago) against a sentence-case record, curly quotes, straight apostrophe
    ("Single-Molecule FRET Studies on Alpha-Synuclein Oligomerization of Parkinson's Disease "
     "Genetically Related Mutants", SREP),
    ("“Single-molecule FRET studies on α-synuclein oligomerization of Parkinson’s disease "
     "genetically related mutants,”", SREP),
    # HTML and MathML tags and entities in the record
    ("Optical properties of Cu2O thin films & their growth",
     "Optical properties of Cu<sub>2</sub>O thin films &amp; their growth"),
    ("Hall effect in Bi2Se3", "Hall effect in <mml:math><mml:mi>Bi</mml:mi><mml:msub>"
     "<mml:mn>2</mml:mn></mml:msub>Se<mml:mn>3</mml:mn></mml:math>"),
    ("In vivo imaging of wounds", "<i>In vivo</i> imaging of wounds"),
    # a subtitle left out, kept apart by the source, or given after a dash
    ("Soil microbes under drought", "Soil microbes under drought: towards field trials"),
    ("Soil microbes under drought — towards field trials", "Soil microbes under drought"),
    # British and American spelling
    ("Modelling tumour haemorrhage in paediatric centres",
     "Modeling tumor hemorrhage in pediatric centers"),
    # Greek letters spelled out, hyphens and dashes
    ("TNF-alpha and IL-1beta in wound-healing", "TNF-α and IL-1β in wound healing"),
    ("Long-term follow-up", "Long–term follow‐up"),
])
def test_the_same_title_written_otherwise_passes(cited, recorded):
    assert run_rule(rule, matched(ref(title=cited), record(title=recorded))) == []


@pytest.mark.parametrize(("cited", "words"), [
    ("Iterative Training Control for Robot Manipulators", ('"training"', '"learning"')),
    ("Iterative Learning Control for Robot Arm Manipulators", ('adds "arm"',)),
    ("Iterative Control for Robot Manipulators", ('leaves out "learning"',)),
])
def test_a_content_word_replaced_added_or_dropped_is_named(cited, words):
    rec = record(title="Iterative Learning Control for Robot Manipulators")
    [finding] = run_rule(rule, matched(ref(title=cited), rec))
    assert finding.severity == "error"
    assert all(w in finding.message for w in words), finding.message


def test_cu2o_and_cuo_are_different_titles():
    rec = record(title="Optical Properties of Cu<sub>2</sub>O Thin Films")
    [finding] = run_rule(rule, matched(ref(title="Optical Properties of CuO Thin Films"), rec))
    assert finding.evidence["added"] == ["cuo"] and finding.evidence["missing"] == ["cu2o"]
