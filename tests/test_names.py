from factories import authors

from citelint.models import Author
from citelint.names import cited_author, compare_authors, split_cited_name


def cited(names: list[str]) -> list[Author]:
    return [cited_author(n) for n in names]


def test_split_vancouver_name_with_compound_surname():
    name = split_cited_name(cited_author("Carrade Holt DD"))
    assert name.family == ["carrade", "holt"] and name.initials == "DD"


def test_split_apa_name():
    name = split_cited_name(cited_author("Guo, Xiaoli"))
    assert name.family == ["guo"] and name.initials == "X"


def test_glued_fragment_is_garbled():
    assert split_cited_name(cited_author("Hendrawan SJJomh")).garbled == "SJJomh"
    assert split_cited_name(cited_author("Li Y-J")).garbled is None


def test_identical_lists_match_fully():
    comparison = compare_authors(cited(["Guo X", "Vogt A"]), False, authors("Guo X", "Vogt A"))
    assert comparison.fraction == 1.0 and not comparison.extra and not comparison.missing
    assert comparison.first_author_matches


def test_extra_cited_author_is_reported():
    comparison = compare_authors(cited(["Darbouy M", "Medicine C"]), False, authors("Darbouy M"))
    assert comparison.extra == ["Medicine C"]


def test_author_left_out_without_et_al_is_missing():
    comparison = compare_authors(cited(["Jha KK", "Raj A", "Bishnoi H"]), False,
                                 authors("Jha KK", "Raj A", "Shreyasi", "Bishnoi H"))
    assert comparison.missing == ["Shreyasi"]


def test_et_al_covers_authors_after_the_last_cited():
    comparison = compare_authors(cited(["Jha KK", "Raj A"]), True,
                                 authors("Jha KK", "Raj A", "Raj M"))
    assert comparison.missing == [] and not comparison.et_al_superfluous


def test_et_al_after_complete_list_is_superfluous():
    comparison = compare_authors(cited(["Jha KK", "Raj A"]), True, authors("Jha KK", "Raj A"))
    assert comparison.et_al_superfluous


def test_compound_surname_cited_in_part_matches_whole_name():
    record = [Author(name="Esmaeeli Djavid G"), Author(name="Bashardoust Tajali S")]
    comparison = compare_authors(cited(["Djavid GE", "Tajali SB"]), False, record)
    assert comparison.fraction == 1.0 and not comparison.missing


def test_diacritics_do_not_matter():
    comparison = compare_authors(cited(["Smolinska V"]), False, authors("Smolinská V"))
    assert comparison.fraction == 1.0
