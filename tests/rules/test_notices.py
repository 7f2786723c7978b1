from factories import matched, record, ref, run_rule

from citelint.models import Update
from citelint.rules import correction, expression_of_concern, retracted


def test_retraction_watch_notice_makes_a_retracted_error():
    rec = record(updates=[Update("retraction", "10.1000/notice", "retraction-watch")])
    [finding] = run_rule(retracted, matched(ref(), rec))
    assert finding.severity == "error" and "retraction-watch" in finding.message


def test_openalex_second_opinion_counts():
    crossref = record(doi="10.1000/x")
    openalex = record(source="openalex", doi="10.1000/x", is_retracted=True,
                      updates=[Update("retraction", source="openalex")])
    findings = run_rule(retracted, matched(ref(), crossref, others=[openalex]))
    assert findings and findings[0].evidence["sources"] == ["crossref", "openalex"]


def test_corrections_and_concerns_have_their_own_rules():
    rec = record(updates=[Update("correction", "10.1000/c"),
                          Update("expression_of_concern", "10.1000/e")])
    match = matched(ref(), rec)
    assert run_rule(retracted, match) == []
    assert len(run_rule(correction, match)) == 1
    assert len(run_rule(expression_of_concern, match)) == 1


def test_no_record_no_claim():
    assert run_rule(retracted, matched(ref(), None)) == []
