"""The pre-commit hook and the composite GitHub Action shipped at the repository's root, run
the way pre-commit and GitHub Actions run them (file filter, entry, step script)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from citelint.cli import main

ROOT = Path(__file__).resolve().parents[1]
REFS = ROOT / "fixtures" / "formats" / "refs.bib"


def selected_by(hook: dict, paths: list[str]) -> list[str]:
    """The files pre-commit passes to ``hook``: ``files`` and ``exclude`` are searched in the
    repository-relative path (``re.search``), as pre-commit does."""
    chosen = [p for p in paths if re.search(hook.get("files", ""), p)]
    if hook.get("exclude"):
        chosen = [p for p in chosen if not re.search(hook["exclude"], p)]
    return chosen


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A manuscript repository with a reference list and ordinary text files, offline (as on
    pre-commit.ci, which has no network) and with its own empty cache."""
    (tmp_path / "refs.bib").write_text(REFS.read_text("utf-8"), "utf-8")
    (tmp_path / "notes.txt").write_text("Ask Anna about figure 2.\n", "utf-8")
    (tmp_path / "README.md").write_text("# Our paper\n", "utf-8")
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "data.xml").write_text("<data/>\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CITELINT_OFFLINE", "1")
    monkeypatch.setenv("CITELINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize("hook_id", ["citelint", "citelint-offline"])
def test_pre_commit_hook_checks_the_bib_and_not_notes_txt(repository: Path, hook_id: str,
                                                          capsys: pytest.CaptureFixture) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook = next(h for h in hooks if h["id"] == hook_id)
    files = sorted(p.relative_to(repository).as_posix() for p in repository.rglob("*")
                   if p.is_file())
    chosen = selected_by(hook, files)
    assert chosen == ["refs.bib"]
    command = shlex.split(hook["entry"]) + hook.get("args", []) + chosen
    assert command[0] == "citelint" and hook["language"] == "python"
    # offline, nothing can be verified: the commit is not refused for it, and it is said once
    assert main(command[1:]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("no reference could be verified") == 1
    assert "notes.txt" not in captured.out + captured.err


def test_github_action_checks_uploads_sarif_and_writes_the_step_summary(
        tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install citelint")
    assert "$GITHUB_ACTION_PATH" in install["run"]  # this repository, not a PyPI namesake
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert "sarif-written" in upload["if"] and upload["with"]["category"] == "citelint"
    check = next(s for s in steps if s.get("id") == "check")

    (tmp_path / "refs.bib").write_text(REFS.read_text("utf-8"), "utf-8")
    (tmp_path / "empty.bib").write_text("% to do\n", "utf-8")
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs["files"] = "refs.bib empty.bib"
    inputs["args"] = f"--snapshot {ROOT / 'fixtures' / 'seed' / 'snapshot.jsonl'} --offline"
    env = {name: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], value)
           for name, value in check["env"].items()}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "citelint"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m citelint "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env.update(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(ROOT),
               GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs),
               CITELINT_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path))
    done = subprocess.run(["bash", "-e", "-c", check["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # the step records the code; a later step fails
    written = dict(line.split("=", 1) for line in outputs.read_text("utf-8").splitlines())
    assert written == {"exit-code": "1", "sarif-written": "true"}  # empty.bib is an error
    log = json.loads((tmp_path / "citelint.sarif").read_text("utf-8"))
    assert [r["properties"]["input"]["path"] for r in log["runs"]] == ["refs.bib", "empty.bib"]
    text = summary.read_text("utf-8")
    assert "## citelint: refs.bib" in text and "## citelint: empty.bib" in text
    assert "::error file=empty.bib,title=citelint%3A unreadable::" in done.stdout
    assert "::notice file=refs.bib,line=48,title=citelint doi-missing::" in done.stdout
