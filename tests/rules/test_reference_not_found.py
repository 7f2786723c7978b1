from factories import matched, ref, run_rule

from citelint.models import LookupFailure, VenueHoldings
from citelint.rules import reference_not_found as rule


def test_every_source_answered_without_a_match_is_a_warning():
    [finding] = run_rule(rule, matched(ref(title="A made-up study"), None))
    assert finding.severity == "warning" and "crossref" in finding.message


def test_a_failed_source_means_no_accusation():
    match = matched(ref(title="A study"), None, failures=[LookupFailure("crossref", "HTTP 503")])
    assert run_rule(rule, match) == []


def test_snapshot_absence_means_no_accusation():
    assert run_rule(rule, matched(ref(title="A study"), None, authoritative=False)) == []


def test_books_stay_warnings_that_say_so():
    [finding] = run_rule(rule, matched(ref(title="A handbook", type="book"), None))
    assert finding.severity == "warning" and "grey literature" in finding.message
    assert finding.evidence["case"] == "grey"


# issue 11 item 5: a fabricated article in an indexed journal is an error, with the evidence
def _article(**fields):
    return ref(title="Soil microbes under drought", journal="Ecol Lett", year=2020,
               volume="23", **fields)


def test_an_article_missing_from_an_indexed_journal_is_an_error_naming_the_evidence():
    venue = [VenueHoldings("crossref", "Ecol Lett", 2020, 12, volume="23",
                           sample=["10.1111/ele.13400"])]
    [finding] = run_rule(rule, matched(_article(), None, venue=venue))
    assert finding.severity == "error" and finding.evidence["case"] == "indexed-journal"
    assert "Ecol Lett volume 23 (2020) is indexed" in finding.message
    assert "crossref holds 12 other works" in finding.message
    assert "no work with this title or these pages" in finding.message


def test_a_journal_the_sources_hold_nothing_of_stays_a_warning_saying_so():
    venue = [VenueHoldings("crossref", "Ecol Lett", 2020, 0)]
    [finding] = run_rule(rule, matched(_article(), None, venue=venue))
    assert finding.severity == "warning" and "may not be indexed" in finding.message


def test_without_venue_evidence_it_stays_a_warning_saying_so():
    [finding] = run_rule(rule, matched(_article(), None))
    assert finding.severity == "warning" and "could not be checked" in finding.message


def test_with_a_cited_doi_it_is_an_error():
    match = matched(ref(title="A study", doi="10.1000/nope"), None, doi_registered=False)
    assert run_rule(rule, match)[0].severity == "error"
