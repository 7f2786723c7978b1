"""biber-written .bbl lists (citelint.readers.bbl), read directly or in place of a missing .bib."""

from __future__ import annotations

from pathlib import Path

from citelint.readers import read_file, read_text
from citelint.readers.bbl import has_entries

BBL = r"""% $ biblatex auxiliary file $
% $ biblatex bbl format version 3.2 $
% Do not modify the above lines!
\begingroup
\makeatletter
\@ifundefined{ver@biblatex.sty}
  {\@latex@error
     {Missing 'biblatex' package}
     {The bibliography requires the 'biblatex' package.}
      \aftergroup\endinput}
  {}
\endgroup

\refsection{0}
  \datalist[entry]{nty/global//global/global}
    \entry{guo2022}{article}{}
      \name{author}{2}{}{%
        {{un=0,uniquepart=base,hash=8f1b}{%
           family={Guo},
           familyi={G\bibinitperiod},
           given={Xiaolei},
           giveni={X\bibinitperiod},
           givenun=0}}%
        {{un=0,uniquepart=base,hash=1a2b}{%
           prefix={von},
           prefixi={v\bibinitperiod},
           family={Sch{\"a}udinn},
           familyi={S\bibinitperiod},
           given={Christoph},
           giveni={C\bibinitperiod},
           givenun=0}}%
      }
      \list{publisher}{1}{%
        {MDPI}%
      }
      \strng{namehash}{8f1b1a2b}
      \field{sortinit}{G}
      \field{labelnamesource}{author}
      \field{title}{Effects of adipose-derived stem cells in a human {\emph{ex vivo}} wound model}
      \field{journaltitle}{Cells}
      \field{volume}{11}
      \field{number}{7}
      \field{year}{2022}
      \field{eid}{1198}
      \verb{doi}
      \verb 10.3390/cells11071198
      \endverb
      \verb{url}
      \verb https://example.org/a%20b_c
      \endverb
    \endentry
    \entry{wu2024}{article}{}
      \name{author}{1}{}{%
        {{hash=99}{%
           family={Wu},
           familyi={W\bibinitperiod},
           given={S.},
           giveni={S\bibinitperiod}}}%
      }
      \field{title}{The role and prospects}
      \field{journaltitle}{Biomedicines}
      \field{year}{2024}
      \field{volume}{12}
      \field{pages}{743\bibrangedash 763}
      \range{pages}{21}
    \endentry
  \enddatalist
\endrefsection
\endinput
"""


def test_entries_become_references_with_their_fields() -> None:
    first, second = read_text(BBL, "latex", "paper.bbl").references
    assert (first.index, first.location.line, first.location.key) == (1, 16, "guo2022")
    assert first.author_names == ["Guo X", "von Schäudinn C"]
    assert first.title == "Effects of adipose-derived stem cells in a human ex vivo wound model"
    assert (first.journal, first.year, first.volume, first.issue) == ("Cells", 2022, "11", "7")
    assert (first.article_number, first.first_page, first.doi) == (
        "1198", None, "10.3390/cells11071198")
    assert (first.url, first.publisher, first.type) == (
        "https://example.org/a%20b_c", "MDPI", "article")
    assert (second.author_names, second.first_page, second.last_page) == (["Wu S"], "743", "763")


def test_a_bibitem_list_is_not_taken_for_biber_entries() -> None:
    assert has_entries(BBL)
    assert not has_entries("\\begin{thebibliography}{9}\n\\bibitem{a} Doe J. T. J 2020;1:2.\n")


def test_a_tex_whose_bib_is_missing_reads_the_biber_bbl_beside_it(tmp_path: Path) -> None:
    (tmp_path / "paper.bbl").write_text(BBL, encoding="utf-8")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\n\\addbibresource{refs.bib}\n"
                   "\\begin{document}\\cite{wu2024}\\end{document}\n", encoding="utf-8")
    manuscript = read_file(tex)
    assert [r.location.key for r in manuscript.references] == ["guo2022", "wu2024"]
    assert manuscript.problems == [f"{tex}:2: refs.bib not found; read paper.bbl."]
