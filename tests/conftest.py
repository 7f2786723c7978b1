"""Shared fixtures: a fake Crossref/OpenAlex/doi.org server and a transport with tiny timings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # make tests/fakeapi.py importable as `fakeapi`

from fakeapi import FakeAPI  # noqa: E402

from citelint.sources.transport import Transport  # noqa: E402

_ENV = ("CITELINT_CROSSREF_URL", "CITELINT_OPENALEX_URL", "CITELINT_DOI_URL", "CITELINT_MAILTO",
        "CITELINT_OPENALEX_API_KEY", "OPENALEX_API_KEY", "CITELINT_CACHE_DIR", "CITELINT_OFFLINE",
        "CITELINT_OPENALEX_BUDGET")


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeAPI]:
    """A running :class:`fakeapi.FakeAPI` serving the recorded example works, with citelint's
    environment pointed at it and the response cache in a fresh temporary directory."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    with FakeAPI.from_examples() as api:
        for name, value in api.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("CITELINT_CACHE_DIR", str(tmp_path / "cache"))
        yield api


@pytest.fixture
def fast_transport(tmp_path: Path) -> Transport:
    """A transport with millisecond backoff and a 0.5 s read timeout, caching in ``tmp_path``."""
    return Transport(cache_dir=tmp_path / "cache", attempts=3, backoff=0.01, max_backoff=0.05,
                     jitter=0.01, read_timeout=0.5, connect_timeout=0.5)
