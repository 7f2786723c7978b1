import pytest
from factories import authors, cited, matched, record, ref, run_rule

from citelint.models import Author
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


# issue 11: names that are the same person, as records and styles write them
@pytest.mark.parametrize(("cited_names", "recorded"), [
    (["Gil M", "Smith J"], [Author(family="GIL", given="M."), Author(family="SMITH", given="J.")]),
    (["GIL M.", "SMITH J."],
     [Author(family="Gil", given="Maria"), Author(family="Smith", given="J")]),
    (["Orsted H"], [Author(family="Ørsted", given="Hans")]),
    (["Mueller K"], [Author(family="Müller", given="Karl")]),
    (["van der Berg A"], [Author(family="Berg", given="Anna", particle="van der")]),
    (["van der Berg A"], [Author(family="van der Berg", given="Anna")]),
    (["Garcia Lopez MA"], [Author(family="García-López", given="María A.")]),
    (["Xiaoli W"], [Author(family="Wang", given="Xiaoli")]),
    (["Tosatto L", "Horrocks MH", "Dalla Serra M"],  # doi:10.1038/srep16696, as Crossref names
     [Author(family="Tosatto", given="Laura"), Author(family="Horrocks", given="Mathew H."),
      Author(family="Dalla Serra", given="Mauro")]),
])
def test_the_same_names_written_otherwise_pass(cited_names, recorded):
    rec = record(authors=recorded)
    assert run_rule(rule, matched(ref(authors=cited(*cited_names)), rec)) == []


def test_bibtex_hu_ming_is_the_family_name_hu():
    # issue 11: BibTeX "HU, Ming" was flattened and re-read as the family name "M"
    from citelint.readers import read_text

    bib = "@article{a, author = {HU, Ming and Li, Wei}, title = {T}, journal = {J}, year = 2020}"
    reference = read_text(bib, "bibtex", "refs.bib").references[0]
    rec = record(authors=[Author(family="Hu", given="Ming"), Author(family="Li", given="Wei")])
    assert run_rule(rule, matched(reference, rec)) == []


@pytest.mark.parametrize(("written", "family"), [
    ("Heelman A", "Heilman"), ("de Bter J", "de Boer"), ("Smtih J", "Smith")])
def test_a_surname_one_letter_off_is_a_misspelled_author(written, family):
    rec = record(authors=[Author(family=family, given="A"), Author(family="Keller", given="P")])
    findings = run_rule(rule, matched(ref(authors=cited(written, "Keller P")), rec))
    [finding] = [f for f in findings if f.evidence.get("kind") == "misspelled"]
    assert finding.severity == "error" and finding.cited == written
    assert family in finding.expected and "one letter apart" in finding.message


def test_a_real_title_with_another_works_authors_is_an_error():
    rec = record(title="Iterative learning control", authors=authors("Arimoto S", "Kawamura S"))
    findings = run_rule(rule, matched(ref(title="Iterative learning control",
                                          authors=cited("Keller P", "Brandt S")), rec))
    assert findings and all(f.severity == "error" for f in findings)
    assert '"Keller P"' in findings[0].message


def test_the_comparison_scoring_carried_is_used_only_for_the_lists_it_compared():
    from citelint.names import compare_authors

    cited_ref = ref(authors=cited("Keller P", "Ortiz L"))
    rec = record(authors=authors("Keller P", "Ortiz L", "Brandt S"))
    other = record(authors=authors("Keller P", "Ortiz L"))
    # carried from another record's list (e.g. the match's record was replaced): recomputed
    stale = compare_authors(cited_ref.authors, False, other.authors)
    [finding] = run_rule(rule, matched(cited_ref, rec, author_comparison=stale))
    assert "Brandt S" in finding.message
    # carried for these very lists: used as it is
    carried = compare_authors(cited_ref.authors, False, rec.authors)
    carried.missing = ["Someone Else"]
    [finding] = run_rule(rule, matched(cited_ref, rec, author_comparison=carried))
    assert "Someone Else" in finding.message
