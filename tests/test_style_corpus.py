"""Correct references in every common citation style get no error-level finding.

The lists in tests/fixtures/styles are real Crossref records rendered by citeproc-py in sixteen
official CSL styles, and as BibTeX (see SOURCES.md there); they are checked offline against a
snapshot of the same records. Cases that still fail for a known reason in the comparisons are
marked xfail (strict: the mark must go when they pass).
"""

import json
from functools import cache
from pathlib import Path

import pytest

from citelint.api import check
from citelint.config import Config
from citelint.sources.snapshot import SnapshotSource

HERE = Path(__file__).parent / "fixtures" / "styles"
TRUTH = [json.loads(line) for line in (HERE / "truth.jsonl").read_text("utf-8").splitlines()]

KNOWN: dict[tuple[str, int], str] = {}


@cache
def _results(name: str) -> dict[int, list[str]]:
    """Error-level findings per reference of one list (by line for text, by index for BibTeX)."""
    report = check(HERE / name, config=Config(offline=True, disable=["off-topic"]),
                   sources=[SnapshotSource(HERE / "snapshot.jsonl")])
    out = {}
    for result in report.results:
        key = result.reference.location.line if name.endswith(".txt") else result.reference.index
        out[key] = [f"{f.rule}: {f.message}" for f in result.findings if f.severity == "error"]
    return out


CASES = [pytest.param(t["list"], t["index"], id=f"{t['list']}-{t['index']}",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN[t["list"], t["index"]])]
                      if (t["list"], t["index"]) in KNOWN else [])
         for t in TRUTH if t["case"] == "correct"]


def test_the_sample_covers_every_style():
    assert len({t["list"] for t in TRUTH}) == 17
    assert all(t["case"] == "correct" for t in TRUTH)


@pytest.mark.parametrize("name, index", CASES)
def test_a_correct_reference_gets_no_error(name, index):
    assert _results(name).get(index) == []
