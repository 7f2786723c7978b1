"""The distribution: its name, what the wheel ships, and that every install instruction in the
documentation installs this project (``citelint`` on PyPI is another one)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import citelint

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# Every place that tells a user or a CI job how to install citelint.
INSTRUCTIONS = ["README.md", "tox.ini", ".ci/run", ".pre-commit-hooks.yaml", "action.yml",
                *(f"docs/{p.name}" for p in sorted((ROOT / "docs").glob("*.md")))]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def test_the_distribution_is_named_citelint_integrity_and_keeps_the_citelint_command():
    project = _pyproject()["project"]
    assert project["name"] == citelint.DISTRIBUTION == "citelint-integrity"
    assert project["scripts"] == {"citelint": "citelint.cli:run"}
    assert citelint.PROJECT_URL.endswith("/citelint-integrity/")


# `citelint` as an installable requirement: a word on its own or with extras, not `citelint-…`.
_WRONG_REQUIREMENT = re.compile(r"""(?<![\w./@-])['"]?citelint(\[[\w,]+\])?['"]?(?![\w.-])""")


def _requirements(text: str) -> list[str]:
    """What each ``pip install``/``pip download`` command and each tox or pre-commit ``deps``
    line in ``text`` asks to install (the words up to the end of the command)."""
    found = []
    for line in text.splitlines():
        stripped = line.strip().lstrip("-").strip()
        if stripped.startswith("#"):
            continue
        for command in re.findall(r"pip (?:install|download)\s+([^`&;#)]*)", stripped):
            found.append(command.strip())
        deps = re.match(r"(?:deps|additional_dependencies)\s*[=:]\s*(.*)", stripped)
        if deps:
            found.append(deps.group(1).strip())
    return found


def test_no_install_instruction_installs_the_other_project_named_citelint():
    offending = []
    for name in INSTRUCTIONS:
        path = ROOT / name
        if path.is_file():
            offending += [f"{name}: {requirement}" for requirement in
                          _requirements(path.read_text("utf-8"))
                          if _WRONG_REQUIREMENT.search(requirement)]
    assert not offending, "these install PyPI's unrelated `citelint`:\n" + "\n".join(offending)


def test_the_wrong_requirement_check_catches_the_forms_users_write():
    for wrong in ("run: pip install citelint", "`pip install 'citelint[embeddings]'`",
                  "deps = citelint", 'pip install -q "citelint" && citelint check x'):
        assert any(_WRONG_REQUIREMENT.search(r) for r in _requirements(wrong)), wrong
    for right in ("pip install citelint-integrity", "pip install -e '.[test]' && citelint rules",
                  'pip install "citelint-integrity @ git+https://h/o/citelint.git@v1"',
                  "deps = citelint-integrity @ file:///src/citelint",
                  "`pip install .` in a clone of citelint", "# not `pip install citelint`"):
        assert not any(_WRONG_REQUIREMENT.search(r) for r in _requirements(right)), right


def test_the_documented_tox_environment_installs_this_project_without_building_the_manuscripts():
    text = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    block = text.split("# tox.ini", 1)[1].split("```", 1)[0]
    settings = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
    settings = {k.strip(): v.strip() for k, v in settings.items()}
    assert settings["skip_install"] == "true"
    assert settings["deps"].startswith("citelint-integrity @ ")
    assert settings["commands"].startswith("citelint check")


def test_the_license_file_is_the_mit_license_pyproject_declares():
    assert _pyproject()["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License")


def test_the_wheel_ships_py_typed_the_license_the_schema_and_the_command(tmp_path):
    pytest.importorskip("setuptools")
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "citelint", source / "citelint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(source)], check=True,
                   capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("citelint_integrity-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "citelint/py.typed" in names
    assert "citelint/report/schema.json" in names
    assert f"{info}/licenses/LICENSE" in names
    assert "Name: citelint-integrity" in metadata and "License-Expression: MIT" in metadata
    assert "citelint = citelint.cli:run" in entry_points
