import pytest
from factories import authors
from hypothesis import given, settings
from hypothesis import strategies as st

from citelint.models import Author
from citelint.names import cited_author, compare_authors, person_key, split_cited_name


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


def _all_pairs_alignment(cited_names: list[Author], record: list[Author]) -> dict[int, int]:
    """compare_authors' pairing done the slow, obvious way: every cited name against every
    unpaired record author (how it was computed before the record's names were indexed)."""
    from citelint.names import name_agreement

    names = [split_cited_name(n) for n in cited_names]
    pairs: dict[int, int] = {}
    start = 0
    for i, name in enumerate(names):
        agreements = {j: name_agreement(name, record[j]) for j in range(len(record))
                      if j not in pairs.values()}
        found = next((j for kind in ("same", None) for j in range(start, len(record))
                      if agreements.get(j) is not None
                      and (kind is None or agreements[j] == kind)), None)
        if found is None:
            found = next((j for j, kind in agreements.items() if kind is not None), None)
        if found is not None:
            pairs[i] = found
            start = found + 1
    return pairs


_SURNAMES = ["Guo", "Vogt", "Voigt", "Garcia Lopez", "Lopez", "Muller", "Müller", "Mueller",
             "de Boer", "Boer", "Heilman", "Heelman", "Wang", "Xiaoli", "Veysey Powell",
             "Veyoey Powell", "Smith", "Smyth", "Li", "Lee"]


@given(st.lists(st.sampled_from(_SURNAMES), max_size=8),
       st.lists(st.sampled_from(_SURNAMES), max_size=8), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_indexed_alignment_pairs_names_as_comparing_all_pairs_does(
        cited_families: list[str], record_families: list[str], swap: bool) -> None:
    record = [Author(family=f, given="Xiaoli" if swap and k % 2 else "A")
              for k, f in enumerate(record_families)]
    cited_names = cited([f"{f} A" for f in cited_families])
    assert compare_authors(cited_names, False, record).pairs == _all_pairs_alignment(
        cited_names, record)


def test_a_suffix_in_the_records_family_name_is_not_a_misspelling():
    # doi:10.1155/s1463924602000147: Crossref gives family "Raimundo, Jr.", given "Ivo M."
    record = [Author(family="Rohwedder", given="Jarbas J. R."),
              Author(family="Raimundo, Jr.", given="Ivo M.")]
    for cited in (["Rohwedder JJR", "Raimundo IM"], ["Rohwedder JJR", "Raimundo Jr IM"]):
        comparison = compare_authors([cited_author(n) for n in cited], False, record)
        assert not comparison.misspelled and not comparison.extra and not comparison.missing


def test_a_cited_suffix_read_as_a_name_of_its_own_is_not_an_extra_author():
    record = [Author(family="Raimundo, Jr.", given="Ivo M.")]
    comparison = compare_authors([cited_author("Raimundo I"), cited_author("Jr.")], False,
                                 record)
    assert not comparison.extra and not comparison.misspelled


@pytest.mark.parametrize("author, key", [
    (Author(family="Baldwin", given="IT"), ("baldwin", "i")),  # Vancouver, as JATS gives it
    (cited_author("Baldwin, I. T."), ("baldwin", "i")),  # APA
    (Author(name="Ian T. Baldwin"), ("baldwin", "i")),  # OpenAlex's display_name
    (Author(family="Berg", given="Anna", particle="van der"), ("berg", "a")),
    (cited_author("van der Berg A"), ("berg", "a")),
    (Author(family="García-López", given="M. A."), ("garcialopez", "m")),
    (Author(family="Bonke"), ("bonke", "")),  # no initials: agrees with any
    (Author(name="World Health Organization"), None),  # organisations tie nobody
    (Author(name="R Core Team"), None),
    (Author(name="Anonymous"), None),
    (Author(given="Suharto"), None),
])
def test_person_key_folds_the_forms_of_one_name(author, key):
    assert person_key(author) == key
