"""The Markdown reader: front matter, bibliography files, pandoc citations, written lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citelint.models import Reference
from citelint.readers import InputError, detect_format, read_file, read_text
from citelint.readers.markdown import cited_keys, read_front_matter

CSL = [{"id": "guo2022", "type": "article-journal", "title": "Effects",
        "author": [{"family": "Guo", "given": "Xiaolei"}], "container-title": "Cells",
        "issued": {"date-parts": [[2022]]}},
       {"id": "wu2024", "type": "article-journal", "title": "The role",
        "container-title": "Biomedicines", "issued": {"date-parts": [[2024]]}},
       {"id": "zhu2024", "type": "article-journal", "title": "Compact bone",
        "issued": {"date-parts": [[2024]]}}]


def _paper(tmp_path: Path, front: str, body: str) -> Path:
    (tmp_path / "refs.json").write_text(json.dumps(CSL, indent=1), encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@article{wu2024, title={The role}, year={2024}}\n",
                                       encoding="utf-8")
    path = tmp_path / "paper.md"
    path.write_text(f"---\n{front}\n---\n\n{body}\n", encoding="utf-8")
    return path


def test_front_matter_and_cited_keys_of_a_csl_bibliography(tmp_path: Path) -> None:
    path = _paper(tmp_path, 'title: "Conditioned medium"\nabstract: >\n  Stem cells\n  help.\n'
                            "keywords:\n  - stem cells\n  - wounds\nbibliography: refs.json",
                  "As @zhu2024 showed [see @guo2022, p. 3; -@zhu2024]. Mail me@example.org.")
    manuscript = read_file(path)
    assert manuscript.format == "markdown"
    assert (manuscript.title, manuscript.abstract, manuscript.keywords) == (
        "Conditioned medium", "Stem cells help.", ["stem cells", "wounds"])
    assert [(r.index, r.location.key) for r in manuscript.references] == [
        (1, "zhu2024"), (2, "guo2022")]
    assert manuscript.references[1].location.path == str(tmp_path / "refs.json")


def test_without_citations_every_entry_is_kept(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: [refs.json, refs.bib]", "No citations here.")
    keys = [r.location.key for r in read_file(path).references]
    assert keys == ["guo2022", "wu2024", "zhu2024", "wu2024"]


def test_nocite_adds_entries(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: refs.json\nnocite: |\n  @wu2024", "See [@guo2022].")
    assert [r.location.key for r in read_file(path).references] == ["guo2022", "wu2024"]


def test_citations_in_code_are_not_citations(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: refs.json",
                  "See [@wu2024] and `@guo2022`.\n\n```\n@zhu2024\n```")
    assert [r.location.key for r in read_file(path).references] == ["wu2024"]


def test_a_cited_key_missing_from_the_bibliography_is_reported(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: refs.json", "See [@guo2022; @nowhere].")
    manuscript = read_file(path)
    assert [r.location.key for r in manuscript.references] == ["guo2022"]
    assert manuscript.problems == [f"{path}: the text cites nowhere, which no bibliography "
                                   "file holds (or it is not a citation key)."]


def test_a_missing_bibliography_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text("---\nbibliography: absent.bib\n---\nText.\n", encoding="utf-8")
    with pytest.raises(InputError, match="absent.bib does not exist"):
        read_file(path)


def test_a_written_reference_list_goes_to_the_text_reader() -> None:
    text = ("---\ntitle: A paper\n---\n\n# A paper\n\nBody.\n\n## References\n\n"
            "1. Wu S, Sun S. The role and prospects of mesenchymal stem cells in skin repair. "
            "*Biomedicines* 2024; 12:743-763.\n"
            "2. Guo X, Vogt A. Effects of stem cells. Cells 2022; 11(7):1198-1221. "
            "[doi:10.3390/cells11071198](https://doi.org/10.3390/cells11071198)\n")
    manuscript = read_text(text, "markdown", "paper.md")
    assert manuscript.format == "markdown" and manuscript.title == "A paper"
    first, second = manuscript.references
    assert (first.journal, first.year, first.location.line) == ("Biomedicines", 2024, 11)
    assert second.doi == "10.3390/cells11071198"


def test_front_matter_reader_handles_the_common_yaml_shapes() -> None:
    meta = read_front_matter("title: 'Quoted: yes'\nkeywords: [a, \"b c\"]\nabstract: |\n"
                             "  Line one.\n  Line two.\nbibliography:\n  - x.bib\n  - y.json\n"
                             "author:\n  name: Someone")
    assert meta["title"] == "Quoted: yes"
    assert meta["keywords"] == ["a", "b c"]
    assert meta["abstract"] == "Line one.\nLine two."
    assert meta["bibliography"] == ["x.bib", "y.json"]


def test_cited_keys_follow_pandoc_syntax() -> None:
    assert cited_keys("[@a; @b, p. 4] @c. @{d} [@fig:one] x@y.org [-@e]") == [
        "a", "b", "c", "d", "e"]


def test_markdown_is_detected_by_extension_and_front_matter() -> None:
    assert detect_format("", "paper.md") == "markdown"
    assert detect_format("---\nbibliography: refs.bib\n---\nText [@a].\n", None) == "markdown"


def test_the_fixture_reads() -> None:
    manuscript = read_file(Path(__file__).parents[2] / "fixtures" / "formats" / "paper.md")
    assert [r.location.key for r in manuscript.references] == [
        "zhu2024compact", "guo2022effects", "smolinska2023current"]


WRITTEN_LIST = """# Paper title

