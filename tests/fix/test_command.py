"""``citelint fix`` from the command line, offline against the seed snapshot: BibTeX, CSL-JSON and
RIS inputs holding two of the seed's references (2: an article number cited as a range, no DOI;
23: a journal other than the record's, a record without a DOI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint.cli import main
from citelint.readers import read_file

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"
OFFLINE = ["--snapshot", str(SEED / "snapshot.jsonl"), "--offline"]
GUO = ("Effects of adipose-derived stem cells and their conditioned medium in a human ex vivo "
       "wound model")
NOVERINA = ("Growth factors profile in conditioned medium human adipose tissue-derived "
            "mesenchymal stem cells (CM-hATMSCs)")
JOURNAL = "Clinical Nutrition Experimental"  # the record's journal for reference 23

INPUTS = {
    "refs.bib": f"""% references for chapter 2 (a comment the fix keeps)
@article{{guo2022,
  author  = {{Guo, Xiaolei and Schaudinn, Christoph and Blume-Peytavi, Ulrike and Vogt, Annika
             and Rancan, Fiorenza}},
  title   = {{{GUO}}},
  journal = {{Cells}},
  year    = {{2022}},
  volume  = {{11}},
  pages   = {{1198--1221}}
}}

@article{{noverina2019,
  author  = {{Noverina, R and Widowati, W and Ayuningtyas, W and Kurniawan, D and Afifah, E
             and Laksmitawati, DR and others}},
  title   = {{{NOVERINA}}},
  journal = {{Med Sci Monit Basic Res}},
  year    = {{2019}},
  volume  = {{24}},
  pages   = {{34--44}}
}}
""",
    "refs.json": f"""[
  {{
    "id": "guo2022",
    "type": "article-journal",
    "author": [{{"family": "Guo", "given": "Xiaolei"}}, {{"family": "Schaudinn", "given": "C"}},
               {{"family": "Blume-Peytavi", "given": "U"}}, {{"family": "Vogt", "given": "A"}},
               {{"family": "Rancan", "given": "F"}}],
    "title": "{GUO}",
    "container-title": "Cells",
    "issued": {{"date-parts": [[2022]]}},
    "volume": "11",
    "page": "1198-1221"
  }},
  {{
    "id": "noverina2019",
    "type": "article-journal",
    "author": [{{"family": "Noverina", "given": "R"}}, {{"family": "Widowati", "given": "W"}},
               {{"family": "Ayuningtyas", "given": "W"}}, {{"family": "Kurniawan", "given": "D"}},
               {{"family": "Afifah", "given": "E"}}, {{"family": "Laksmitawati", "given": "DR"}},
               {{"literal": "et al."}}],
    "title": "{NOVERINA}",
    "container-title": "Med Sci Monit Basic Res",
    "issued": {{"date-parts": [[2019]]}},
    "volume": "24",
    "page": "34-44"
  }}
]
""",
    "refs.ris": f"""TY  - JOUR
AU  - Guo, Xiaolei
AU  - Schaudinn, C
AU  - Blume-Peytavi, U
AU  - Vogt, A
AU  - Rancan, F
TI  - {GUO}
JO  - Cells
PY  - 2022
VL  - 11
SP  - 1198
EP  - 1221
N1  - a note the fix keeps
ER  -

