"""The command-line contract of docs/design.md: forms, outputs and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from citelint.cli import _alone, main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "seed"
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


def year_off_by_one(tmp_path, *more_lines):
    """A list whose first reference cites 2021 for a work the snapshot dates 2022 (a year
    warning and a DOI suggestion); the check arguments and the list's path."""
    refs = tmp_path / "refs.txt"
    lines = ["1. Guo X, Vogt A. Effects of stem cells on wounds. Cells 2021; 11:1198.",
             *more_lines]
    refs.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    snapshot = tmp_path / "records.jsonl"
    snapshot.write_text(json.dumps({
        "DOI": "10.3390/cells1", "title": ["Effects of stem cells on wounds"],
        "author": [{"family": "Guo", "given": "X"}, {"family": "Vogt", "given": "A"}],
        "container-title": ["Cells"], "issued": {"date-parts": [[2022]]}, "volume": "11",
        "article-number": "1198"}) + "\n", "utf-8")
    return ["check", str(refs), "--snapshot", str(snapshot), "--offline"], refs


def test_fail_on_decides_which_severities_fail(tmp_path):
    args, _ = year_off_by_one(tmp_path)
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
                 "doi-invalid", "--fail-on", "error,sources-not-asked"]) == 4  # read, offline
    report = json.loads(capsys.readouterr().out)
    assert [r["parsed"]["title"] for r in report["references"]] == ["Private notes"]


# One run, many inputs; exit codes for CI; output formats; baselines (issue 14).

FORMATS_DIR = SEED.parent / "formats"
SARIF_SCHEMA = SEED.parents[1] / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"


def sarif_validator():
    import jsonschema

    return jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text("utf-8")))


