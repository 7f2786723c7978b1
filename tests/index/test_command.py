"""Tests for ``citelint index build`` and ``citelint check --index`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from datafile_format import snapshot_to_data_files

from citelint.cli import main

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


def test_build_then_check_offline_against_the_index(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config file found from here
    sources = snapshot_to_data_files(SEED / "snapshot.jsonl", tmp_path / "data")
    assert main(["index", "build", *map(str, sources), "--output", "seed.db"]) == 0
    out = capsys.readouterr().out
    assert "seed.db: 51 works written or updated of 51 read from 5 files; 0 problems." in out
    listing = tmp_path / "refs.txt"
    listing.write_text(
        "1. Guo X, Schaudinn C, Blume-Peytavi U, Vogt A, Rancan F. Effects of adipose-derived "
        "stem cells and their conditioned medium in a human ex vivo wound model. Cells. "
        "2022;11(7):1198-1221.\n", encoding="utf-8")
    code = main(["check", str(listing), "--index", "seed.db", "--offline", "--source",
                 "crossref", "--format", "json", "--disable", "off-topic"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    [reference] = report["references"]
    assert reference["match"]["source"] == "crossref"
    assert reference["match"]["doi"] == "10.3390/cells11071198"
    assert [f["rule"] for f in reference["findings"]] == ["pages-article-number", "doi-missing"]


def test_a_missing_index_is_named(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    listing = tmp_path / "refs.txt"
    listing.write_text("1. Smith J. A title of some length here. J Test. 2020;1:1-2.\n",
                       encoding="utf-8")
    assert main(["check", str(listing), "--index", "missing.db", "--offline"]) == 2
    assert "missing.db: index file not found." in capsys.readouterr().err
    assert main(["index", "build", "nowhere", "--output", "x.db"]) == 2
    assert "nowhere: data file not found." in capsys.readouterr().err


def test_build_reads_merged_ids_and_says_so(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    merged = SEED.parent / "openalex-merged-ids" / "data" / "merged_ids"
    assert main(["index", "build", str(merged), "--output", "m.db"]) == 0
    assert "m.db: 0 works written or updated of 0 read from 2 files; 1 merged work ids; " \
        "0 problems." in capsys.readouterr().out