## References

1. Wu S, Sun S. Stem cells. Biomedicines 2024; 12:743-763. <!-- citelint-ignore: doi-missing -->
<!-- citelint-ignore: journal-abbreviation: house style -->
2. Guo X. Effects of stem cells. Cells 2022; 11(7):1198.
<!-- an ordinary
comment -->
3. Li Y. Fine. J Skin 2021; 3:4-5.
"""


def test_html_comments_are_not_citation_text_and_ignore_comments_accept_findings() -> None:
    refs = read_text(WRITTEN_LIST, "markdown", "p.md").references
    assert [r.location.line for r in refs] == [5, 7, 10]
    assert all("<!--" not in r.raw and "comment" not in r.raw for r in refs)
    assert [[(s.rule, s.reason) for s in r.suppressions] for r in refs] == [
        [("doi-missing", "")], [("journal-abbreviation", "house style")], []]


def test_citations_inside_html_comments_do_not_count(tmp_path: Path) -> None:
    (tmp_path / "refs.json").write_text(json.dumps([
        {"id": "a", "type": "article-journal", "title": "A"},
        {"id": "b", "type": "article-journal", "title": "B"}]), encoding="utf-8")
    md = tmp_path / "paper.md"
    md.write_text("---\nbibliography: refs.json\n---\n# Intro\n\nSee [@a].\n"
                  "<!-- draft: also [@b] -->\n", encoding="utf-8")
    assert [r.location.key for r in read_file(md).references] == ["a"]


def _sections(ref: Reference) -> list[tuple[str, bool]]:
    return [(c.heading, c.methods) for c in ref.cited_in]


def test_each_reference_records_the_sections_that_cite_it(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: refs.json",
                  "# Introduction {#sec:intro}\n\nWounds heal [@guo2022].\n\n"
                  "# Materials and *methods*\n\n## Image analysis ##\n\nAs @zhu2024 did.\n\n"
                  "# Discussion\n\nAgain [-@guo2022] and [see @guo2022, p. 2].\n")
    guo, zhu = read_file(path).references
    assert _sections(guo) == [("Introduction", False),
                            ("Discussion", False)]
    assert _sections(zhu) == [("Materials and methods > Image analysis", True)]
    assert [c.excerpt for c in guo.cited_in] == ["Wounds heal [@guo2022].",
                                                 "Again [-@guo2022] and [see @guo2022, p. 2]."]


def test_setext_headings_count_and_headings_in_code_do_not(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: refs.json",
                  "Before any heading [@wu2024].\n\nMethods\n=======\n\n"
                  "~~~\n# Results\n~~~\n\nAs [@guo2022].\n\nStatistics\n----------\n\n"
                  "```\n## Not a heading\n```\n\nWith @zhu2024.\n\n---\n\n"
                  "Results\n=======\n\nSee [@zhu2024].\n")
    refs = {r.location.key: _sections(r) for r in read_file(path).references}
    assert refs == {"wu2024": [("", False)],
                    "guo2022": [("Methods", True)],
                    "zhu2024": [("Methods > Statistics", True),
                                ("Results", False)]}


def test_a_written_reference_list_is_cited_by_its_numbers() -> None:
    text = "# Introduction\n\nAs [@guo2022] showed [1].\n\n" + WRITTEN_LIST
    refs = read_text(text, "markdown", "p.md").references
    assert [_sections(r) for r in refs] == [[("Introduction", False)], [], []]
    assert refs[0].cited_in[0].excerpt == "As [@guo2022] showed [1]."


def test_a_citing_sentence_stops_at_the_heading_above_it(tmp_path: Path) -> None:
    path = _paper(tmp_path, "bibliography: refs.json", "# Methods\nWe used [@guo2022].\n")
    [guo] = read_file(path).references
    assert guo.cited_in[0].excerpt == "We used [@guo2022]."
