import pytest

from citelint.journals import compare_journals, is_article_type


@pytest.mark.parametrize("cited, full", [
    ("J Multidiscip Healthc", "Journal of Multidisciplinary Healthcare"),
    ("Front Aging Neurosci", "Frontiers in Aging Neuroscience"),
    ("Proc Natl Acad Sci U S A",
     "Proceedings of the National Academy of Sciences of the United States of America"),
    ("Polymers (Basel)", "Polymers"),
    ("Stem Cell Res Ther", "Stem Cell Research & Therapy"),
    ("Int. J. Mol. Sci.", "International Journal of Molecular Sciences"),
    ("Frontiers in Immunology", "Frontiers in Immunology"),
])
def test_standard_forms_are_the_same_journal(cited, full):
    assert compare_journals(cited, full).relation == "same"


@pytest.mark.parametrize("cited, full", [
    ("Med Sci Monit Basic Res", "Clinical Nutrition Experimental"),
    ("Circulation", "Circulation Research"),
    ("Nature", "Nature Communications"),
    ("Randomized Controlled Trial", "Indian Journal of Dermatology, Venereology and Leprology"),
])
def test_other_journals_are_different(cited, full):
    assert compare_journals(cited, full).relation == "different"


def test_short_title_from_record_counts_as_standard():
    assert compare_journals("PLoS ONE", "Public Library of Science ONE", ["PLoS ONE"]).relation \
        == "same"


def test_lower_case_abbreviation_is_a_variant():
    result = compare_journals("Jour multidisc. Health", "Journal of Multidisciplinary Healthcare")
    assert result.relation == "variant" and result.reason


def test_article_types_are_recognised():
    assert is_article_type("Randomized Controlled Trial")
    assert not is_article_type("Trials")


def test_an_issn_of_the_record_names_the_same_journal():
    assert compare_journals("2073-4409", "Cells", issn=["2073-4409"]).relation == "same"
    assert compare_journals("1234-5678", "Cells", issn=["2073-4409"]).relation == "different"
