from factories import authors, cited, record, ref

from citelint.matching import rank_candidates, same_number, score_candidate, title_similarity

CITED = dict(title="Effects of adipose-derived stem cells in a wound model",
             authors=cited("Guo X", "Vogt A"), journal="Cells", year=2022, volume="11",
             first_page="1198", last_page="1221")


def test_title_similarity_ignores_case_and_punctuation():
    assert title_similarity("Effects of Adipose-Derived Stem Cells", "effects of adipose derived "
                            "stem cells") == 1.0


def test_citation_without_subtitle_still_matches():
    assert title_similarity("Stem cells", "Stem cells: a review") == 1.0


def test_numbers_compare_without_leading_zeros_or_case():
    assert same_number("09", "9") and same_number("s3", "S3") and not same_number("12", "13")


def test_right_record_is_acceptable():
    rec = record(title="Effects of Adipose-Derived Stem Cells in a Wound Model",
                 authors=authors("Guo X", "Vogt A"), journal="Cells", year=2022, volume="11",
                 article_number="1198")
    score = score_candidate(ref(**CITED), rec)
    assert score.acceptable and score.fields["page"] == 1.0


def test_other_paper_by_same_authors_is_not_acceptable():
    rec = record(title="Copper in neurodegeneration", authors=authors("Guo X", "Vogt A"),
                 journal="Cells", year=2022, volume="11")
    assert not score_candidate(ref(**CITED), rec).acceptable


def test_year_one_off_scores_half():
    rec = record(title=CITED["title"], year=2021)
    assert score_candidate(ref(**CITED), rec).fields["year"] == 0.5


def test_fields_missing_on_the_record_do_not_count():
    score = score_candidate(ref(**CITED), record(title=CITED["title"]))
    assert set(score.fields) == {"title"} and score.total == 1.0


def test_ranking_puts_the_best_first_and_scores_a_doi_once():
    good = record(doi="10.1000/a", title=CITED["title"], year=2022)
    bad = record(doi="10.1000/b", title="Something else entirely", year=2022)
    ranked = rank_candidates(ref(**CITED), [bad, good, good])
    assert [r.doi for r, _ in ranked] == ["10.1000/a", "10.1000/b"]


def test_a_publication_type_in_the_journal_position_neither_helps_nor_hurts():
    cited = ref(**{**CITED, "journal": "Randomized Controlled Trial"})
    score = score_candidate(cited, record(title=CITED["title"], journal="Cells"))
    assert "journal" not in score.fields and score.total == 1.0
    other = ref(**{**CITED, "journal": "Ecol Lett"})
    assert score_candidate(other, record(title=CITED["title"], journal="Cells")).fields[
        "journal"] == 0.0
