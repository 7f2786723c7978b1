"""identifier-mismatch: cited PMIDs and PMCIDs against the record's ids (issue 11 item 6)."""

from factories import matched, record, ref, run_rule

from citelint.records import record_from_openalex
from citelint.rules import identifier_mismatch as rule


def test_a_pmid_other_than_the_records_is_an_error():
    rec = record(source="openalex", pmid="35406762", pmcid="PMC8997787")
    [finding] = run_rule(rule, matched(ref(pmid="35406761"), rec))
    assert finding.severity == "error" and finding.expected == "35406762"
    assert "PMID 35406761" in finding.message and "openalex" in finding.message


def test_the_same_ids_pass_and_a_record_without_ids_says_nothing():
    rec = record(source="openalex", pmid="35406762", pmcid="PMC8997787")
    assert run_rule(rule, matched(ref(pmid="35406762", pmcid="pmc8997787"), rec)) == []
    assert run_rule(rule, matched(ref(pmid="1"), record(source="crossref"))) == []


def test_the_openalex_record_held_beside_a_crossref_match_is_consulted():
    crossref = record(source="crossref", doi="10.1/x")
    openalex = record(source="openalex", doi="10.1/x", pmcid="PMC8997787")
    [finding] = run_rule(rule, matched(ref(pmcid="PMC8997788"), crossref, others=[openalex]))
    assert finding.field == "pmcid" and finding.expected == "PMC8997787"


def test_openalex_ids_are_read_into_the_record():
    work = {"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1/x", "title": "T",
            "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/35406762",
                    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/8997787"}}
    rec = record_from_openalex(work)
    assert (rec.pmid, rec.pmcid) == ("35406762", "PMC8997787")


# issue 11 item 6: ISBNs for books. The record is a real Crossref answer (fixtures/api-examples,
# an Oxford Bibliographies entry whose ISBN is the book's, 9780199830060)
def _oxford_record():
    import json
    from pathlib import Path

    from citelint.records import record_from_crossref

    path = (Path(__file__).parents[2] / "fixtures/api-examples/crossref"
            / "works_query_ecology_rows2.json")
    return record_from_crossref(json.loads(path.read_text("utf-8"))["message"]["items"][0])


def test_the_records_isbn_written_as_isbn_10_or_13_passes():
    rec = _oxford_record()
    assert rec.isbn == ["9780199830060"]
    assert run_rule(rule, matched(ref(isbn="9780199830060"), rec)) == []
    assert run_rule(rule, matched(ref(isbn="0199830061"), rec)) == []  # the same, as ISBN-10


def test_an_isbn_with_a_wrong_check_digit_is_an_error_even_without_a_record():
    [finding] = run_rule(rule, matched(ref(isbn="9780199830061"), None))
    assert finding.severity == "error" and finding.field == "isbn"
    assert "check digit (1)" in finding.message
    [short] = run_rule(rule, matched(ref(isbn="978019983006"), _oxford_record()))
    assert "10 or 13 digits" in short.message and "has 12" in short.message


def test_a_valid_isbn_the_record_does_not_list_is_only_a_warning():
    [finding] = run_rule(rule, matched(ref(isbn="9780306406157"), _oxford_record()))
    assert finding.severity == "warning" and finding.expected == "9780199830060"
    assert "9780306406157" in finding.message and "edition" in finding.message


def test_a_record_without_isbns_says_nothing_of_a_valid_isbn():
    assert run_rule(rule, matched(ref(isbn="9780306406157"), record(source="crossref"))) == []
