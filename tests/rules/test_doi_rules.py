from factories import matched, record, ref, run_rule

from citelint.rules import doi_invalid, doi_mismatch, doi_missing, doi_not_found

TITLE = "Hydrogel encapsulation of mesenchymal stem cells"


def test_malformed_doi_is_invalid_and_valid_one_passes():
    assert len(run_rule(doi_invalid, matched(ref(doi="10.3390cells11071198"), None))) == 1
    assert run_rule(doi_invalid, matched(ref(doi="https://doi.org/10.3390/cells11071198."),
                                         None)) == []


def test_unregistered_doi_is_reported_only_when_known_unregistered():
    reference = ref(doi="10.1000/nope")
    assert len(run_rule(doi_not_found, matched(reference, None, doi_registered=False))) == 1
    assert run_rule(doi_not_found, matched(reference, None, doi_registered=None)) == []


def test_doi_of_other_work_is_a_mismatch_suggesting_the_right_doi():
    other = record(doi="10.1000/other", title="Copper and Alzheimer's disease", year=2018)
    right = record(doi="10.1000/right", title=TITLE, year=2022)
    match = matched(ref(title=TITLE, year=2022, doi="10.1000/other"), right, doi_record=other)
    [finding] = run_rule(doi_mismatch, match)
    assert finding.expected == "10.1000/right" and "different work" in finding.message


def test_doi_of_the_cited_work_is_no_mismatch():
    rec = record(doi="10.1000/right", title=TITLE)
    assert run_rule(doi_mismatch, matched(ref(title=TITLE, doi="10.1000/right"), rec,
                                          doi_record=rec)) == []


def test_missing_doi_is_suggested_as_info():
    [finding] = run_rule(doi_missing, matched(ref(title=TITLE), record(doi="10.1000/x")))
    assert finding.severity == "info" and finding.expected == "10.1000/x"
    assert run_rule(doi_missing, matched(ref(title=TITLE, doi="10.1000/x"),
                                         record(doi="10.1000/x"))) == []


def test_a_short_doi_is_neither_invalid_nor_missing():
    match = matched(ref(title=TITLE, doi="10/fqd6hj"), record(doi="10.1000/x"))
    assert run_rule(doi_invalid, match) == []
    assert run_rule(doi_missing, match) == []


def test_doi_not_found_never_offers_the_cited_doi_as_its_replacement():
    # a record found by search that carries the cited DOI itself: some source knows the DOI
    rec = record(doi="10.48550/arxiv.2602.12271v1", title="MonarchRT")
    match = matched(ref(title="MonarchRT", doi="10.48550/arXiv.2602.12271v1"), rec,
                    doi_registered=False)
    findings = run_rule(doi_not_found, match)
    assert [f.severity for f in findings] == ["info"]
    assert "arXiv registers 10.48550/arxiv.2602.12271 " in findings[0].message
