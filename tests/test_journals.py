import pytest

from citelint.journals import compare_journals, is_article_type, journal_subjects


@pytest.mark.parametrize("cited, full", [
    ("J Multidiscip Healthc", "Journal of Multidisciplinary Healthcare"),
    ("Front Aging Neurosci", "Frontiers in Aging Neuroscience"),
    ("Proc Natl Acad Sci U S A",
     "Proceedings of the National Academy of Sciences of the United States of America"),
    ("Polymers (Basel)", "Polymers"),
    ("Stem Cell Res Ther", "Stem Cell Research & Therapy"),
    ("Int. J. Mol. Sci.", "International Journal of Molecular Sciences"),
    ("Frontiers in Immunology", "Frontiers in Immunology"),
])
def test_standard_forms_are_the_same_journal(cited, full):
    assert compare_journals(cited, full).relation == "same"


@pytest.mark.parametrize("cited, full", [
    ("Med Sci Monit Basic Res", "Clinical Nutrition Experimental"),
    ("Circulation", "Circulation Research"),
    ("Nature", "Nature Communications"),
    ("Randomized Controlled Trial", "Indian Journal of Dermatology, Venereology and Leprology"),
])
def test_other_journals_are_different(cited, full):
    assert compare_journals(cited, full).relation == "different"


def test_short_title_from_record_counts_as_standard():
    assert compare_journals("PLoS ONE", "Public Library of Science ONE", ["PLoS ONE"]).relation \
        == "same"


def test_lower_case_abbreviation_is_a_variant():
    result = compare_journals("Jour multidisc. Health", "Journal of Multidisciplinary Healthcare")
    assert result.relation == "variant" and result.reason


def test_article_types_are_recognised():
    assert is_article_type("Randomized Controlled Trial")
    assert not is_article_type("Trials")


def test_an_issn_of_the_record_names_the_same_journal():
    assert compare_journals("2073-4409", "Cells", issn=["2073-4409"]).relation == "same"
    assert compare_journals("1234-5678", "Cells", issn=["2073-4409"]).relation == "different"


def _titles_to_abbreviate() -> list[str]:
    """Journal titles of the seed snapshot, titles with diacritics, ligatures, annotations and
    hyphens, and titles made of words spread over the whole LTWA (every 37th line)."""
    import json
    from pathlib import Path

    from pyiso4 import ltwa

    titles = {"Zeitschrift für Naturforschung C", "Œuvres et Critiques", "Ærztliche Praxis",
              "Journal of the American Chemical Society", "Proceedings of the National Academy "
              "of Sciences of the United States of America", "Biochimica et Biophysica Acta",
              "Revista Española de Cardiología", "Acta Crystallographica Section D: "
              "Biological Crystallography", "Nature Reviews. Molecular Cell Biology",
              "Physical Review B", "Cell", "X", "Ötzi & Co: Archaeology-Studies"}
    snapshot = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "snapshot.jsonl"
    for line in snapshot.read_text("utf-8").splitlines():
        work = json.loads(line)
        titles.update(t for t in work.get("container-title") or [] if isinstance(t, str))
    with open(ltwa._here / "LTWA_20210702.csv") as handle:
        words = [line.split("\t")[0].strip("-").split(" (")[0]
                 for line in handle.readlines()[1::37]]
    titles.update(f"Journal of {a} and {b} {c}"
                  for a, b, c in zip(words, words[1:], words[2:], strict=False))
    return sorted(titles)


def test_the_ltwa_built_branch_by_branch_abbreviates_exactly_as_the_whole_tree():
    from pyiso4.ltwa import Abbreviate

    from citelint import journals

    titles = _titles_to_abbreviate()
    assert len(titles) > 1000
    whole = Abbreviate.create()
    lazy = journals._abbreviator()

    def outcome(abbreviate, title: str) -> str:
        try:
            return abbreviate(title, remove_part=True)
        except Exception as exc:  # pyiso4 fails on some titles; it must fail alike
            return f"raises {type(exc).__name__}"

    differ = [(t, outcome(lazy, t), outcome(whole, t)) for t in titles
              if outcome(lazy, t) != outcome(whole, t)]
    assert not differ
    assert journals.iso4("Journal of Molecular Biology") == "J. Mol. Biol."


def test_the_iso4_form_is_worked_out_only_when_the_records_titles_leave_it_open(monkeypatch):
    import citelint.journals as journals

    asked = []
    monkeypatch.setattr(journals, "iso4", lambda title: asked.append(title) or "Q. J. Speed Tst.")
    full = "Quarterly Journal of Speed Testing"
    same = journals.compare_journals("Quarterly Journal of Speed Testing", full, ["Q J Speed Test"])
    assert same.relation == "same" and asked == []
    # the forms a report shows still hold the ISO 4 form
    assert same.forms == (full, "Q J Speed Test", "Q. J. Speed Tst.") and asked == [full]
    # only the ISO 4 form names it word for word: it is worked out, and the answer is "same"
    assert journals.compare_journals("Q. J. Speed Tst.", full, []).relation == "same"
    assert journals.compare_journals("Annals of Slowness", full, []).relation == "different"


@pytest.mark.parametrize("cited", ["J Bacteriol", "J. Bacteriol.", "Journal of Bacteriology",
                                   "JOURNAL OF BACTERIOLOGY", "The Journal of Bacteriology"])
def test_a_journals_subjects_are_found_from_its_abbreviation_or_its_title(cited):
    assert journal_subjects(cited) == ("Bacteriology",)


def test_journal_subjects_fold_usa_and_are_empty_for_names_the_catalogue_lacks():
    assert journal_subjects("Proc Natl Acad Sci USA") == ("Science",)
    assert journal_subjects("Proc. Natl. Acad. Sci. U.S.A.") == ("Science",)
    assert journal_subjects("Journal of Nothing in Particular") == ()
    assert journal_subjects("") == ()
    assert journal_subjects(None) == ()


def test_the_shipped_journal_subject_table_names_its_source():
    import gzip
    from importlib import resources

    data = resources.files("citelint.data").joinpath("nlm_journal_subjects.tsv.gz")
    lines = gzip.decompress(data.read_bytes()).decode("utf-8").splitlines()
    header = " ".join(line for line in lines if line.startswith("#"))
    assert "NLM Catalog" in header and "OpenScienceTracker" in header
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    assert len(rows) > 10000 and all(len(row) == 3 and row[0] and row[2] for row in rows)
