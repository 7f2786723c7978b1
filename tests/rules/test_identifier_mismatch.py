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
