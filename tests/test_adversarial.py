"""Adversarial inputs (bench/adversarial.py) are read in linear time.

Each case is sized so that the quadratic or backtracking code it once hit takes minutes (the
'1. x' list: 10 s at 2,000 lines before, so about 4 minutes at 10,000; a paragraph of 2,500
citations: about 20 s), while the linear code takes well under a second. The bound is generous,
and it is CPU time (other programs on a loaded machine do not count), so the test is not flaky,
while a regression still fails it by far.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "adversarial.py"
BOUND_SECONDS = 10.0


def _cases():
    spec = importlib.util.spec_from_file_location("adversarial", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cases(scale=0.5)


@pytest.mark.parametrize("name", list(_cases()))
def test_adversarial_input_finishes_far_below_the_time_a_regression_takes(name):
    run = _cases()[name]
    started = time.process_time()
    result = run()
    assert time.process_time() - started < BOUND_SECONDS
    assert result is not None
