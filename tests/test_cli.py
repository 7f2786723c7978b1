"""The command-line contract of docs/design.md: forms, outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citelint.cli import main

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
OFFLINE = ["--snapshot", str(SEED / "snapshot.jsonl"), "--offline"]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CITELINT_CACHE_DIR", str(tmp_path / "cache"))


def test_seed_fails_on_error_and_writes_json_to_the_output_file(tmp_path, capsys):
    out = tmp_path / "report.json"
    code = main(["check", str(SEED / "manuscript.txt"), *OFFLINE, "--format", "json",
                 "--output", str(out)])
    assert code == 1
    report = json.loads(out.read_text("utf-8"))
    assert report["summary"]["references"] == 70 and report["summary"]["findings"]["error"] > 0
    assert "70 references" in capsys.readouterr().err  # the summary still reaches the person


def test_fail_on_never_exits_zero_and_json_goes_to_stdout(capsys):
    code = main(["check", str(SEED / "manuscript.txt"), *OFFLINE, "--fail-on", "never",
                 "--format", "json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == 2


def test_fail_on_decides_which_severities_fail(tmp_path):
    refs = tmp_path / "refs.txt"
    refs.write_text("1. Guo X, Vogt A. Effects of stem cells on wounds. Cells 2021; 11:1198.\n",
                    "utf-8")
    snapshot = tmp_path / "records.jsonl"
    snapshot.write_text(json.dumps({
        "DOI": "10.3390/cells1", "title": ["Effects of stem cells on wounds"],
        "author": [{"family": "Guo", "given": "X"}, {"family": "Vogt", "given": "A"}],
        "container-title": ["Cells"], "issued": {"date-parts": [[2022]]}, "volume": "11",
        "article-number": "1198"}) + "\n", "utf-8")
    args = ["check", str(refs), "--snapshot", str(snapshot), "--offline"]
    assert main(args + ["--fail-on", "error"]) == 0  # only a year warning and a DOI suggestion
    assert main(args + ["--fail-on", "warning"]) == 1
    assert main(args + ["--fail-on", "never"]) == 0


def test_several_formats_at_once(tmp_path):
    outputs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "markdown")}
    args = ["check", str(SEED / "manuscript.txt"), *OFFLINE]
    for fmt, path in outputs.items():
        args += ["--format", fmt, "--output", str(path)]
    assert main(args) == 1
    assert all(path.stat().st_size > 0 for path in outputs.values())


def test_missing_input_is_a_usage_error_naming_the_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.txt"), "--offline"]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_file_that_is_not_a_manuscript_is_a_usage_error(tmp_path, capsys):
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n", "utf-8")
    assert main(["check", str(junk), "--offline"]) == 2
    assert "junk.txt" in capsys.readouterr().err


def test_two_formats_to_stdout_are_refused(capsys):
    code = main(["check", str(SEED / "manuscript.txt"), *OFFLINE, "-f", "json", "-f", "sarif"])
    assert code == 2 and "--output" in capsys.readouterr().err


def test_rules_lists_every_rule_and_explain_prints_its_docs(capsys):
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "pages-article-number" in listing and "duplicate-reference" in listing
    assert main(["explain", "pages-article-number"]) == 0
    assert "article number" in capsys.readouterr().out
    assert main(["explain", "no-such-rule"]) == 2


def test_cache_info_and_clear_report_what_they_did(tmp_path, capsys):
    cache = tmp_path / "cache"
    cache.mkdir()
    assert main(["cache", "info"]) == 0
    assert "0 cached answers" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert "Removed 0 cached answers" in capsys.readouterr().out


def test_the_tox_citelint_environment_checks_every_configured_manuscript_offline(capsys):
    import configparser

    tox = configparser.ConfigParser()
    tox.read(SEED.parents[1] / "tox.ini")
    command = tox["testenv:citelint"]["commands"].split()
    assert command[:2] == ["citelint", "check"] and "{posargs}" in command
    args = [a for a in command[1:] if a != "{posargs}"]
    config = SEED.parents[1] / args[args.index("--config") + 1]
    args[args.index("--config") + 1] = str(config)
    assert main(args) == 0
    err_and_out = capsys.readouterr()
    checked = err_and_out.out.count(" references: ")
    assert checked == 7  # every manuscript listed in fixtures/citelint.toml
    assert "lookup failed" not in err_and_out.out  # offline: nothing was asked


def test_a_baseline_accepts_todays_findings_and_a_new_problem_still_fails(tmp_path, capsys):
    manuscript = tmp_path / "manuscript.txt"
    text = (SEED / "manuscript.txt").read_text("utf-8")
    manuscript.write_text(text, "utf-8")
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", str(manuscript), *OFFLINE, "--output", str(baseline)]) == 0
    assert main(["check", str(manuscript), *OFFLINE, "--baseline", str(baseline)]) == 0
    # a new problem: reference 16's volume (record: 122) is now cited as 123
    manuscript.write_text(text.replace("Circulation 2010; 122:", "Circulation 2010; 123:"),
                          "utf-8")
    capsys.readouterr()
    assert main(["check", str(manuscript), *OFFLINE, "--baseline", str(baseline),
                 "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    active = [(r["index"], f["rule"]) for r in report["references"] for f in r["findings"]
              if f["severity"] == "error" and "suppressed" not in f]
    assert active == [(16, "volume-mismatch")]


def test_omit_suppressed_leaves_accepted_findings_out_of_sarif_only(tmp_path, capsys):
    manuscript = SEED / "manuscript.txt"
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", str(manuscript), *OFFLINE, "--output", str(baseline)]) == 0
    sarif = tmp_path / "out.sarif"
    for omit in (False, True):
        capsys.readouterr()
        code = main(["check", str(manuscript), *OFFLINE, "--baseline", str(baseline),
                     "--format", "sarif", "--output", str(sarif), "--format", "json",
                     *(["--omit-suppressed"] if omit else [])])
        assert code == 0
        results = json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
        if omit:
            assert results == []
        else:
            assert results and all(r.get("suppressions") for r in results)
        report = json.loads(capsys.readouterr().out)
        assert report["summary"]["suppressed"] > 0  # the JSON report keeps them either way


def test_cache_dir_flag_names_the_cache_to_show(tmp_path, capsys):
    other = tmp_path / "elsewhere"
    assert main(["cache", "info", "--cache-dir", str(other)]) == 0
    assert str(other) in capsys.readouterr().out


@pytest.mark.parametrize("output", ["/", "{tmp}", "{tmp}/missing/report.json"])
def test_an_output_that_cannot_be_written_is_a_usage_error_before_the_run(tmp_path, capsys,
                                                                          output):
    code = main(["check", str(SEED / "manuscript.txt"), *OFFLINE, "--format", "json",
                 "--output", output.format(tmp=tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("citelint: ") and "--output" in err and "Traceback" not in err


def test_unreadable_inputs_are_usage_errors_without_a_traceback(tmp_path, capsys):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    for path in (loop, tmp_path, Path("/dev/zero")):
        assert main(["check", str(path), *OFFLINE]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"citelint: {path}: ") and "Traceback" not in err


def test_a_rule_option_of_the_wrong_type_is_a_configuration_error_at_load(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    config = tmp_path / "citelint.toml"
    config.write_text('[options.duplicate-reference]\nthreshold = "high"\n', "utf-8")
    refs = tmp_path / "refs.bib"
    refs.write_text("@article{a, title={A study of soil}, author={Keller, P}, year={2020}}\n",
                    "utf-8")
    assert main(["check", str(refs), *OFFLINE]) == 2  # a bad configuration, not "findings" (1)
    err = capsys.readouterr().err
    assert f"{config}: options.duplicate-reference.threshold: expected a number from 0 to 1, " \
           "not 'high'" in err


def test_a_bibliography_outside_the_inputs_directory_needs_the_flag(tmp_path, capsys,
                                                                   monkeypatch):
    notes = tmp_path / "notes.bib"
    notes.write_text("@article{a, title={Private notes}, journal={J}, year={2020}}\n", "utf-8")
    (tmp_path / "paper").mkdir()
    paper = tmp_path / "paper" / "paper.md"
    paper.write_text("---\nbibliography: ../notes.bib\n---\n\n# Intro\n\nText [@a].\n", "utf-8")
    assert main(["check", str(paper), "--offline"]) == 2
    assert "outside the input's directory" in capsys.readouterr().err
    monkeypatch.setenv("CITELINT_ALLOW_OUTSIDE_FILES", "1")
    assert main(["check", str(paper), "--offline", "--format", "json", "--enable",
                 "doi-invalid"]) == 3  # read, and offline: nothing could be verified
    report = json.loads(capsys.readouterr().out)
    assert [r["parsed"]["title"] for r in report["references"]] == ["Private notes"]