TY  - JOUR
AU  - Noverina, R
AU  - Widowati, W
AU  - Ayuningtyas, W
AU  - Kurniawan, D
AU  - Afifah, E
AU  - Laksmitawati, DR
AU  - et al.
TI  - {NOVERINA}
JO  - Med Sci Monit Basic Res
PY  - 2019
VL  - 24
SP  - 34
EP  - 44
ER  -
""",
}
KEPT = {"refs.bib": "% references for chapter 2 (a comment the fix keeps)\n",
        "refs.json": '    "type": "article-journal",\n', "refs.ris": "N1  - a note the fix keeps\n"}


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CITELINT_CACHE_DIR", str(tmp_path / "cache"))


def _write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(INPUTS[name], "utf-8")
    return path


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_fix_writes_the_safe_fixes_and_holds_the_unsafe_ones_back(tmp_path, capsys, name):
    path = _write(tmp_path, name)
    code = main(["fix", str(path), *OFFLINE])
    err = capsys.readouterr().err
    guo, noverina = read_file(path).references
    assert (guo.first_page, guo.last_page, guo.doi) == ("1198", None, "10.3390/cells11071198")
    assert noverina.journal == "Med Sci Monit Basic Res"  # unsafe: not without the flag
    assert "applied 2 fixes; 1 unsafe fix held back" in err
    assert code == 1  # the journal-mismatch error is still there
    assert KEPT[name] in path.read_text("utf-8")


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_unsafe_fixes_are_written_when_asked_and_the_file_then_checks_clean(tmp_path, capsys,
                                                                             name):
    path = _write(tmp_path, name)
    assert main(["fix", str(path), "--unsafe-fixes", *OFFLINE]) == 0
    guo, noverina = read_file(path).references
    assert noverina.journal == JOURNAL and guo.doi == "10.3390/cells11071198"
    assert KEPT[name] in path.read_text("utf-8")
    capsys.readouterr()
    assert main(["fix", str(path), "--diff", "--unsafe-fixes", *OFFLINE]) == 0  # nothing left
    assert capsys.readouterr().out == ""


def test_diff_previews_without_writing_and_exits_1(tmp_path, capsys):
    path = _write(tmp_path, "refs.bib")
    assert main(["fix", str(path), "--diff", *OFFLINE]) == 1
    out, err = capsys.readouterr()
    assert path.read_text("utf-8") == INPUTS["refs.bib"]
    assert out.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert "-  pages   = {1198--1221}\n+  pages   = {1198},\n+  doi     = {10.3390/" in out
    assert JOURNAL not in out and "would apply 2 fixes; 1 unsafe fix held back" in err
    main(["fix", str(path), "--diff", "--unsafe-fixes", *OFFLINE])
    assert f"-  journal = {{Med Sci Monit Basic Res}},\n+  journal = {{{JOURNAL}}}," in (
        capsys.readouterr().out)


def test_a_plain_text_list_is_left_alone_with_a_sentence_saying_so(tmp_path, capsys):
    path = tmp_path / "refs.txt"
    text = (f"1. Guo X, Schaudinn C, Blume-Peytavi U, Vogt A, Rancan F. {GUO}. Cells 2022; "
            "11:1198-1221.\n")
    path.write_text(text, "utf-8")
    main(["fix", str(path), *OFFLINE])
    err = capsys.readouterr().err
    assert path.read_text("utf-8") == text
    assert "citelint fix edits BibTeX, CSL-JSON and RIS files; apply the 2 fixes" in err


def test_a_markdown_manuscript_has_its_csl_json_bibliography_fixed(tmp_path, capsys):
    formats = Path(__file__).resolve().parents[2] / "fixtures" / "formats"
    for name in ("paper.md", "refs.json"):
        (tmp_path / name).write_bytes((formats / name).read_bytes())
    assert main(["fix", str(tmp_path / "paper.md"), *OFFLINE]) in (0, 1)
    assert f"{tmp_path / 'refs.json'}: applied 1 fix" in capsys.readouterr().err
    refs = {r.location.key: r for r in read_file(tmp_path / "refs.json").references}
    assert refs["smolinska2023current"].doi == "10.33549/physiolres.935186"
    assert (tmp_path / "paper.md").read_bytes() == (formats / "paper.md").read_bytes()


def test_an_unreadable_input_is_reported_and_the_others_are_still_fixed(tmp_path, capsys):
    path = _write(tmp_path, "refs.bib")
    code = main(["fix", str(tmp_path / "missing.bib"), str(path), *OFFLINE])
    err = capsys.readouterr().err
    assert "missing.bib: cannot read the file" in err
    assert read_file(path).references[0].doi == "10.3390/cells11071198"
    assert code == 1  # the journal-mismatch left in refs.bib; 2 only when nothing was read
    assert main(["fix", str(tmp_path / "missing.bib"), *OFFLINE]) == 2
