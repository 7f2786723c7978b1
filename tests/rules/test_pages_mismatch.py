import pytest
from factories import matched, record, ref, run_rule

from citelint.rules import pages_mismatch as rule


def test_wrong_last_page_is_reported():
    rec = record(first_page="2419", last_page="2429")
    [finding] = run_rule(rule, matched(ref(first_page="2419", last_page="2439"), rec))
    assert finding.cited == "2419-2439" and finding.expected == "2419-2429"


def test_matching_pages_pass():
    rec = record(first_page="S233", last_page="S245")
    assert run_rule(rule, matched(ref(first_page="s233", last_page="S245"), rec)) == []


def test_missing_pages_are_not_reported():
    assert run_rule(rule, matched(ref(), record(first_page="1", last_page="9"))) == []


def test_wrong_article_number_is_reported():
    [finding] = run_rule(rule, matched(ref(article_number="1199"), record(article_number="1198")))
    assert finding.expected == "1198"


def test_record_without_pages_says_nothing():
    assert run_rule(rule, matched(ref(first_page="5", last_page="9"), record())) == []


def test_range_cited_for_a_single_page_record_says_what_the_record_gives():
    rec = record(source="openalex", first_page="1198", last_page="1198")
    [finding] = run_rule(rule, matched(ref(first_page="1198", last_page="1221"), rec))
    assert finding.expected == "1198" and "single page, or an article number" in finding.message


# issue 11: the same pages, as records and styles write them
@pytest.mark.parametrize(("cited", "recorded"), [
    (dict(first_page="III–318"), dict(first_page="III", last_page="318")),
    (dict(first_page="III-318"), dict(first_page="III-318")),
    (dict(first_page="1234", last_page="1245"), dict(first_page="1234", last_page="1245")),
    (dict(article_number="e12345"), dict(article_number="12345")),
    (dict(article_number="16696"), dict(article_number="16696")),  # doi:10.1038/srep16696
    (dict(article_number="01567"), dict(article_number="e01567")),  # doi:10.7554/eLife.01567
    # a record with both a page range and an article number accepts either
    (dict(first_page="101", last_page="110"),
     dict(first_page="101", last_page="110", article_number="e1001")),
    (dict(article_number="e1001"),
     dict(first_page="101", last_page="110", article_number="e1001")),
])
def test_the_same_pages_written_otherwise_pass(cited, recorded):
    assert run_rule(rule, matched(ref(**cited), record(**recorded))) == []


def test_abbreviated_range_is_expanded_before_comparing():
    from citelint.normalize import split_pages

    first, last = split_pages("1234–45")
    assert run_rule(rule, matched(ref(first_page=first, last_page=last),
                                  record(first_page="1234", last_page="1245"))) == []


def test_other_pages_still_fail():
    [finding] = run_rule(rule, matched(ref(first_page="1234", last_page="1250"),
                                       record(first_page="1234", last_page="1245")))
    assert finding.severity == "error" and finding.expected == "1234-1245"
