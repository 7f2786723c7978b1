"""The RIS reader: tags to fields, record locations, unknown tags and broken records."""

from __future__ import annotations

from pathlib import Path

from citelint.readers import detect_format, read_file, read_text

RECORD = """TY  - JOUR
AU  - Guo, Xiaolei
AU  - Blume-Peytavi, Ulrike
A1  - Guo, Xiaolei
TI  - Effects of adipose-derived stem cells
      in a human ex vivo wound model
JO  - Cells
PY  - 2022/07/01/
VL  - 11
IS  - 7
SP  - 1198
EP  - 1221
DO  - https://doi.org/10.3390/CELLS11071198
AN  - 35406762
UR  - https://www.mdpi.com/2073-4409/11/7/1198
ER  -
"""


def test_tags_become_fields() -> None:
    ref = read_text(RECORD, "ris", "refs.ris").references[0]
    assert ref.author_names == ["Guo X", "Blume-Peytavi U"]
    assert ref.title == "Effects of adipose-derived stem cells in a human ex vivo wound model"
    assert (ref.journal, ref.year, ref.volume, ref.issue) == ("Cells", 2022, "11", "7")
    assert (ref.first_page, ref.last_page) == ("1198", "1221")
    assert ref.doi == "10.3390/cells11071198"
    assert ref.pmid == "35406762"
    assert ref.url == "https://www.mdpi.com/2073-4409/11/7/1198"
    assert ref.type == "article"
    assert ref.raw.startswith("Guo X, Blume-Peytavi U. Effects of adipose-derived")


def test_alternative_tags_are_used_when_the_usual_ones_are_missing() -> None:
    text = ("TY  - BOOK\nA1  - Léger, T.\nA1  - et al.\nT1  - A book\nJF  - Series\n"
            "Y1  - 2015\nER  - \n")
    ref = read_text(text, "ris", None).references[0]
    assert (ref.author_names, ref.et_al, ref.title, ref.journal, ref.year, ref.type) == (
        ["Léger T"], True, "A book", "Series", 2015, "book")


def test_each_record_is_located_by_number_and_ty_line() -> None:
    refs = read_text(RECORD + "\n" + RECORD, "ris", "refs.ris").references
    assert [(r.index, r.location.line, r.location.key) for r in refs] == [
        (1, 1, "record 1"), (2, 18, "record 2")]


def test_an_unknown_tag_is_reported_and_the_record_still_read() -> None:
    text = RECORD.replace("VL  - 11", "VL  - 11\nZZ  - something odd")
    manuscript = read_text(text, "ris", "refs.ris")
    assert manuscript.references[0].volume == "11"
    assert manuscript.problems == [
        "refs.ris:10: tags outside the RIS standard ('ZZ') are not read; the records that have "
        "them are."]


def test_broken_records_are_located_and_the_rest_is_read() -> None:
    text = ("stray text\nTY  - JOUR\nTI  - First, never ended\n"
            "TY  - JOUR\nTI  - Second\nER  - \nTY  - JOUR\nTI  - Third, cut off\n")
    manuscript = read_text(text, "ris", "refs.ris")
    assert [r.title for r in manuscript.references] == ["First, never ended", "Second",
                                                        "Third, cut off"]
    assert manuscript.problems == [
        "refs.ris:1: text outside a record (before any TY line) is ignored.",
        "refs.ris:2: record has no ER line before the next TY (line 4); read it up to there.",
        "refs.ris:7: the last record has no ER line; read it to the end of the file."]


def test_a_file_without_records_says_so() -> None:
    manuscript = read_text("not RIS at all\n", "ris", "x.ris")
    assert manuscript.references == []
    assert manuscript.problems[-1] == "x.ris:1: no RIS record (a 'TY  - ' line) was found."


def test_ris_is_detected_by_extension_and_content() -> None:
    assert detect_format("", "refs.ris") == "ris"
    assert detect_format(RECORD, None) == "ris"


def test_the_fixture_reads() -> None:
    manuscript = read_file(Path(__file__).parents[2] / "fixtures" / "formats" / "refs.ris")
    assert len(manuscript.references) == 5 and not manuscript.problems
    assert manuscript.references[1].suppressions[0].rule == "pages-article-number"


# --- structures met in real exports (issue #13) -----------------------------------------------

VENDOR = """Provider: Example Publisher
Database: Example Journals
Content: text/plain; charset="UTF-8"

TY  - JOUR
AU  - Smith, Jane
TI  - A study
JO  - J Test
PY  - 2019
VO  - 41
SP  - 100364
EP  - nan
U1  - screened
U2  - include
U3  - 2
U4  - x
U5  - y
LK  - https://example.org/article
UR  - https://example.org/a
Link to the Ovid Full Text or citation:
http://ovidsp.example.org/ovidweb.cgi?T=JS&AN=123
ER  -

Link to the External Link Resolver:
http://resolver.example.org/?id=123

TY  - JOUR
TI  - Signalling
JO  - Sci Signal
PY  - 2009
SP  - 96ra77
EP  - 96ra77
ER  -
"""


def test_standard_tags_and_vendor_trailers_are_read_quietly() -> None:
    manuscript = read_text(VENDOR, "ris", "export.ris")
    assert manuscript.problems == []
    first, second = manuscript.references
    assert (first.volume, first.first_page, first.last_page, first.pages) == (
        "41", "100364", None, "100364")  # EP nan is no end page
    assert first.url == "https://example.org/a"  # the Ovid link is no part of the UR
    assert (second.first_page, second.last_page, second.pages) == ("96ra77", None, "96ra77")


def test_tags_outside_the_standard_are_reported_once_for_the_file() -> None:
    text = ("TY  - JOUR\nTI  - A study\nZZ  - what\nPG  - 12\nER  - \n"
            "6. \nTY  - JOUR\nTI  - Another\nZZ  - again\nER  - \nRecord #3 of 18\n")
    assert read_text(text, "ris", "x.ris").problems == [
        "x.ris:3: tags outside the RIS standard ('ZZ', 'PG') are not read; the records that have "
        "them are."]


def test_a_pubmed_medline_file_is_said_to_be_no_ris_once() -> None:
    text = "PMID- 30922926\nOWN - NLM\nTI  - Time lapse.\n\nPMID- 1\nTI  - Other.\n"
    assert read_text(text, "ris", "pubmed.ris").problems == [
        "pubmed.ris:1: this is PubMed's MEDLINE format (PMID- lines), not RIS; no reference was "
        "read. Export the list from PubMed as 'Citation manager' (RIS) or as CSV, and run again."]


def test_a_ris_export_saved_as_txt_is_read_as_ris(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(RECORD, encoding="utf-8")
    assert read_file(path).format == "ris"


def test_sn_is_the_isbn_of_a_book_and_an_issn_is_not() -> None:
    text = ("TY  - BOOK\nAU  - Smith, Jane\nTI  - Ecology\nPY  - 2010\nSN  - 978-0-19-983006-0\n"
            "ER  - \n\nTY  - JOUR\nAU  - Smith, Jane\nTI  - Lakes\nT2  - Ecology\nPY  - 2010\n"
            "SN  - 0012-9658\nER  - \n")
    book, article = read_text(text, "ris", None).references
    assert (book.isbn, article.isbn) == ("9780199830060", None)
