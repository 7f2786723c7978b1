from factories import matched, record, ref

from citelint.config import Config
from citelint.engine import assign_verdicts, check_matches
from citelint.models import LookupFailure, Manuscript

TITLE = "Hydrogel encapsulation of mesenchymal stem cells"


def _results(matches, config=None):
    manuscript = Manuscript(path="m.txt", format="text", references=[m.reference for m in matches])
    results = check_matches(manuscript, matches, config)
    assign_verdicts(results)
    return results


def test_statuses_follow_matches_and_findings():
    good = matched(ref(1, title=TITLE, year=2022), record(title=TITLE, year=2022))
    other = "Exosomes in wound repair"
    wrong = matched(ref(2, title=other, year=2019), record(title=other, year=2012))
    absent = matched(ref(3, title="A made-up study"), None)
    failed = matched(ref(4, title="A study of cells"), None,
                     failures=[LookupFailure("crossref", "Crossref answered HTTP 503")])
    snapshot = matched(ref(5, title="Another study of mice"), None, authoritative=False,
                       searched=["snapshot"])
    results = _results([good, wrong, absent, failed, snapshot])
    assert [r.status for r in results] == ["verified", "problem", "not-found", "unverified",
                                           "unverified"]
    assert "HTTP 503" in results[3].reason and "snapshot" in results[4].reason


def test_disabled_rule_does_not_run_and_severity_can_be_changed():
    wrong = matched(ref(1, title=TITLE, year=2019, volume="3"),
                    record(title=TITLE, year=2012, volume="4"))
    config = Config(disable=["year-mismatch"], severity={"volume-mismatch": "warning"})
    [result] = _results([wrong], config)
    assert [(f.rule, f.severity) for f in result.findings] == [("volume-mismatch", "warning")]


def test_info_only_findings_keep_a_reference_verified():
    match = matched(ref(1, title=TITLE), record(title=TITLE, doi="10.1000/x"))
    [result] = _results([match])
    assert result.status == "verified" and result.findings[0].rule == "doi-missing"


def test_offline_skip_is_explained_as_such_not_as_a_failure():
    match = matched(ref(1, title=TITLE), None, searched=["snapshot"], authoritative=False,
                    failures=[LookupFailure("crossref", "offline: not in cache", offline=True)])
    [result] = _results([match])
    assert result.status == "unverified"
    assert "offline" in result.reason and "not in snapshot" in result.reason
    assert "failed" not in result.reason
