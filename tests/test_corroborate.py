"""Corroboration: a field error on a reference parsed from text stands only when the record's
value (and every accepted variant) is absent from the raw citation (issue 11, item 3)."""

from __future__ import annotations

from factories import authors, cited, matched, record

from citelint.config import Config
from citelint.engine import check_matches
from citelint.models import Author, Location, Manuscript, Provenance, Reference

# doi:10.1038/srep16696 as Crossref holds it (tests/../api-examples: habanero's cassette)
SREP = dict(doi="10.1038/srep16696", title="Single-molecule FRET studies on alpha-synuclein "
            "oligomerization of Parkinson’s disease genetically related mutants",
            authors=[Author(family="Tosatto", given="Laura"),
                     Author(family="Horrocks", given="Mathew H."),
                     Author(family="Dalla Serra", given="Mauro")],
            journal="Scientific Reports", journal_short=["Sci Rep"], issn=["2045-2322"],
            year=2015, volume="5", issue="1", article_number="16696")
IEEE = ("[1] L. Tosatto, M. H. Horrocks, and M. Dalla Serra, “Single-molecule FRET studies on "
        "alpha-synuclein oligomerization of Parkinson’s disease genetically related mutants,” "
        "Sci. Rep., vol. 5, no. 1, Art. no. 16696, 2015, doi: 10.1038/srep16696.")


def parsed(raw: str, confidence: float = 0.8, **fields) -> Reference:
    """A reference as a text parser might have read ``raw`` (``fields``, sometimes wrongly)."""
    fields.setdefault("authors", cited("Tosatto L", "Horrocks MH", "Dalla Serra M"))
    names = [k for k in ("title", "authors", "year", "journal", "volume", "issue") if k in fields]
    return Reference(index=1, raw=raw, location=Location("refs.txt", 1),
                     provenance=Provenance("text", "text", dict.fromkeys(names, confidence)),
                     **fields)


def findings(reference: Reference, rec=None, **match):
    rec = rec or record(**SREP)
    result = check_matches(Manuscript("refs.txt", "text", [reference]),
                           [matched(reference, rec, **match)],
                           Config(disable=["off-topic"]))[0]
    return {f.rule: f for f in result.findings if f.severity != "info"}


def test_a_misread_title_is_not_an_accusation_when_the_record_title_is_in_the_citation():
    # IEEE curly quotes: the title was read with the journal glued on
    ref = parsed(IEEE, title=SREP["title"] + ", Sci. Rep", year=2015, volume="5",
                 doi="10.1038/srep16696")
    assert "title-mismatch" not in findings(ref)


def test_doi_mismatch_naming_the_cited_title_is_dropped():
    # issue 11: doi-mismatch said the DOI "belongs to a different work" and named the very title
    # that was cited, because the parse had split the curly-quoted title wrongly
    ref = parsed(IEEE, title="L. Tosatto, M. H. Horrocks", year=2015, doi="10.1038/srep16696")
    doi_record = record(**SREP)
    other = record(title="Something else entirely", doi="10.1/other")
    assert "doi-mismatch" not in findings(ref, rec=other, doi_record=doi_record)


def test_a_replaced_title_word_absent_from_the_citation_stands():
    raw = IEEE.replace("oligomerization", "aggregation")
    ref = parsed(raw, title=SREP["title"].replace("oligomerization", "aggregation"), year=2015,
                 volume="5")
    finding = findings(ref)["title-mismatch"]
    assert finding.severity == "error" and '"aggregation"' in finding.message


def test_a_misread_year_is_dropped_when_the_record_year_is_in_the_citation():
    # MLA "vol. 2013, 2013": the volume read as the year is no reason to accuse
    ref = parsed(IEEE, title=SREP["title"], year=2019, volume="5")
    assert "year-mismatch" not in findings(ref)
    wrong = parsed(IEEE.replace("2015", "2019"), title=SREP["title"], year=2019, volume="5")
    assert findings(wrong)["year-mismatch"].severity == "error"


def test_et_al_read_as_an_author_is_dropped():
    # issue 11: "and et al." was read as an author "al. E"
    raw = "Tosatto L, Horrocks MH, and et al. " + IEEE.split("and M. Dalla Serra, ")[1]
    ref = parsed(raw, title=SREP["title"], year=2015, volume="5",
                 authors=cited("Tosatto L", "Horrocks MH", "al. E"))
    assert "author-mismatch" not in findings(ref)


def test_a_name_written_in_the_citation_and_not_on_the_record_stands():
    raw = IEEE.replace("M. Dalla Serra", "P. Keller")
    ref = parsed(raw, title=SREP["title"], year=2015, volume="5",
                 authors=cited("Tosatto L", "Horrocks MH", "Keller P"))
    assert findings(ref)["author-mismatch"].severity == "error"


def test_a_misspelled_name_stands_only_when_the_record_spelling_is_absent():
    misspelled = parsed(IEEE.replace("Horrocks", "Horrucks"), title=SREP["title"], year=2015,
                        authors=cited("Tosatto L", "Horrucks MH", "Dalla Serra M"))
    assert findings(misspelled)["author-mismatch"].evidence["kind"] == "misspelled"
    misread = parsed(IEEE, title=SREP["title"], year=2015,
                     authors=cited("Tosatto L", "Horrucks MH", "Dalla Serra M"))
    assert "author-mismatch" not in findings(misread)


