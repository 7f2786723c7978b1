"""read_file: what an input may make citelint read, and how its bytes become text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citelint.readers import (
    MAX_INCLUDED_FILES,
    MAX_INPUT_BYTES,
    MAX_REFERENCES,
    InputError,
    read_file,
    read_named_file,
    read_text,
)

RIS = ("TY  - JOUR\nAU  - Müller, José\nTI  - Über die Wärme einer Façade\nJO  - Ann Phys\n"
       "PY  - 1905\nER  - \n\nTY  - JOUR\nAU  - Gómez, Ángel\nTI  - Señales\nJO  - Rev Esp\n"
       "PY  - 2001\nER  - \n")


@pytest.mark.parametrize("encoding, named", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("utf-32", "utf-32"), ("cp1252", "cp1252"),
    ("latin-1", "cp1252")])
def test_encodings_are_detected_and_named(tmp_path, encoding, named):
    path = tmp_path / "refs.ris"
    path.write_bytes(RIS.encode(encoding))
    manuscript = read_file(path)
    assert manuscript.encoding == named
    assert [r.title for r in manuscript.references] == ["Über die Wärme einer Façade", "Señales"]


def test_binary_data_is_refused_with_the_file_and_line(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_bytes(b"1. A reference\n\x00\x01\x02\xff\xfe\x00binary" * 20)
    with pytest.raises(InputError, match=r"refs\.txt:2: the file is not text"):
        read_file(path)


def test_a_form_feed_keeps_line_numbers_and_a_vertical_tab_keeps_a_reference_whole(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text("1. Smith J. A title here. Nature. 2020;1:2.\n\f2. Doe A. Other\vthing "
                    "again. Cell. 2019;3:4.\n3. Roe B. Third one. Science. 2018;5:6.\n",
                    encoding="utf-8")
    refs = read_file(path).references
    assert [r.location.line for r in refs] == [1, 2, 3]
    assert refs[1].raw == "Doe A. Other thing again. Cell. 2019;3:4."


def test_old_mac_line_ends_are_lines(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_bytes(b"1. Smith J. A title here. Nature. 2020;1:2.\r2. Doe A. Other thing. "
                     b"Cell. 2019;3:4.\r")
    assert [r.location.line for r in read_file(path).references] == [1, 2]


def test_directories_devices_and_symlink_loops_are_input_errors(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="symlink loop"):
        read_file(loop)
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path)
    with pytest.raises(InputError, match="not a regular file"):
        read_file("/dev/zero")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_file(fifo)  # would block for ever if it were opened


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match=f"more than the {MAX_INPUT_BYTES:,}"):
        read_file(path)


def test_more_references_than_the_limit_is_an_input_error(monkeypatch):
    assert MAX_REFERENCES >= 10_000  # documented; lowered here to keep the test fast
    monkeypatch.setattr("citelint.readers.MAX_REFERENCES", 5)
    text = "".join(f"@article{{k{i}, title={{T}}, year={{2020}}}}\n" for i in range(6))
    with pytest.raises(InputError, match="refs.bib: 6 references, more than the 5"):
        read_text(text, "bibtex", "refs.bib")
    assert len(read_text(text[: text.index("@article{k5")], "bibtex", "refs.bib").references) == 5


def _latex(tmp_path: Path, body: str, name: str = "paper.tex") -> Path:
    path = tmp_path / name
    path.write_text("\\documentclass{article}\\begin{document}\n" + body
                    + "\n\\end{document}\n", encoding="utf-8")
    return path


def test_latex_reads_no_file_outside_the_inputs_directory_unless_allowed(tmp_path):
    outside = tmp_path / "secret.bib"
    outside.write_text("@article{k, title={Secret}, journal={J}, year={2020}}\n", "utf-8")
    (tmp_path / "paper").mkdir()
    paper = _latex(tmp_path / "paper", "\\cite{k}\\bibliography{../secret}")
    with pytest.raises(InputError, match="outside the input's directory"):
        read_file(paper)
    assert [r.title for r in read_file(paper, allow_outside=True).references] == ["Secret"]


def test_latex_input_outside_the_directory_is_a_located_problem(tmp_path):
    (tmp_path / "notes.tex").write_text("\\bibitem{a} Secret A. Notes. J. 2020;1:2.\n", "utf-8")
    (tmp_path / "paper").mkdir()
    paper = _latex(tmp_path / "paper", "\\input{../notes}\n\\begin{thebibliography}{1}\n"
                   "\\bibitem{b} Smith J. A title. Nature. 2020;1:2.\n\\end{thebibliography}")
    manuscript = read_file(paper)
    assert [r.location.key for r in manuscript.references] == ["b"]
    assert any("paper.tex:2" in p and "outside the input's directory" in p
               for p in manuscript.problems)


def test_latex_input_fan_out_stops_at_the_file_limit_with_one_problem(tmp_path):
    # each level inputs the next three times: 3**12 inclusions if nothing bounded them
    for level in range(12):
        (tmp_path / f"l{level}.tex").write_text(f"\\input{{l{level + 1}}}" * 3, "utf-8")
    (tmp_path / "l12.tex").write_text("text", "utf-8")
    paper = _latex(tmp_path, "\\input{l0}\n\\begin{thebibliography}{1}\n"
                   "\\bibitem{b} Smith J. A title. Nature. 2020;1:2.\n\\end{thebibliography}")
    manuscript = read_file(paper)
    assert len(manuscript.references) == 1
    limit = [p for p in manuscript.problems if f"already read {MAX_INCLUDED_FILES} files" in p]
    assert len(limit) == 1
    assert len(manuscript.problems) < 50


def test_latex_input_through_a_symlink_loop_is_a_problem(tmp_path):
    (tmp_path / "a.tex").symlink_to(tmp_path / "a.tex")
    paper = _latex(tmp_path, "\\input{a}\n\\begin{thebibliography}{1}\n"
                   "\\bibitem{b} Smith J. A title. Nature. 2020;1:2.\n\\end{thebibliography}")
    manuscript = read_file(paper)
    assert len(manuscript.references) == 1
    assert any("symlink loop" in p for p in manuscript.problems)


def test_markdown_bibliography_outside_the_directory_is_refused(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("1. Private J. Notes to self. Diary. 2020;1:2.\n", "utf-8")
    (tmp_path / "paper").mkdir()
    paper = tmp_path / "paper" / "paper.md"
    paper.write_text(f"---\nbibliography: {notes}\n---\n\n# Intro\n\nText [@a].\n", "utf-8")
    with pytest.raises(InputError, match="outside the input's directory"):
        read_file(paper)


def test_a_file_named_beside_the_inputs_is_decoded_as_an_input_is(tmp_path):
    path = tmp_path / "context.txt"
    path.write_bytes("Plaies cutanées\r\net cicatrisation\fdes greffes".encode("cp1252"))
    assert read_named_file(path, "context") == "Plaies cutanées\net cicatrisation des greffes"
    with pytest.raises(InputError, match="is a directory; name a context file"):
        read_named_file(tmp_path, "context")
