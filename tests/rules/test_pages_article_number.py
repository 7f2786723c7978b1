from factories import matched, record, ref, run_rule

from citelint.rules import pages_article_number as rule


def test_range_cited_for_article_number_is_reported_with_evidence():
    rec = record(doi="10.3390/cells11071198", journal="Cells", volume="11", issue="7",
                 article_number="1198")
    [finding] = run_rule(rule, matched(ref(first_page="1198", last_page="1221"), rec))
    assert finding.rule == "pages-article-number" and finding.severity == "error"
    assert finding.cited == "1198-1221" and finding.expected == "1198"
    assert "Cells 11(7)" in finding.message and finding.evidence["source"] == "crossref"


def test_article_number_cited_alone_passes():
    rec = record(article_number="1198")
    assert run_rule(rule, matched(ref(first_page="1198"), rec)) == []


def test_e_locator_as_only_page_counts_as_article_number():
    rec = record(first_page="e33693")
    assert len(run_rule(rule, matched(ref(first_page="e33693", last_page="e33700"), rec))) == 1


def test_record_with_page_range_is_left_to_pages_mismatch():
    rec = record(first_page="1198", last_page="1221")
    assert run_rule(rule, matched(ref(first_page="1198", last_page="1221"), rec)) == []


def test_a_record_with_a_page_range_and_an_article_number_accepts_the_range():
    # issue 11: such a record was told the range is "an article number, not a page range"
    rec = record(first_page="101", last_page="110", article_number="e1001")
    assert run_rule(rule, matched(ref(first_page="101", last_page="110"), rec)) == []
