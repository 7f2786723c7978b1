"""The LaTeX reader: \\bibitem lists, .tex files with .bib bibliographies, front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint.models import Reference
from citelint.readers import InputError, detect_format, read_file, read_text

BIBITEMS = r"""\documentclass{article}
\title{Conditioned medium\thanks{Funded by nobody.} from {\em mesenchymal} stem cells}
\begin{document}
\begin{abstract}
Mesenchymal stem cells (MSCs) have emerged~as a tool. % a comment
\end{abstract}
\keywords{stem cells; wound healing}
\begin{thebibliography}{99}
% \bibitem{old} A commented-out reference. Old J 1999; 1:1-2.
\bibitem[Guo et~al.(2022)]{guo2022} Guo X, Schaudinn C, Blume-Peytavi U.
  \newblock Effects of adipose-derived stem cells in a human \emph{ex vivo} wound model.
  \newblock {\it Cells} 2022; 11(7):1198--1221. \url{https://doi.org/10.3390/cells11071198}
\bibitem{leger} Clabaut A, L\'eger T, Boh\'a\v{c} M. Variations of secretome profiles.
  \textit{Electrophoresis} 2015; 36:2587--2593.
\end{thebibliography}
\end{document}
"""


def test_bibitems_are_stripped_of_markup_and_parsed() -> None:
    first, second = read_text(BIBITEMS, "latex", "paper.tex").references
    assert first.author_names == ["Guo X", "Schaudinn C", "Blume-Peytavi U"]
    assert first.title == "Effects of adipose-derived stem cells in a human ex vivo wound model"
    assert (first.journal, first.year, first.volume, first.issue) == ("Cells", 2022, "11", "7")
    assert (first.first_page, first.last_page) == ("1198", "1221")
    assert first.doi == "10.3390/cells11071198"
    assert second.author_names == ["Clabaut A", "Léger T", "Boháč M"]
    assert "\\" not in first.raw and "{" not in second.raw


def test_bibitems_are_located_by_line_and_key() -> None:
    refs = read_text(BIBITEMS, "latex", "paper.tex").references
    assert [(r.index, r.location.line, r.location.key) for r in refs] == [
        (1, 10, "guo2022"), (2, 13, "leger")]


def test_title_abstract_and_keywords() -> None:
    manuscript = read_text(BIBITEMS, "latex", "paper.tex")
    assert manuscript.title == "Conditioned medium from mesenchymal stem cells"
    assert manuscript.abstract == "Mesenchymal stem cells (MSCs) have emerged as a tool."
    assert manuscript.keywords == ["stem cells", "wound healing"]


def test_a_bbl_file_is_a_bibitem_list() -> None:
    bbl = ("\\begin{thebibliography}{1}\n\\bibitem{a}\n"
           "Wu S, Sun S. The role. Biomedicines 2024; 12:743--763.\n\\end{thebibliography}\n")
    assert detect_format(bbl, "paper.bbl") == "latex"
    ref = read_text(bbl, None, "paper.bbl").references[0]
    assert (ref.location.line, ref.location.key, ref.journal) == (2, "a", "Biomedicines")


BIB = """@article{guo2022, author={Guo, Xiaolei}, title={Effects}, journal={Cells}, year={2022}}
@article{wu2024, author={Wu, S}, title={The role}, journal={Biomedicines}, year={2024}}
@article{zhu2024, author={Zhu, Q}, title={Compact bone}, journal={BBRC}, year={2024}}
"""


def _paper(tmp_path: Path, body: str, bib: str = BIB, name: str = "refs.bib") -> Path:
    (tmp_path / name).write_text(bib, encoding="utf-8")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\n" + body
                   + "\n\\end{document}\n", encoding="utf-8")
    return tex


def test_bibliography_keeps_only_cited_keys_in_citation_order(tmp_path: Path) -> None:
    tex = _paper(tmp_path, "As shown \\citep[p.~2]{zhu2024}, and \\citet{guo2022, zhu2024}.\n"
                           "% \\cite{wu2024} is commented out\n\\bibliography{refs}")
    manuscript = read_file(tex)
    assert [(r.index, r.location.key) for r in manuscript.references] == [
        (1, "zhu2024"), (2, "guo2022")]
    assert manuscript.references[0].location.path == str(tmp_path / "refs.bib")
    assert manuscript.references[0].location.line == 3


def test_addbibresource_and_nocite_star_keep_everything(tmp_path: Path) -> None:
    tex = _paper(tmp_path, "\\addbibresource{library.bib}\n\\parencite{wu2024}\\nocite{*}",
                 name="library.bib")
    keys = [r.location.key for r in read_file(tex).references]
    assert keys == ["guo2022", "wu2024", "zhu2024"]


def test_a_cited_key_missing_from_the_bib_is_reported(tmp_path: Path) -> None:
    tex = _paper(tmp_path, "See \\autocite{guo2022}.\n\\cite{nowhere}\n\\bibliography{refs}")
    manuscript = read_file(tex)
    assert [r.location.key for r in manuscript.references] == ["guo2022"]
    assert manuscript.problems == [f"{tex}:4: the text cites 'nowhere', which is in none of the "
                                   "bibliography files."]


def test_a_missing_bib_file_is_a_located_input_error(tmp_path: Path) -> None:
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\n\\bibliography{absent}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{tex}:2: the bibliography file .*absent\.bib"):
        read_file(tex)


def test_one_missing_bib_file_of_several_is_reported_and_the_others_are_read(
        tmp_path: Path) -> None:
    tex = _paper(tmp_path, "\\cite{guo2022,wu2024}\n\\bibliography{absent,refs}")
    manuscript = read_file(tex)
    assert [r.location.key for r in manuscript.references] == ["guo2022", "wu2024"]
    assert manuscript.problems[0].startswith(f"{tex}:4: the bibliography file ")
    assert "absent.bib does not exist; the other files are read" in manuscript.problems[0]


def test_a_crossref_may_name_an_entry_of_another_bib_file(tmp_path: Path) -> None:
    (tmp_path / "books.bib").write_text("@book{bk, title={The Book}, year=2001}\n",
                                        encoding="utf-8")
    (tmp_path / "parts.bib").write_text("@incollection{ch, title={A chapter}, crossref={bk}}\n",
                                        encoding="utf-8")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\n\\cite{ch}\n"
                   "\\bibliography{parts,books}\n\\end{document}\n", encoding="utf-8")
    ref = read_file(tex).references[0]
    assert (ref.title, ref.journal, ref.year) == ("A chapter", "The Book", 2001)


def test_a_broken_bib_entry_is_read_as_a_located_parse_error(tmp_path: Path) -> None:
    bib = "@article{guo2022, title={Unclosed\n\n@article{wu2024, title={Fine}}\n"
    tex = _paper(tmp_path, "\\cite{guo2022,wu2024}\\bibliography{refs}", bib=bib)
    first, second = read_file(tex).references
    assert first.parse_error and first.location.line == 1
    assert second.title == "Fine"


def test_latex_is_detected_by_extension_and_content() -> None:
    assert detect_format("", "paper.tex") == "latex"
    assert detect_format(BIBITEMS, None) == "latex"


@pytest.mark.parametrize("name, count", [("paper.tex", 5), ("paper-bibtex.tex", 3)])
def test_the_fixtures_read(name: str, count: int) -> None:
    manuscript = read_file(Path(__file__).parents[2] / "fixtures" / "formats" / name)
    assert len(manuscript.references) == count and not manuscript.problems
    assert all(r.parse_error is None for r in manuscript.references)


def test_a_citelint_ignore_comment_accepts_findings_on_its_bibitem_only() -> None:
    text = BIBITEMS.replace(
        r"\bibitem{leger} Clabaut A,",
        "% citelint-ignore: doi-missing: the publisher never registered one\n"
        r"\bibitem{leger} Clabaut A,").replace(
        r"\textit{Electrophoresis} 2015; 36:2587--2593.",
        r"\textit{Electrophoresis} 2015; 36:2587--2593. % citelint-ignore: journal-abbreviation")
    first, second = read_text(text, "latex", "paper.tex").references
    assert first.suppressions == []
    assert [(s.rule, s.reason) for s in second.suppressions] == [
        ("doi-missing", "the publisher never registered one"), ("journal-abbreviation", "")]
    assert "citelint" not in second.raw


def test_citations_in_input_files_count_in_reading_order(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "intro.tex").write_text("Known \\cite{wu2024}.\n", encoding="utf-8")
    tex = _paper(tmp_path, "First \\cite{zhu2024}.\n\\input{chapters/intro}\n"
                           "Then \\cite{guo2022}.\n\\bibliography{refs}")
    tex.write_text("\\input{glyphtounicode}\n" + tex.read_text(encoding="utf-8"),
                   encoding="utf-8")  # a preamble input from the TeX installation: left alone
    manuscript = read_file(tex)
    assert [r.location.key for r in manuscript.references] == ["zhu2024", "wu2024", "guo2022"]
    assert manuscript.problems == []


def test_a_bibitem_list_in_an_included_file_is_read_where_it_stands(tmp_path: Path) -> None:
    (tmp_path / "biblio.tex").write_text(
        "\\begin{thebibliography}{9}\n"
        "% citelint-ignore: doi-missing: none exists\n"
        "\\bibitem{wu} Wu S, Sun S. The role. Biomedicines 2024; 12:743-763.\n"
        "\\end{thebibliography}\n", encoding="utf-8")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\n\\title{Skin}\n\\begin{document}\n"
                   "\\include{biblio}\n\\end{document}\n", encoding="utf-8")
    manuscript = read_file(tex)
    [ref] = manuscript.references
    assert (ref.index, ref.location.path, ref.location.line, ref.location.key) == (
        1, str(tmp_path / "biblio.tex"), 3, "wu")
    assert [s.rule for s in ref.suppressions] == ["doi-missing"]
    assert manuscript.title == "Skin"


def test_an_unreadable_or_self_including_file_is_reported_and_the_rest_read(
        tmp_path: Path) -> None:
    (tmp_path / "loop.tex").write_text("\\input{loop}\n\\cite{wu2024}\n", encoding="utf-8")
    tex = _paper(tmp_path, "\\cite{zhu2024}\n\\input{missing}\n\\input{loop}\n\\bibliography{refs}")
    manuscript = read_file(tex)
    assert [r.location.key for r in manuscript.references] == ["zhu2024", "wu2024"]
    loop = tmp_path / "loop.tex"
    assert manuscript.problems == [
        f"{tex}:4: cannot read {tmp_path / 'missing.tex'} (it does not exist). Its citations "
        "and references are not checked.",
        f"{loop}:1: {loop} includes itself (or nests deeper than 10 files); it is read once."]


def test_biblatex_multicites_cite_every_key_group(tmp_path: Path) -> None:
    tex = _paper(tmp_path, "As \\parencites(see)()[p.~2]{zhu2024}[cf.][]{wu2024}{guo2022} "
                           "{\\em shows}.\n\\bibliography{refs}")
    manuscript = read_file(tex)
    assert [r.location.key for r in manuscript.references] == ["zhu2024", "wu2024", "guo2022"]
    assert manuscript.problems == []  # "{\\em shows}" is text, not a key group


def test_an_ignore_comment_that_belongs_to_no_bibitem_is_reported() -> None:
    text = BIBITEMS.replace("\\begin{thebibliography}{99}\n",
                            "\\begin{thebibliography}{99} % citelint-ignore: doi-missing\n")
    manuscript = read_text(text, "latex", "paper.tex")
    assert all(r.suppressions == [] for r in manuscript.references)
    assert manuscript.problems == [
        "paper.tex:8: this citelint-ignore comment is not on or just before a reference, so it "
        "accepts nothing; move it next to the reference it is meant for."]


def _sections(ref: Reference) -> list[tuple[str, bool]]:
    return [(c.heading, c.methods) for c in ref.cited_in]


SECTIONED = r"""\section{Introduction}
Wounds heal \cite{guo2022}.
\section[Methods]{Materials and \emph{methods}}
\subsection{Image analysis}\label{sec:images}
Images were read as before \citep[p.~2]{zhu2024}.
\section{Discussion}
As said \citet{guo2022}, and again \cite{guo2022}.
"""


def test_each_reference_records_the_sections_that_cite_it(tmp_path: Path) -> None:
    manuscript = read_file(_paper(tmp_path, SECTIONED + "\\bibliography{refs}"))
    guo, zhu = sorted(manuscript.references, key=lambda r: r.location.key or "")
    assert _sections(guo) == [("Introduction", False),
                            ("Discussion", False)]
    assert _sections(zhu) == [("Materials and methods > Image analysis", True)]
    assert [c.excerpt for c in guo.cited_in] == ["Wounds heal […].",
                                                 "As said […], and again […]."]
    assert zhu.cited_in[0].excerpt == "Images were read as before […]."


def test_a_bibitem_list_records_its_citing_sections() -> None:
    text = BIBITEMS.replace("\\keywords{stem cells; wound healing}\n",
                            SECTIONED.replace("zhu2024", "leger")).replace(
        "\\bibitem{leger}", "See also \\cite{leger}.\n\\bibitem{leger}")  # cited by the list
    guo, leger = read_text(text, "latex", "paper.tex").references
    assert _sections(guo) == [("Introduction", False),
                            ("Discussion", False)]
    assert _sections(leger) == [("Materials and methods > Image analysis", True)]


def test_an_input_file_cites_from_the_section_it_is_read_in(tmp_path: Path) -> None:
    (tmp_path / "images.tex").write_text("In R \\cite{zhu2024}.\n\\subsection{Image analysis}\n"
                                         "As \\cite{zhu2024}.\n", encoding="utf-8")
    tex = _paper(tmp_path, "\\begin{abstract}Known \\cite{guo2022}.\\end{abstract}\n"
                           "Before \\cite{wu2024}.\n\\section*{Methods}\n\\input{images}\n"
                           "Then \\cite{guo2022}.\n\\chapter{Results}\n\\paragraph{Cells} "
                           "\\cite{guo2022}\n\\bibliography{refs}")
    refs = {r.location.key: _sections(r) for r in read_file(tex).references}
    assert refs == {
        "guo2022": [("Abstract", False),  # the input file's heading carries on
                    ("Methods > Image analysis", True),
                    ("Results > Cells", False)],
        "wu2024": [("", False)],
        "zhu2024": [("Methods", True),
                    ("Methods > Image analysis", True)]}


def test_nocite_cites_from_no_section(tmp_path: Path) -> None:
    tex = _paper(tmp_path, "\\section{Methods}\n\\nocite{wu2024}\\nocite{*}\n"
                           "\\section{Results}\n\\cite{guo2022}\n\\bibliography{refs}")
    refs = {r.location.key: _sections(r) for r in read_file(tex).references}
    assert refs == {"guo2022": [("Results", False)], "wu2024": [], "zhu2024": []}


def test_a_bibitem_list_reports_keys_it_lacks_and_items_never_cited() -> None:
    def problems(body: str) -> list[str]:
        text = BIBITEMS.replace("\\keywords{stem cells; wound healing}\n", body)
        return read_text(text, "latex", "paper.tex").problems

    keys = [r.location.key for r in read_text(BIBITEMS, "latex", "paper.tex").references]
    assert len(keys) == 2
    found = problems(f"As \\cite{{{keys[0]},missing}}.\n")
    assert len(found) == 2
    assert "the text cites 'missing', but no \\bibitem has that key" in found[0]
    assert f"\\bibitem{{{keys[1]}}} is in the list, but the text never cites it" in found[1]
    assert problems(f"As \\cite{{{keys[0]}}}.\\nocite{{{keys[1]}}}\n") == []
    assert problems(f"As \\cite{{{keys[0]}}}.\\nocite{{*}}\n") == []


# --- \bibitem markup of revtex, natbib and AAS lists (issue #13) -------------------------------

REVTEX_BBL = r"""%merlin.mbs apsrev4-2.bst 2010-07-25 4.21a (PWD, AO, DPC) hacked
\begin{thebibliography}{3}%
\makeatletter
\providecommand \bibinfo  [0]{\@secondoftwo}%
\providecommand \BibitemShut  [1]{\csname bibitem#1\endcsname}%
\let\auto@bib@innerbib\@empty
%</preamble>
\bibitem [{\citenamefont {{Rubin}}\ \emph {et~al.}(1978)\citenamefont
  {{Rubin}}, \citenamefont {{Thonnard}},\ and\ \citenamefont {{Ford}}}]{vera}%
  \BibitemOpen
  \bibfield  {author} {\bibinfo {author} {\bibfnamefont {V.~C.}\ \bibnamefont
  {{Rubin}}}, \bibinfo {author} {\bibfnamefont {N.}~\bibnamefont {{Thonnard}}},
  \ and\ \bibinfo {author} {\bibfnamefont {W.~K.}\ \bibnamefont {{Ford}},
  \bibfnamefont {Jr.}},\ }\href {\doibase 10.1086/182804} {\bibfield  {journal}
  {\bibinfo  {journal} {Astrophys. J.}\ }\textbf {\bibinfo {volume} {225}},\
  \bibinfo {pages} {L107} (\bibinfo {year} {1978})}\BibitemShut {NoStop}%
\bibitem [{\citenamefont {Audit}\ and\ \citenamefont {Check}(2024)}]{audit}
\BibitemOpen
\bibfield {author} {\bibinfo {author} {\bibnamefont {Audit}, \bibfnamefont {A.}}and\ \bibinfo
{author} {\bibnamefont {Check}, \bibfnamefont {B.}},\ }
\bibfield {title} {\enquote {\bibinfo {title} {Synthetic oscillator baseline},}\ }
\href@noop {} {\bibfield {journal} {\bibinfo {journal} {Synthetic Physics}\ }\textbf {\bibinfo
{volume} {1}},\ \bibinfo {pages} {1--3} (\bibinfo {year} {2024})}\BibitemShut {NoStop}
\end{thebibliography}
"""


def test_a_revtex_bbl_reads_its_tagged_fields_and_prints_no_markup(tmp_path: Path) -> None:
    bbl = tmp_path / "paper.bbl"
    bbl.write_text(REVTEX_BBL, encoding="utf-8")
    manuscript = read_file(bbl)
    rubin, audit = manuscript.references
    assert rubin.raw == ("V. C. Rubin, N. Thonnard, and W. K. Ford, Jr., Astrophys. J. 225, L107 "
                         "(1978) doi:10.1086/182804")
    assert (rubin.author_names, rubin.journal, rubin.volume, rubin.first_page, rubin.year) == (
        ["Rubin VC", "Thonnard N", "Ford WK"], "Astrophys. J.", "225", "L107", 1978)
    assert (rubin.title, rubin.doi, rubin.parse_error) == (None, "10.1086/182804", None)
    assert (audit.author_names, audit.title, audit.pages) == (
        ["Audit A", "Check B"], "Synthetic oscillator baseline", "1-3")
    assert "NoStop" not in audit.raw and "@noop" not in audit.raw


def test_aas_journal_macros_in_bibitem_text_print_their_journal(tmp_path: Path) -> None:
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{aastex631}\n\\begin{document}\n\\citet{s01}\n"
                   "\\begin{thebibliography}{}\n"
                   "\\bibitem[{Smith} et~al.(2001){Smith}, {Jones}, \\& {Doe}]{s01}\n"
                   "{Smith}, J., {Jones}, K., \\& {Doe}, J. 2001, \\apj, 500, L1\n"
                   "\\end{thebibliography}\n\\end{document}\n", encoding="utf-8")
    ref = read_file(tex).references[0]
    assert ref.raw == "Smith, J., Jones, K., & Doe, J. 2001, Astrophysical Journal, 500, L1"
    assert ref.year == 2001


def test_private_use_characters_in_the_input_cannot_forge_the_readers_marks() -> None:
    text = ("\\begin{thebibliography}{1}\n\\bibitem{a} Smith J. \ue0007\ue001 title \\url{x}. "
            "Nature. 2020;1:2.\n\\end{thebibliography}\n")
    [ref] = read_text(text, "latex", "paper.tex").references
    assert "\ufffd7\ufffd title x" in ref.raw


NATURE_BIBITEMS = r"""\begin{thebibliography}{9}
\bibitem{keller} Keller, P. \& Ortiz, L. Widget growth in cold soils.
  \textit{Soil Biol. Biochem.} \textbf{12}, 45--67 (2020).
\bibitem{brandt} Brandt, S., Lee, A. \& Kim, D. A survey of gadgets, sprockets and cogs.
  \textit{Nat. Mech.} \textbf{3}, 101--110 (2019).
\bibitem{nguyen} Nguyen, T. Cogs. \textit{Mech. Rev.} \textbf{8}, 1--9 (2018).
\end{thebibliography}
"""


def test_bibitem_list_is_read_with_its_detected_style() -> None:
    # read one item at a time, these Nature-style items lose their title to the author list
    refs = read_text(NATURE_BIBITEMS, "latex", "paper.tex").references
    assert [r.title for r in refs] == ["Widget growth in cold soils",
                                       "A survey of gadgets, sprockets and cogs", "Cogs"]
    assert [(r.journal, r.volume, r.year) for r in refs] == [
        ("Soil Biol. Biochem", "12", 2020), ("Nat. Mech", "3", 2019), ("Mech. Rev", "8", 2018)]
    assert refs[0].author_names == ["Keller, P.", "Ortiz, L."]


AAS_BIBITEMS = r"""\begin{thebibliography}{}
\bibitem[Smith \& Doe(2001)]{smith01} Smith, J., \& Doe, A. 2001, Astrophysical Journal, 500, L1
\bibitem[Brown(1999)]{brown99} Brown, K. 1999, ApJ, 512, 100
\bibitem[Jones et~al.(2010)]{jones10} Jones, A. B., Lee, C., \& Kim, D. 2010, MNRAS, 400, 123
\end{thebibliography}
"""


def test_aas_bibitems_have_no_title_and_keep_their_source() -> None:
    refs = read_text(AAS_BIBITEMS, "latex", "paper.tex").references
    assert [r.title for r in refs] == [None, None, None]
    assert [(r.journal, r.volume, r.year) for r in refs] == [
        ("Astrophysical Journal", "500", 2001), ("ApJ", "512", 1999), ("MNRAS", "400", 2010)]
    assert [r.first_page or r.article_number for r in refs] == ["L1", "100", "123"]
    assert all(r.parse_error is None for r in refs)
