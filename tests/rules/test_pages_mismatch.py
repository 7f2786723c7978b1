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