def test_pages_corroborated_with_an_abbreviated_range():
    rec = record(**{**SREP, "article_number": None, "first_page": "1234", "last_page": "1245"})
    ref = parsed(IEEE.replace("Art. no. 16696", "pp. 1234–45"), title=SREP["title"], year=2015,
                 volume="5", first_page="1234", last_page="1299")
    assert "pages-mismatch" not in findings(ref, rec=rec)


def test_a_doubtful_field_that_the_citation_does_not_contradict_is_only_uncertain():
    ref = parsed(IEEE.replace("vol. 5", "vol. 7"), confidence=0.5, title=SREP["title"],
                 year=2015, volume="7")
    finding = findings(ref)["volume-mismatch"]
    assert finding.severity == "warning" and "low confidence" in finding.message


def test_structured_references_are_taken_as_given():
    ref = Reference(index=1, raw=IEEE, location=Location("refs.bib", 1), title=SREP["title"],
                    year=2019, volume="5", authors=authors("Tosatto L"),
                    provenance=Provenance("structured", "bibtex"))
    assert findings(ref)["year-mismatch"].severity == "error"


def test_a_replaced_subtitle_word_stands_though_the_main_title_is_in_the_citation():
    rec = record(**{**SREP, "title": "Ethnic differences in CAPN10: a North-West Indian "
                                     "case control study"})
    raw = IEEE.replace(SREP["title"], "Ethnic differences in CAPN10: a North-West Optokinetic "
                                      "case control study")
    ref = parsed(raw, title="Ethnic differences in CAPN10: a North-West Optokinetic case "
                            "control study", year=2015, volume="5")
    assert '"optokinetic"' in findings(ref, rec=rec)["title-mismatch"].message


def test_a_volume_equal_to_the_year_is_not_evidence_twice():
    # Hindawi: "Abstract and Applied Analysis. 2011;2015:1-5" for volume 2011 (year 2011)
    rec = record(**{**SREP, "year": 2011, "volume": "2011"})
    raw = IEEE.replace("vol. 5", "vol. 2015").replace("2015, doi", "2011, doi")
    ref = parsed(raw, title=SREP["title"], year=2011, volume="2015")
    assert findings(ref, rec=rec)["volume-mismatch"].severity == "error"


def test_a_compound_surname_with_one_part_misspelled_stands():
    raw = IEEE.replace("M. Dalla Serra", "M. Dalla Serre")
    ref = parsed(raw, title=SREP["title"], year=2015, volume="5",
                 authors=cited("Tosatto L", "Horrocks MH", "Dalla Serre M"))
    assert findings(ref)["author-mismatch"].evidence["kind"] == "misspelled"


def test_a_journal_abbreviation_with_its_full_stops_dropped_is_the_records():
    # a style that drops full stops prints the record's "Int.jour.sci.res.mana" as one word
    rec = record(**{**SREP, "journal": "International Journal of Scientific Research and "
                    "Management (IJSRM)", "journal_short": ["Int.jour.sci.res.mana"]})
    raw = IEEE.replace("Sci. Rep.", "intjoursciresmana")
    ref = parsed(raw, title=SREP["title"], year=2015, volume="5", journal="intjoursciresmana")
    assert "journal-mismatch" not in findings(ref, rec=rec)


# issue 11, the multi-style corpus (bench/build_style_corpus.py, records from Crossref cassettes)
def test_a_misspelled_first_author_stands_when_the_record_holds_the_name_twice():
    # doi:10.1016/j.eng.2021.02.009: authors Yang X, Steck J, Yang J, ...; "Yaeg" for the first
    raw = ("Yaeg, X.; Steck, J.; Yang, J.; Wang, Y.; Suo, Z. Degradable Plastics Are Vulnerable "
           "to Cracks. Engineering 2021, 7 (5), 624–629.")
    rec = record(title="Degradable Plastics Are Vulnerable to Cracks", year=2021, volume="7",
                 authors=authors("Yang X", "Steck J", "Yang J", "Wang Y", "Suo Z"))
    ref = parsed(raw, title=rec.title, year=2021, volume="7",
                 authors=cited("Yaeg X", "Steck J", "Yang J", "Wang Y", "Suo Z"))
    assert findings(ref, rec)["author-mismatch"].severity == "error"


def test_a_number_inside_a_chemical_name_is_not_the_records_volume():
    # doi:10.1107/s2414314617004448, IUCrData volume 2, cited as volume 5: the "2" of the title's
    # "2,3-dione" does not vouch for the record's volume
    raw = ("Perez, M. F.; Desikan, V.; Golen, J. A.; Manke, D. R. "
           "5,7-Dimethyl-1H-indole-2,3-dione. IUCrData 2017, 5 (3), x170444.")
    rec = record(title="5,7-Dimethyl-1H-indole-2,3-dione", year=2017, volume="2", issue="3",
                 journal="IUCrData", authors=authors("Perez MF", "Desikan V", "Golen JA",
                                                     "Manke DR"))
    ref = parsed(raw, title=rec.title, year=2017, volume="5", issue="3", journal="IUCrData",
                 authors=cited("Perez MF", "Desikan V", "Golen JA", "Manke DR"))
    assert findings(ref, rec)["volume-mismatch"].expected == "2"