@pytest.fixture
def bib_and_notes(tmp_path):
    """A reference list and an ordinary text file that holds none, side by side."""
    bib = tmp_path / "refs.bib"
    bib.write_text((FORMATS_DIR / "refs.bib").read_text("utf-8"), "utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("Remember to ask Anna about the figures.\n", "utf-8")
    return bib, notes


def test_two_inputs_one_unreadable_give_one_json_document_and_one_sarif_log(
        bib_and_notes, tmp_path, capsys):
    from citelint.report.json import validate

    bib, notes = bib_and_notes
    sarif, document = tmp_path / "out.sarif", tmp_path / "out.json"
    code = main(["check", str(notes), str(bib), *OFFLINE, "--output", str(sarif),
                 "--output", str(document)])
    err = capsys.readouterr().err
    assert code == 1  # the unreadable input fails the run; the other was still checked
    assert err.count("notes.txt: no reference list found") == 1
    run = json.loads(document.read_text("utf-8"))
    validate(run)
    assert [i["path"] for i in run["inputs"]] == [str(notes), str(bib)]
    assert "no reference list found" in run["inputs"][0]["error"]
    checked = run["inputs"][1]["report"]
    validate(checked)
    assert checked["summary"]["references"] == 5 == run["summary"]["references"]
    assert (run["summary"]["inputs"], run["summary"]["read"], run["summary"]["unreadable"]) \
        == (2, 1, 1)
    log = json.loads(sarif.read_text("utf-8"))
    sarif_validator().validate(log)
    first, second = log["runs"]
    assert first["invocations"][0]["executionSuccessful"] is False
    assert "no reference list found" in \
        first["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert second["properties"]["input"]["path"] == str(bib) and second["results"]
    assert main(["check", str(notes), str(bib), *OFFLINE, "--fail-on", "never"]) == 0


def test_nothing_readable_exits_2_and_one_input_keeps_the_one_report_shape(
        bib_and_notes, tmp_path, capsys):
    bib, notes = bib_and_notes
    empty = tmp_path / "empty.bib"
    empty.write_text("% nothing here yet\n", "utf-8")
    out = tmp_path / "out.json"
    assert main(["check", str(notes), str(empty), *OFFLINE, "-o", str(out)]) == 2
    run = json.loads(out.read_text("utf-8"))
    assert [bool(i.get("error")) for i in run["inputs"]] == [True, True]
    assert "empty.bib" in capsys.readouterr().err  # an empty .bib is not a silent success
    assert main(["check", str(empty), *OFFLINE]) == 2
    capsys.readouterr()
    assert main(["check", str(bib), *OFFLINE, "-f", "json", "--fail-on", "never"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert single["input"]["path"] == str(bib) and "inputs" not in single


def test_offline_without_answers_passes_by_default_and_fails_only_when_asked(
        bib_and_notes, capsys):
    bib, _ = bib_and_notes
    offline = ["check", str(bib), "--offline"]
    assert main(offline) == 0  # pre-commit.ci: nothing could be verified, said once
    captured = capsys.readouterr()
    assert captured.err.count("no reference could be verified") == 1
    assert "sources-not-asked" in captured.err
    assert captured.out.count("not asked (no cached answer)") == 1  # one line, not one each
    assert main([*offline, "--fail-on", "error,sources-not-asked"]) == 4
    assert main([*offline, "--fail-on", "error,sources-failed"]) == 0  # nothing failed
    assert "fails the run" in capsys.readouterr().err


def test_fail_on_values_are_checked_with_a_hint(bib_and_notes, capsys):
    bib, _ = bib_and_notes
    assert main(["check", str(bib), "--offline", "--fail-on", "error,sources-faild"]) == 2
    assert "did you mean 'sources-failed'" in capsys.readouterr().err


def test_output_extension_chooses_the_format(bib_and_notes, tmp_path, capsys):
    import xml.etree.ElementTree as ET

    bib, _ = bib_and_notes
    outputs = [tmp_path / name for name in ("r.json", "r.sarif", "r.xml", "r.md")]
    args = ["check", str(bib), *OFFLINE]
    for out in outputs:
        args += ["--output", str(out)]
    assert main(args) == 0
    assert json.loads(outputs[0].read_text("utf-8"))["schema_version"] == 2
    assert json.loads(outputs[1].read_text("utf-8"))["version"] == "2.1.0"
    assert ET.fromstring(outputs[2].read_text("utf-8")).tag == "testsuites"
    assert outputs[3].read_text("utf-8").startswith("## citelint:")
    assert "5 references" in capsys.readouterr().err  # the person still gets the summary
    assert main(["check", str(bib), *OFFLINE, "--output", str(tmp_path / "r.out")]) == 2
    assert "Say which format to write" in capsys.readouterr().err


def test_concise_github_and_quiet_formats(tmp_path, capsys):
    args, refs = year_off_by_one(
        tmp_path, "2. Nobody N. A work no snapshot holds, with a title. J Nowhere 2020; 1:1-2.")
    assert main([*args, "-f", "concise"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{refs}:1:1: year-mismatch " in lines[0] and "2021" in lines[0]
    assert any(line.startswith(f"{refs}:1:1: doi-missing ") for line in lines)
    assert not any(":2:1:" in line for line in lines)  # unverified is not a finding
    assert main([*args, "-f", "github"]) == 0
    annotations = capsys.readouterr().out.splitlines()
    year = next(a for a in annotations if "year-mismatch" in a)
    assert year.startswith(f"::warning file={refs},line=1,title=citelint year-mismatch::[1] ")
    assert "cited: 2021; record: 2022" in year
    assert any(a.startswith("::notice ") and "doi-missing" in a for a in annotations)
    assert main([*args, "--quiet"]) == 0
    quiet = capsys.readouterr().out
    assert "year-mismatch" in quiet and "doi-missing" not in quiet
    assert "[2]" not in quiet and "references:" not in quiet  # problems only, no summary


def test_baseline_flag_of_the_docs_writes_the_baseline_and_accepted_stays_a_problem(
        tmp_path, capsys):
    manuscript = tmp_path / "manuscript.txt"
    manuscript.write_text((SEED / "manuscript.txt").read_text("utf-8"), "utf-8")
    baseline = tmp_path / "citelint-baseline.json"
    assert main(["baseline", str(manuscript), *OFFLINE, "--baseline", str(baseline)]) == 0
    entries = json.loads(baseline.read_text("utf-8"))["entries"]
    assert entries
    capsys.readouterr()
    assert main(["check", str(manuscript), *OFFLINE, "--baseline", str(baseline),
                 "-f", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    accepted = [r for r in report["references"] if r.get("accepted")]
    assert accepted and all(r["status"] == "problem" for r in accepted)
    assert report["summary"]["problem_accepted"] == len(accepted)
    suppressed = sum("suppressed" in f for r in report["references"] for f in r["findings"])
    assert report["summary"]["suppressed"] == suppressed >= len(accepted)
    assert main(["check", str(manuscript), *OFFLINE, "--baseline", str(baseline)]) == 0
    text = capsys.readouterr().out
    assert text.count("problem, accepted") == len(accepted)
    assert f"{report['summary']['suppressed']} accepted (baseline or citelint-ignore)" in text


def test_explain_prints_plain_text_and_suggests_a_rule(capsys):
    assert main(["explain", "pages-article-number"]) == 0
    doc = capsys.readouterr().out
    assert "What it checks." in doc and "**" not in doc and "``" not in doc
    assert main(["explain", "pages-artcle-number"]) == 2
    assert "Did you mean 'pages-article-number'?" in capsys.readouterr().err


def _hostile_side_files(tmp_path: Path) -> dict[str, Path]:
    """Files no context or baseline file should be: each is refused before it is read whole."""
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(33 * 1024 * 1024)  # sparse, over the 32 MiB limit: no disk used
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # would block for ever if it were opened
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x00\x01\x02\xff\xfe\x00binary" * 20)
    return {"symlink loop": loop, "is a directory": tmp_path, "not a regular file": fifo,
            "more than the 33,554,432": big, "is not text": binary,
            "not a regular file ": Path("/dev/zero")}


def test_a_context_file_is_read_under_the_input_limits(tmp_path, capsys):
    args, _ = year_off_by_one(tmp_path)
    for why, path in _hostile_side_files(tmp_path).items():
        assert main([*args, "--context", str(path)]) == 2, why
        err = capsys.readouterr().err
        assert err.startswith(f"citelint: {path}") and why.strip() in err, err
        assert "Traceback" not in err
    latin = tmp_path / "subject.txt"
    latin.write_bytes("Cicatrisation des plaies cutanées, cellules souches".encode("latin-1"))
    assert main([*args, "--context", str(latin), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["manuscript"]["has_abstract"]


def test_a_baseline_file_is_read_under_the_input_limits(tmp_path, capsys):
    args, _ = year_off_by_one(tmp_path)
    for why, path in _hostile_side_files(tmp_path).items():
        assert main([*args, "--baseline", str(path)]) == 2, why
        err = capsys.readouterr().err
        assert err.startswith("citelint: cannot read the baseline: ") and why.strip() in err
        assert "Traceback" not in err
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000, "utf-8")
    assert main([*args, "--baseline", str(deep)]) == 2
    assert "nests its JSON too deeply" in capsys.readouterr().err
    utf16 = tmp_path / "baseline.json"  # as Windows PowerShell's Out-File writes it
    utf16.write_bytes('{"version": 1, "entries": []}'.encode("utf-16"))
    assert main([*args, "--baseline", str(utf16), "--fail-on", "warning"]) == 1


def test_no_format_carries_a_character_a_terminal_acts_on(tmp_path, capsys):
    """Escape sequences, C1 controls (U+009B is a CSI), DEL and bidirectional overrides in a
    citation or a file name reach no output, whatever the format; JSON escapes them, so the
    report still holds the text as it was."""
    from citelint.report import FORMATS

    hostile = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\u202e"
    refs = tmp_path / "refs\x1b[2J.txt"
    refs.write_text(f"1. Smith J. A {hostile} title of a work. Nature. 2020;1:2.\n"
                    "2. Doe A. Another work of note here. Cell. 2019;3:4.\n", "utf-8")
    active = {*map(chr, [*range(0x20), *range(0x7f, 0xa0), *range(0x202a, 0x202f),
                         *range(0x2066, 0x206a)])} - set("\t\n\r")
    for fmt in FORMATS:
        main(["check", str(refs), "--offline", "--disable", "off-topic", "--format", fmt])
        captured = capsys.readouterr()
        assert not active & set(captured.out + captured.err), fmt
        if fmt == "json":
            assert hostile in json.loads(captured.out)["references"][0]["raw"]


# -- the process's exit (issue 16, third pass) ----------------------------------------------


def _command(*args: str, code: str = "from citelint.cli import run; run()") -> Any:
    return subprocess.run([sys.executable, "-c", f"import sys; sys.argv[0] = 'citelint'; {code}",
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_command_ends_with_its_outputs_whole_and_its_exit_code(tmp_path, capsys):
    out = tmp_path / "report.json"
    done = _command("check", str(SEED / "manuscript.txt"), *OFFLINE, "--format", "json",
                    "--output", str(out), "--format", "text")
    assert done.returncode == 1  # the seed has errors
    here = main(["check", str(SEED / "manuscript.txt"), *OFFLINE, "--format", "text"])
    assert here == 1
    assert done.stdout == capsys.readouterr().out  # the whole text report, flushed
    assert json.loads(out.read_text("utf-8"))["summary"]["references"] == 70


def test_the_command_freezes_its_heap_after_the_first_of_several_manuscripts(tmp_path):
    frozen = ("import atexit, gc; atexit.register(lambda: print('frozen', gc.get_freeze_count()))"
              "; from citelint.cli import run; run()")
    second = tmp_path / "second.txt"
    second.write_text((SEED / "manuscript.txt").read_text("utf-8"), encoding="utf-8")
    several = _command("check", str(SEED / "manuscript.txt"), str(second), *OFFLINE,
                       "--quiet", "--disable", "off-topic", code=frozen)
    one = _command("check", str(SEED / "manuscript.txt"), *OFFLINE, "--quiet", "--disable",
                   "off-topic", code=frozen)
    assert several.returncode == one.returncode == 1  # the seed has errors
    assert int(several.stdout.split()[-1]) > 0
    assert one.stdout.split()[-2:] == ["frozen", "0"]  # nothing follows: nothing to gain


def test_only_the_program_freezes_its_heap_between_manuscripts(monkeypatch, tmp_path):
    import citelint.batch
    import citelint.cli

    events = []
    check = citelint.cli._run_check
    monkeypatch.setattr(citelint.batch, "freeze_heap", lambda: events.append("freeze"))
    monkeypatch.setattr(citelint.cli, "_run_check", lambda args, path, config: (
        events.append(path.name), check(args, path, config))[1])
    second = tmp_path / "second.txt"
    second.write_text((SEED / "manuscript.txt").read_text("utf-8"), encoding="utf-8")
    inputs = [str(SEED / "manuscript.txt"), str(second), *OFFLINE, "--quiet", "--disable",
              "off-topic"]
    assert main(["check", *inputs], program=True) == 1
    assert events == ["manuscript.txt", "freeze", "second.txt"]
    events.clear()
    assert main(["check", *inputs]) == 1  # a caller's process: its heap is left alone
    assert events == ["manuscript.txt", "second.txt"]


def test_the_command_runs_the_exit_handlers():
    done = _command("rules", code="import atexit; atexit.register(print, 'handler ran'); "
                    "from citelint.cli import run; run()")
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith("handler ran") and "reference-not-found" in done.stdout


def test_a_thread_still_running_means_the_ordinary_exit():
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert not _alone()
    finally:
        release.set()
        worker.join()
    assert _alone()
