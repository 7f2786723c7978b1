"""The BibTeX reader: fields, names, LaTeX, locations, suppressions and broken entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint.models import Suppression
from citelint.readers import detect_format, read_file, read_text

GOOD = r"""@string{cells = "Cells"}

@article{guo2022,
  author  = {Guo, Xiaolei and Schaudinn, Christoph and Blume-Peytavi, Ulrike and others},
  title   = {Effects of {adipose}-derived stem cells in a human \emph{ex vivo} wound model},
  journal = cells,
  year    = 2022,
  volume  = {11}, Number = {7}, pages = {1198--1221},
  doi     = {https://doi.org/10.3390/CELLS11071198},
  url     = {https://example.org/a%20b_c~d},
  citelint-ignore = {doi-missing: checked by hand; title-mismatch: translated title},
}

@InCollection{leger2015,
  author       = {L{\'e}ger, T. and Boh{\'a}{\v{c}}, M. and {World Health Organization}},
  title        = {A chapter},
  booktitle    = {A Book},
  date         = {2015-03-01},
  pages        = {150313},
  citelint_ignore = {pages-article-number},
}
"""


def test_fields_come_from_the_entry() -> None:
    ref = read_text(GOOD, "bibtex", "refs.bib").references[0]
    assert ref.author_names == ["Guo X", "Schaudinn C", "Blume-Peytavi U"]
    assert ref.et_al is True
    assert ref.title == "Effects of adipose-derived stem cells in a human ex vivo wound model"
    assert (ref.journal, ref.year, ref.volume, ref.issue) == ("Cells", 2022, "11", "7")
    assert (ref.first_page, ref.last_page) == ("1198", "1221")
    assert ref.doi == "10.3390/cells11071198"
    assert ref.url == "https://example.org/a%20b_c~d"  # identifiers are not LaTeX-decoded
    assert ref.type == "article"


def test_location_is_the_line_of_the_entry_and_its_key() -> None:
    refs = read_text(GOOD, "bibtex", "refs.bib").references
    assert [(r.index, r.location.line, r.location.key) for r in refs] == [
        (1, 3, "guo2022"), (2, 14, "leger2015")]
    assert refs[0].location.describe() == "refs.bib:3 [guo2022]"


def test_latex_is_decoded_and_names_are_kept_readable() -> None:
    ref = read_text(GOOD, "bibtex", "refs.bib").references[1]
    assert ref.author_names == ["Léger T", "Boháč M", "World Health Organization"]
    assert (ref.journal, ref.year, ref.first_page, ref.type) == ("A Book", 2015, "150313",
                                                                 "chapter")


def test_raw_is_a_rendered_one_line_citation() -> None:
    ref = read_text(GOOD, "bibtex", "refs.bib").references[0]
    assert ref.raw == ("Guo X, Schaudinn C, Blume-Peytavi U, et al. Effects of adipose-derived "
                       "stem cells in a human ex vivo wound model. Cells 2022;11(7):1198-1221. "
                       "doi:10.3390/cells11071198")


def test_citelint_ignore_field_becomes_suppressions() -> None:
    first, second = read_text(GOOD, "bibtex", "refs.bib").references
    assert first.suppressions == [Suppression("doi-missing", "checked by hand"),
                                  Suppression("title-mismatch", "translated title")]
    assert second.suppressions == [Suppression("pages-article-number", "")]


def test_a_broken_entry_is_located_and_the_rest_is_still_read() -> None:
    text = ("@article{broken,\n  author = {Guo, X},\n  title = {Unclosed\n\n"
            "@article{fine,\n  title = {Fine},\n  year = {2020}\n}\n")
    refs = read_text(text, "bibtex", "refs.bib").references
    assert [r.index for r in refs] == [1, 2]
    assert refs[0].parse_error and "could not be read" in refs[0].parse_error
    assert (refs[0].location.line, refs[0].location.key) == (1, "broken")
    assert refs[1].parse_error is None and refs[1].title == "Fine"
    assert refs[1].location.line == 5


def test_a_duplicate_key_is_read_and_reported_with_its_line() -> None:
    text = "@article{a, title={One}}\n\n@article{a, title={Two}}\n"
    manuscript = read_text(text, "bibtex", "refs.bib")
    assert [r.title for r in manuscript.references] == ["One", "Two"]
    assert manuscript.references[1].location.line == 3
    assert manuscript.problems == ["refs.bib:3: the citation key 'a' is used by an earlier "
                                   "entry too."]


def test_biblatex_fields_are_understood() -> None:
    text = ("@article{k, author={Zhu, Qian}, title={T}, journaltitle={Biochem Biophys Res "
            "Commun}, date={2024-08}, volume={727}, eid={150313}, pmid={39012345}}\n")
    ref = read_text(text, "bibtex", None).references[0]
    assert (ref.journal, ref.year, ref.article_number, ref.pmid) == (
        "Biochem Biophys Res Commun", 2024, "150313", "39012345")
    assert ref.pages == "150313"


@pytest.mark.parametrize(("fields", "arxiv"), [
    # BibTeX as arXiv and INSPIRE export it, biblatex, a versioned id, an old-style id
    ("eprint={2101.12345}, archivePrefix={arXiv}, primaryClass={cs.LG}", "2101.12345"),
    ("eprint={2101.12345v3}, eprinttype={arxiv}", "2101.12345"),
    ("eprint={hep-th/9901001}, archiveprefix={ArXiv}", "hep-th/9901001"),
    ("journal={arXiv preprint arXiv:1706.03762}", "1706.03762"),
    # an eprint of another archive, or no arXiv id at all, is not an arXiv id
    ("eprint={2101.12345}, eprinttype={hal}", None),
    ("eprint={not-an-id}, archivePrefix={arXiv}", None),
])
def test_an_arxiv_eprint_becomes_the_arxiv_id(fields: str, arxiv: str | None) -> None:
    ref = read_text(f"@article{{k, author={{Zhu, Qian}}, title={{T}}, {fields}}}\n", "bibtex",
                    None).references[0]
    assert ref.arxiv == arxiv
    assert ref.doi is None  # the id stays an arXiv id; the resolver derives the DOI


def test_bib_files_are_detected_by_extension_and_content() -> None:
    assert detect_format("", "x.bib") == "bibtex"
    assert detect_format(GOOD, None) == "bibtex"


def test_the_fixture_reads() -> None:
    fixture = Path(__file__).parents[2] / "fixtures" / "formats" / "refs.bib"
    manuscript = read_file(fixture)
    assert len(manuscript.references) == 5 and not manuscript.problems
    assert all(r.parse_error is None for r in manuscript.references)


def test_parsing_in_threads_leaves_bibtexparser_logging_as_it_was(tmp_path, monkeypatch):
    import logging
    import time
    from concurrent.futures import ThreadPoolExecutor

    import bibtexparser

    real = bibtexparser.parse_string

    def slow(*args, **kwargs):  # widen the window in which another thread could interleave
        time.sleep(0.02)
        return real(*args, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", slow)
    logger = logging.getLogger("bibtexparser")
    before = logger.level
    path = tmp_path / "refs.bib"
    path.write_text("@article{a, title={One}, author={Doe, Jane}, year={2020}}\n"
                    "@article{b, title={Two}, author={Roe, Rich}, year={2021}}\n")
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: len(read_file(path).references), range(8)))
    assert counts == [2] * 8
    assert logger.level == before


# --- structures met in real .bib collections (issue #13) --------------------------------------

CONCATENATED = r"""@string{MPOLLACK = "Martha E. Pollack"}
@string{AAAI = "Proceedings of the " # "National Conference on Artificial Intelligence"}
@inproceedings{veloso1994,
  author = {Manuela M. Veloso and } # MPOLLACK # { and Michael T. Cox},
  title = {Rationale-based monitoring},
  booktitle = AAAI # { (AAAI-94)},
  year = 1994, month = aug,
}
"""


def test_string_macros_are_joined_by_concatenation_as_bibtex_does() -> None:
    ref = read_text(CONCATENATED, "bibtex", "refs.bib").references[0]
    assert ref.author_names == ["Veloso MM", "Pollack ME", "Cox MT"]
    assert ref.journal == ("Proceedings of the National Conference on Artificial Intelligence "
                           "(AAAI-94)")


def test_an_undefined_string_macro_is_a_located_problem() -> None:
    text = "@article{a, title = {Stars}, journal = JNLNOWHERE, year = 2001}\n"
    manuscript = read_text(text, "bibtex", "refs.bib")
    assert manuscript.references[0].journal is None
    assert manuscript.problems == ["refs.bib:1: entry 'a' uses 'JNLNOWHERE', which no @string "
                                   "defines; BibTeX prints nothing there. Define it or write "
                                   "the text in braces."]


CROSSREF = r"""@InProceedings{part1,
  author = {Doe, Jane}, title = {A paper in the proceedings},
  crossref = {PROC94}, pages = {10--20},
}
@InCollection{part2, author = {Roe, Rick}, title = {A chapter}, crossref = {book01}}
@Proceedings{proc94,
  title = {Proceedings of the Workshop}, booktitle = {Proc. Workshop},
  year = 1994, publisher = {ACM}, editor = {Ed, Ed},
}
@Book{book01, title = {The Book}, year = {2001}, publisher = {Springer}}
@Article{orphan, title = {Orphan}, crossref = {nowhere}, year = 2000}
"""


def test_crossref_fields_are_inherited_and_a_part_takes_the_parent_title() -> None:
    manuscript = read_text(CROSSREF, "bibtex", "refs.bib")
    part1, part2 = manuscript.references[:2]
    assert (part1.year, part1.journal, part1.publisher, part1.author_names) == (
        1994, "Proc. Workshop", "ACM", ["Doe J"])  # its own author, not the parent's editor
    assert (part1.title, part1.pages) == ("A paper in the proceedings", "10-20")
    assert (part2.year, part2.journal, part2.publisher) == (2001, "The Book", "Springer")
    assert manuscript.problems == [
        "refs.bib:11: entry 'orphan' takes fields from crossref 'nowhere', which no entry has; "
        "the fields it would inherit (book title, year...) are missing."]


def test_aas_journal_macros_name_their_journal() -> None:
    text = (r"@ARTICLE{2001ApJ...500L...1S, author = {{Smith}, J.}, title = {Stars},"
            r" journal = {\apj}, year = 2001, volume = 500, pages = {L1}}"
            "\n" r"@ARTICLE{b, title = {Galaxies}, journal = {\mnras}, year = 2003}"
            "\n" r"@ARTICLE{c, title = {Dust}, journal = {\aap}, year = 2004}")
    journals = [r.journal for r in read_text(text, "bibtex", "ads.bib").references]
    assert journals == ["Astrophysical Journal", "Monthly Notices of the Royal Astronomical "
                        "Society", "Astronomy and Astrophysics"]


def test_an_unknown_journal_macro_is_left_to_the_latex_decoder() -> None:
    text = r"@ARTICLE{a, title = {Stars}, journal = {\emph{Nature}}, year = 2001}"
    assert read_text(text, "bibtex", "a.bib").references[0].journal == "Nature"


NAMES = r"""@article{names,
  author = {HU, Ming and van der Berg, Anna and Smith, Jr., John and {The MSC Group}},
  title = {A title}, journal = {J}, year = 2020,
}
"""


def test_names_stay_structured_from_the_entry() -> None:
    # issue 11: "HU, Ming" was flattened to "HU M" and read back as the family name "M"
    ref = read_text(NAMES, "bibtex", "refs.bib").references[0]
    hu, berg, smith, group = ref.authors
    assert (hu.family, hu.given, hu.particle) == ("HU", "Ming", None)
    assert (berg.family, berg.given, berg.particle) == ("Berg", "Anna", "van der")
    assert (smith.family, smith.given, smith.suffix) == ("Smith", "John", "Jr.")
    assert (group.name, group.family) == ("The MSC Group", None)
    assert ref.author_names == ["HU M", "van der Berg A", "Smith J Jr.", "The MSC Group"]


def test_provenance_is_structured_bibtex() -> None:
    ref = read_text(NAMES, "bibtex", "refs.bib").references[0]
    assert (ref.provenance.origin, ref.provenance.format) == ("structured", "bibtex")
    assert ref.provenance.confidence == {} and not ref.from_text


@pytest.mark.parametrize("text", ["These are notes, not BibTeX.\nSmith 2020.\n", "",
                                  "% a comment\n@comment{nothing here}\n"])
def test_a_bib_file_without_entries_is_an_input_problem(text):
    manuscript = read_text(text, "bibtex", "refs.bib")
    assert manuscript.references == []
    assert manuscript.problems == ["refs.bib: no BibTeX entry was found (an entry starts like "
                                   "'@article{key,'); is this a BibTeX file?"]


def test_the_command_line_refuses_a_bib_without_entries(tmp_path, capsys):
    from citelint.cli import main

    bib = tmp_path / "refs.bib"
    bib.write_text("Smith J. A title. Nature. 2020.\n", encoding="utf-8")
    assert main(["check", str(bib), "--offline"]) == 2
    assert "no BibTeX entry was found" in capsys.readouterr().err


def test_nested_or_unclosed_optional_arguments_decode_in_linear_time():
    # pylatexenc alone takes time exponential in these ("\\cite[" x 20 never returned)
    from citelint.readers.bibtex import decode_latex

    assert decode_latex("\\cite[" * 2000).startswith("<cit.>")
    assert decode_latex("\\section[" * 30 + "]" * 30)  # returns at all
    assert decode_latex("see [a [b] c] and \\cite[p.~5]{x}") == "see [a [b] c] and <cit.>"


def test_the_isbn_field_is_read_compacted() -> None:
    text = "@book{k, author={Smith, Jane}, title={Ecology}, year={2010}, isbn={0-19-983006-1}}\n"
    assert read_text(text, "bibtex", None).references[0].isbn == "0199830061"
