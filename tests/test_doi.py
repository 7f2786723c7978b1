import pytest

from citelint.doi import clean_doi, find_doi, is_short_doi, is_valid_doi


@pytest.mark.parametrize("written, doi", [
    ("https://doi.org/10.3390/cells11071198", "10.3390/cells11071198"),
    ("doi:10.3390/Cells11071198.", "10.3390/cells11071198"),
    ("DOI: 10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
    ("http://dx.doi.org/10.1000%2Fxyz", "10.1000/xyz"),
    ("10.1000/xyz123);", "10.1000/xyz123"),
])
def test_clean_doi_strips_prefixes_escapes_and_trailing_punctuation(written, doi):
    assert clean_doi(written) == doi and is_valid_doi(doi)


@pytest.mark.parametrize("doi", ["10.3390cells11071198", "11.1000/x", "10.12/x", "doi", ""])
def test_malformed_dois_are_invalid(doi):
    assert not is_valid_doi(clean_doi(doi))


def test_find_doi_in_a_citation():
    assert find_doi("Cells 2022; 11:1198. doi: 10.3390/cells11071198.")[0] == \
        "10.3390/cells11071198"
    assert find_doi("Cells 2022; 11:1198.") == (None, None)


@pytest.mark.parametrize("written", ["10/fqd6hj", "https://doi.org/10/FQD6HJ", "doi:10/fqd6hj"])
def test_short_dois_are_recognised_and_are_no_full_doi(written):
    doi = clean_doi(written)
    assert doi == "10/fqd6hj" and is_short_doi(doi) and not is_valid_doi(doi)


@pytest.mark.parametrize("doi", ["10/", "10.1000/x", "10/fq d6", "11/abc"])
def test_other_strings_are_no_short_doi(doi):
    assert not is_short_doi(clean_doi(doi))


def test_find_doi_finds_a_short_doi_link_or_label():
    assert find_doi("Nature 2010. https://doi.org/10/fqd6hj.")[0] == "10/fqd6hj"
    assert find_doi("Nature 2010. doi: 10/fqd6hj")[0] == "10/fqd6hj"


def test_arxiv_ids_old_and_new_style_and_their_registered_dois():
    # issue 11 item 6
    from citelint.doi import arxiv_doi, find_arxiv, registered_arxiv_doi

    assert find_arxiv("Vaswani A, et al. Attention is all you need. arXiv:1706.03762v5. "
                      "2017.") == "1706.03762"
    assert find_arxiv("Witten E. Anti de Sitter space. arXiv:hep-th/9802150") == "hep-th/9802150"
    assert find_arxiv("See https://arxiv.org/abs/2101.12345v2.") == "2101.12345"
    assert find_arxiv("Journal 2020;12:1706-1707.") is None
    assert arxiv_doi("hep-th/9802150v3") == "10.48550/arxiv.hep-th/9802150"
    assert registered_arxiv_doi("10.48550/arxiv.1706.03762v5") == "10.48550/arxiv.1706.03762"
    assert registered_arxiv_doi("10.48550/arxiv.1706.03762") is None
    assert registered_arxiv_doi("10.1000/v2") is None
