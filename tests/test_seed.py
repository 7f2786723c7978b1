"""The seed manuscript end to end, offline: every confirmed problem on the right reference.

Expected findings are data (fixtures/seed/expected.json, generated from the seed's truth file);
the test checks the report against them and against the truth's verified fields.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citelint import check
from citelint.engine import match_stands
from citelint.report.json import validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
TRUTH = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "truth.jsonl"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    from citelint.config import Config

    config = Config(snapshots=[FIXTURES / "snapshot.jsonl"], offline=True, cache_dir=cache)
    return check(FIXTURES / "manuscript.txt", config=config)


@pytest.fixture(scope="module")
def expected():
    return json.loads((FIXTURES / "expected.json").read_text("utf-8"))


def _rules_at(report, index):
    result = report.results[index - 1]
    assert result.reference.index == index
    return {f.rule: f for f in result.findings}


def test_report_lists_all_70_references_and_validates(report):
    document = report.to_dict()
    validate(document)
    assert [r["index"] for r in document["references"]] == list(range(1, 71))


def test_every_confirmed_problem_is_found_with_evidence(report, expected):
    for item in expected["findings"]:
        indexes = item.get("pair") or [item["index"]]
        found = [_rules_at(report, i).get(item["rule"]) for i in indexes]
        assert any(found), f"{item['rule']} not reported on {indexes}: {item['why']}"
        for finding in filter(None, found):
            assert finding.message and (finding.evidence or finding.cited is not None)


def test_online_versus_issue_year_is_never_an_error(report, expected):
    for item in expected["advisory"]:
        finding = _rules_at(report, item["index"]).get(item["rule"])
        assert finding is None or finding.severity != "error"


def test_references_without_records_are_unverified_not_missing(report, expected):
    for index in expected["no_record"]:
        result = report.results[index - 1]
        assert result.status == "unverified", index
        assert "reference-not-found" not in _rules_at(report, index)


def test_no_error_contradicts_a_verified_field_of_the_truth(report):
    fields = {"year-mismatch": "year", "volume-mismatch": "volume", "issue-mismatch": "issue",
              "journal-mismatch": "journal", "title-mismatch": "title"}
    for line in TRUTH.read_text("utf-8").splitlines():
        truth = json.loads(line)
        disputed = {d["field"] for d in truth["discrepancies"]}
        for rule, finding in _rules_at(report, truth["n"]).items():
            name = fields.get(rule)
            if finding.severity == "error" and name and truth.get(name) is not None:
                assert name in disputed, (truth["n"], rule, finding.message)


def test_verified_references_exist_and_confirmed_ones_are_problems(report, expected):
    statuses = {r.reference.index: r.status for r in report.results}
    for item in expected["findings"]:
        if item["rule"] != "duplicate-reference":
            assert statuses[item["index"]] == "problem"
    # the snapshot's records, written from the truth, say nothing of retractions: the matches
    # that stand without a problem are unverified for that alone, never cleared
    standing = [r for r in report.results if r.status != "problem" and match_stands(r)]
    assert len(standing) >= 20
    assert {r.status for r in standing} == {"unverified"}
    assert all("whether it has been retracted is unchecked" in r.reason for r in standing)
