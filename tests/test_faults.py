"""Fault injection: the real command line against a fake Crossref, OpenAlex and doi.org that
misbehave in every way issue #17 found (tests/fakeapi.py), and against wrong-shaped answers that
hypothesis derives from the recorded real ones.

For every fault the run must: exit with a documented code and no traceback; list every
reference; call no reference not-found, not registered or not retracted because of the fault
(each reference is either exactly what the healthy run says or ``unverified`` with a reason);
and, rerun against the healthy services with the same cache, give the healthy result. Timings
are made small through the settings (request and source budgets, the Retry-After cap) and a
transport with millisecond backoff, so no test waits for long.
"""

from __future__ import annotations

import json
import os
import random
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import EXAMPLES, FakeAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citelint.cli import EXIT_FINDINGS, EXIT_OK, EXIT_UNVERIFIED, main
from citelint.sources import transport as transport_module
from citelint.sources.transport import Transport

EXIT_CODES = {EXIT_OK, EXIT_FINDINGS, EXIT_UNVERIFIED}  # the documented ones for a finished run
SERVICES = ("crossref", "openalex", "doi")
FABRICATED_DOI = "10.5555/citelint.fabricated.1"
# tight while a fault lasts, so that no test waits long; generous for the healthy runs, so that
# a loaded machine does not make them fail
BUDGETS = {"CITELINT_REQUEST_BUDGET": "1", "CITELINT_SOURCE_BUDGET": "2",
           "CITELINT_MAX_RETRY_AFTER": "1"}
HEALTHY_BUDGETS = {"CITELINT_REQUEST_BUDGET": "30", "CITELINT_SOURCE_BUDGET": "60",
                   "CITELINT_MAX_RETRY_AFTER": "1"}


def set_budgets(budgets: dict[str, str]) -> None:
    os.environ.update(budgets)  # the quick fixture's monkeypatch restores them afterwards


class QuickTransport(Transport):
    """The product's transport with millisecond backoff (budgets come from the settings)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"attempts": 3, "backoff": 0.01, "max_backoff": 0.05, "jitter": 0.01,
                            "connect_timeout": 0.5, **kwargs})


def _crossref_works() -> list[dict[str, Any]]:
    return [json.loads(path.read_text("utf-8"))["message"]
            for path in sorted((EXAMPLES / "crossref").glob("works_10.*.json"))]


def _csl(work: dict[str, Any], key: str, with_doi: bool = True) -> dict[str, Any]:
    """A CSL-JSON citation of a Crossref work, as a reference manager would export it."""
    item = {"id": key, "type": "article-journal", "title": work["title"][0],
            "author": [{k: a[k] for k in ("family", "given") if k in a}
                       for a in work.get("author", [])[:8]],
            "issued": work["issued"], "container-title": work["container-title"][0]}
    for field in ("volume", "issue", "page"):
        if work.get(field):
            item[field] = work[field]
    if with_doi:
        item["DOI"] = work["DOI"]
    return item


@pytest.fixture(scope="module")
def manuscript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real works cited with and without their DOIs, and one fabricated reference."""
    works = _crossref_works()
    items = [_csl(w, f"w{i}") for i, w in enumerate(works)]
    items.append(_csl(works[0], "nodoi", with_doi=False))
    items.append({"id": "made-up", "type": "article-journal", "DOI": FABRICATED_DOI,
                  "title": "Tidal rhythms of lichen respiration on basalt sea stacks",
                  "author": [{"family": "Quarrington", "given": "E"}],
                  "issued": {"date-parts": [[2021]]}, "container-title": "Lichenologist"})
    path = tmp_path_factory.mktemp("faults") / "references.json"
    path.write_text(json.dumps(items), "utf-8")
    return path


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport_module, "Transport", QuickTransport)
    for name, value in HEALTHY_BUDGETS.items():
        monkeypatch.setenv(name, value)
    for name in ("CITELINT_MAILTO", "CITELINT_OPENALEX_API_KEY", "OPENALEX_API_KEY",
                 "CITELINT_OFFLINE", "CITELINT_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def point_at(monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    monkeypatch.setenv("CITELINT_CROSSREF_URL", f"{base}/crossref")
    monkeypatch.setenv("CITELINT_OPENALEX_URL", f"{base}/openalex")
    monkeypatch.setenv("CITELINT_DOI_URL", f"{base}/doi")


Outcome = dict[int, tuple[str, tuple[str, ...]]]


def run(manuscript: Path, cache: Path, out: Path, capsys: pytest.CaptureFixture[str],
        *more: str) -> tuple[int, dict[str, Any], str]:
    """The CLI's exit code, JSON report and stderr for one run (``more``: further arguments)."""
    code = main(["check", str(manuscript), "--format", "json", "--output", str(out),
                 "--cache-dir", str(cache), "--disable", "off-topic", *more])  # (no model to load)
    stderr = capsys.readouterr().err
    return code, json.loads(out.read_text("utf-8")), stderr


def outcome(report: dict[str, Any]) -> Outcome:
    return {r["index"]: (r["status"], tuple(sorted(f["rule"] for f in r["findings"])))
            for r in report["references"]}


@pytest.fixture
def healthy(manuscript: Path, quick: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
            capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[FakeAPI, Outcome]]:
    """A running fake (served the recorded works) and the healthy run's outcome."""
    with FakeAPI.from_examples() as api:
        point_at(monkeypatch, api.url)
        code, report, _ = run(manuscript, tmp_path / "healthy-cache", tmp_path / "h.json", capsys)
        assert code in EXIT_CODES
        yield api, outcome(report)


def assert_survives(manuscript: Path, api: FakeAPI, healthy_outcome: Outcome, tmp_path: Path,
                    capsys: pytest.CaptureFixture[str], cache: Path | None = None) -> Outcome:
    """The four things every fault must leave true (see the module docstring)."""
    cache = cache or tmp_path / "fault-cache"
    set_budgets(BUDGETS)
    code, report, stderr = run(manuscript, cache, tmp_path / "fault.json", capsys)
    set_budgets(HEALTHY_BUDGETS)
    assert code in EXIT_CODES and "Traceback" not in stderr
    faulty = outcome(report)
    assert sorted(faulty) == sorted(healthy_outcome)  # every reference is reported
    for entry in report["references"]:
        index = entry["index"]
        if faulty[index] != healthy_outcome[index]:
            assert entry["status"] == "unverified" and entry["reason"], (index, entry)
    assert not [f for r in report["references"] for f in r["findings"]
                if f["rule"] in ("doi-not-found", "reference-not-found")
                and healthy_outcome[r["index"]][0] != "not-found"]
    # the fault over, the same cache gives the healthy result
    api._always.clear()
    api._mutations.clear()
    api._down.clear()
    api._faults.clear()
    code, report, stderr = run(manuscript, cache, tmp_path / "rerun.json", capsys)
    assert outcome(report) == healthy_outcome and "Traceback" not in stderr
    return faulty


def test_the_healthy_run_has_verdicts_worth_protecting(healthy: tuple[FakeAPI, Outcome]) -> None:
    _, result = healthy
    statuses = [status for status, _ in result.values()]
    assert statuses.count("not-found") == 1  # the fabricated reference
    assert "unverified" not in statuses


# -- the faults ---------------------------------------------------------------------------------

def _at(path: tuple[str | int, ...], value: Any) -> Callable[[Any], Any]:
    """A change that puts ``value`` at ``path`` of an answer, where the answer has it."""

    def change(data: Any) -> Any:
        node = data
        for step in path[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return data
        if isinstance(node, dict) and isinstance(path[-1], str) and path[-1] in node:
            node[path[-1]] = value
        if isinstance(node, list) and isinstance(path[-1], int) and len(node) > path[-1]:
            node[path[-1]] = value
        return data

    return change


def _each_work(field: str, value: Any) -> Callable[[Any], Any]:
    """A change that sets ``field`` of every work in a Crossref answer."""

    def change(data: Any) -> Any:
        message = data.get("message") if isinstance(data, dict) else None
        works = message.get("items", []) if isinstance(message, dict) else []
        for work in [message, *works] if isinstance(message, dict) else []:
            if isinstance(work, dict) and "DOI" in work:
                work[field] = value
        return data

    return change


HUGE_AUTHORS = [{"family": f"Author{i}", "given": "A"} for i in range(100_000)]

FAULTS: dict[str, Callable[[FakeAPI], None]] = {
    "{} with 200 to every request": lambda api: [api.always(s) for s in SERVICES],
    "Crossref message as a string": lambda api: api.mutate("crossref", _at(("message",), "ok")),
    "Crossref items as a string": lambda api: api.mutate("crossref",
                                                         _at(("message", "items"), "none")),
    "Crossref items as an object": lambda api: api.mutate("crossref",
                                                          _at(("message", "items"), {})),
    "OpenAlex results: null": lambda api: api.mutate("openalex", _at(("results",), None)),
    "a title that is a number": lambda api: api.mutate("crossref", _each_work("title", 7)),
    "an author that is a string": lambda api: api.mutate("crossref",
                                                         _each_work("author", "Smith J")),
    "a record with 100,000 authors": lambda api: api.mutate("crossref",
                                                            _each_work("author", HUGE_AUTHORS)),
    "a 404 page from every path": lambda api: [
        api.always(s, 404, b"<html>Not Found</html>", "text/html") for s in SERVICES],
    "a redirect loop": lambda api: [api.redirect(s, "{url}") for s in SERVICES],
    "a redirect to another scheme": lambda api: [api.redirect(s, "ftp://127.0.0.1/x")
                                                 for s in SERVICES],
    "a redirect to an unparseable address": lambda api: [api.redirect(s, "http://[::1/x")
                                                         for s in SERVICES],
    "a redirect to another host": lambda api: [api.redirect(s, "http://example.invalid/x")
                                               for s in SERVICES],
    "503 to everything": lambda api: [api.down(s) for s in SERVICES],
    "Retry-After: 86400": lambda api: [api.always(s, 429, b"", "text/plain",
                                                  {"Retry-After": "86400"}) for s in SERVICES],
    "HTTP 403": lambda api: [api.always(s, 403, b"Forbidden", "text/plain") for s in SERVICES],
    "HTTP 401": lambda api: [api.always(s, 401, b'{"error": "API key"}') for s in SERVICES],
    "truncated JSON": lambda api: [api.malformed(s, times=1000) for s in SERVICES],
    "one byte every 2 s": lambda api: [api.trickle(s, 2.0) for s in SERVICES],
    "a server that never answers": lambda api: [api.silent(s) for s in SERVICES],
    "Crossref down, OpenAlex healthy": lambda api: api.down("crossref"),
    "OpenAlex down, Crossref healthy": lambda api: api.down("openalex"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_costs_no_verdict_no_reference_and_no_traceback(
        fault: str, manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    api, healthy_outcome = healthy
    FAULTS[fault](api)
    assert_survives(manuscript, api, healthy_outcome, tmp_path, capsys)


def test_a_service_that_refuses_access_is_asked_once(
        manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    api, healthy_outcome = healthy
    api.always("crossref", 403, b"Forbidden", "text/plain")
    api.clear_log()
    assert_survives(manuscript, api, healthy_outcome, tmp_path, capsys)
    # one answer of 403 took Crossref down for the first run (the rerun asked it afresh)
    first_run = [r for r in api.requests if r.service == "crossref" and r.status == 403]
    assert len(first_run) == 1


def test_a_long_retry_after_is_not_waited_for_and_not_asked_again(
        manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    api, _ = healthy
    api.always("openalex", 429, b"", "text/plain", {"Retry-After": "86400"})
    api.clear_log()
    code, report, _ = run(manuscript, tmp_path / "c", tmp_path / "r.json", capsys)
    assert api.count("openalex") == 1
    assert "86400" not in json.dumps(report) or "asked to wait" in json.dumps(report)


def test_a_cross_host_redirect_is_not_followed_and_carries_no_key(
        manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    api, _ = healthy
    with FakeAPI.from_examples() as elsewhere:
        monkeypatch.setenv("CITELINT_OPENALEX_API_KEY", "sekret-key-123")
        api.redirect("openalex", f"{elsewhere.url}/openalex/works?api_key=sekret-key-123")
        code, report, stderr = run(manuscript, tmp_path / "c", tmp_path / "r.json", capsys)
        assert elsewhere.count() == 0  # 127.0.0.1 on another port is another host:port
        assert "sekret-key-123" not in json.dumps(report) + stderr


def test_a_traversing_doi_is_never_sent(tmp_path: Path, healthy: tuple[FakeAPI, Outcome],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    api, _ = healthy
    items = [{"id": "t", "type": "article-journal", "DOI": "10.1234/../../../10.9999/x",
              "title": "A title long enough to be searched for", "issued": {"date-parts": [[2020]]},
              "author": [{"family": "Doe", "given": "J"}]}]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(items), "utf-8")
    api.clear_log()
    code, report, stderr = run(path, tmp_path / "c", tmp_path / "r.json", capsys)
    assert code in EXIT_CODES and "Traceback" not in stderr
    assert not [r for r in api.requests if "10.9999" in r.path and "10.1234" not in r.path]
    assert report["references"][0]["status"] != "not-found"


def test_credentials_in_a_service_url_reach_no_report_log_or_cache(
        manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    api, _ = healthy
    host = api.url.removeprefix("http://")
    monkeypatch.setenv("CITELINT_CROSSREF_URL", f"http://alice:pa55word@{host}/crossref")
    api.down("crossref")  # so that the failure messages, which name the host, are written
    cache = tmp_path / "c"
    code, report, stderr = run(manuscript, cache, tmp_path / "r.json", capsys)
    cached = "".join(p.read_text("utf-8") for p in cache.rglob("*.json"))
    for text in (json.dumps(report), stderr, cached):
        assert "pa55word" not in text and "alice" not in text


def test_budget_flags_bound_a_run_against_a_server_that_never_answers(
        manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The flags win over the environment's generous budgets (HEALTHY_BUDGETS: 30 s a request),
    so the run ends within what the flags allow and the reasons quote the flags' values."""
    api, _ = healthy
    for service in SERVICES:
        api.silent(service)
    started = time.monotonic()
    code, report, stderr = run(manuscript, tmp_path / "c", tmp_path / "r.json", capsys,
                               "--request-budget", "1", "--source-budget", "2",
                               "--max-retry-after", "1")
    assert time.monotonic() - started < 25  # one request at the environment's budget is 30 s
    assert code in EXIT_CODES and "Traceback" not in stderr
    assert {r["status"] for r in report["references"]} == {"unverified"}
    assert "request budget of 1.0 s" in json.dumps(report)


def test_run_budget_flag_stops_the_requests(
        manuscript: Path, healthy: tuple[FakeAPI, Outcome], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    api, _ = healthy
    api.latency(0.5)
    code, report, stderr = run(manuscript, tmp_path / "c", tmp_path / "r.json", capsys,
                               "--run-budget", "0.2")
    assert code in EXIT_CODES and "Traceback" not in stderr
    reasons = [r["reason"] for r in report["references"] if r["status"] == "unverified"]
    assert reasons and any("time budget (0.2 s) was used up" in r for r in reasons)


@pytest.mark.parametrize("flag", ["--request-budget", "--source-budget", "--run-budget",
                                  "--max-retry-after"])
@pytest.mark.parametrize("value", ["0", "-3", "soon", "inf"])
def test_a_bad_budget_flag_is_a_usage_error_naming_the_flag(
        flag: str, value: str, manuscript: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(manuscript), "--offline", flag, value])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"command line: {flag}: expected a number of seconds above 0, not {value!r}" in err


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_no_network_every_reference_is_unverified_at_once(
        quick: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    works = _crossref_works()
    items = [_csl(works[i % len(works)], f"r{i}", with_doi=i % 2 == 0) for i in range(60)]
    for i, item in enumerate(items):
        item["title"] += f" part {i}"  # sixty different references
        if "DOI" in item:
            item["DOI"] = f"10.5555/citelint.offline.{i}"
    path = tmp_path / "sixty.json"
    path.write_text(json.dumps(items), "utf-8")
    point_at(monkeypatch, f"http://127.0.0.1:{closed_port()}")
    code, report, stderr = run(path, tmp_path / "c", tmp_path / "r.json", capsys,
                               "--fail-on", "error,sources-failed")
    assert code == EXIT_UNVERIFIED and "Traceback" not in stderr
    assert [r["status"] for r in report["references"]] == ["unverified"] * 60
    # refused connections are not retried: the first answer took each service down for the run
    # (the first look-ups go out side by side, up to the places in flight each lane starts
    # with: one per Crossref lane in the public pool, four for OpenAlex)
    stats = report["stats"]
    assert stats["retries"] == 0 and "retrying" not in stderr
    assert 1 <= stats["requests"]["openalex"] <= 4 and 1 <= stats["requests"]["crossref"] <= 3
    # one reason, told once on the terminal for all sixty references
    assert stderr.count("A lookup failed: crossref: Crossref could not be reached") == 1
    assert "sixty.json: no reference could be verified: A lookup failed: crossref:" in stderr
    assert "[2] unverified" not in stderr


# -- wrong shapes generated from the recorded answers -------------------------------------------

def _nodes(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _kind(value: Any) -> str:
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else \
        type(value).__name__


JSON_VALUES = st.recursive(
    st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


def retype(seed: int, replacement: Any) -> Callable[[Any], Any]:
    """A change that replaces one node of an answer (chosen by ``seed`` among all its nodes)
    with a JSON value of another type: the answer keeps its content but not its shape."""

    def change(data: Any) -> Any:
        nodes = [(p, v) for p, v in _nodes(data) if p and _kind(v) != _kind(replacement)]
        if not nodes:
            return data
        path, _ = random.Random(seed).choice(nodes)
        return _at(path, replacement)(data)

    return change


@given(service=st.sampled_from(("crossref", "openalex")), seed=st.integers(0, 10**6),
       replacement=JSON_VALUES)
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_answers_of_the_wrong_shape_are_failed_lookups(
        service: str, seed: int, replacement: Any, manuscript: Path,
        healthy: tuple[FakeAPI, Outcome], capsys: pytest.CaptureFixture[str]) -> None:
    api, healthy_outcome = healthy
    api.mutate(service, retype(seed, replacement))
    with tempfile.TemporaryDirectory() as scratch:
        assert_survives(manuscript, api, healthy_outcome, Path(scratch), capsys)


# -- the same shapes with other values ----------------------------------------------------------

TEXTS = st.text(max_size=30) | st.sampled_from(
    ["", " ", "\x1b[2J", "10.9999/other.work", "x" * 60_000, "0", "-1", "null"])
INTEGERS = st.integers(-10**12, 10**12) | st.sampled_from([0, -1, 2**63, 99999])


def revalue(seed: int, text: str, number: int, how: str) -> Callable[[Any], Any]:
    """A change that gives one node of an answer (chosen by ``seed`` among all its nodes)
    another value of the same JSON type: ``text`` for a string, ``number`` for an integer, the
    other boolean, a list emptied, cut, reversed or with an item repeated (``how``), an object
    without one of its keys."""

    def other(value: Any) -> Any:
        if isinstance(value, bool):
            return not value
        if isinstance(value, int):
            return number
        if isinstance(value, str):
            return text
        if isinstance(value, list) and value:
            return {"empty": [], "cut": value[: len(value) // 2], "reverse": value[::-1],
                    "repeat": value + value[:1]}[how]
        if isinstance(value, dict) and value:
            dropped = sorted(value)[seed % len(value)]
            return {k: v for k, v in value.items() if k != dropped}
        return value

    def change(data: Any) -> Any:
        nodes = [(p, v) for p, v in _nodes(data) if p]
        if not nodes:
            return data
        path, value = random.Random(seed).choice(nodes)
        return _at(path, other(value))(data)

    return change


@given(service=st.sampled_from(("crossref", "openalex")), seed=st.integers(0, 10**6),
       text=TEXTS, number=INTEGERS, how=st.sampled_from(["empty", "cut", "reverse", "repeat"]))
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_answers_with_other_values_crash_nothing_lose_nothing_and_make_nothing_absent(
        service: str, seed: int, text: str, number: int, how: str, manuscript: Path,
        healthy: tuple[FakeAPI, Outcome], capsys: pytest.CaptureFixture[str]) -> None:
    """An answer of the right shape with other values may be believed (a service that lies
    plausibly cannot be told from one that is right), so verdicts may change; but the run
    ends with a documented code and no traceback, every reference is reported, and no
    reference is called not-found or not registered that the healthy run found."""
    api, healthy_outcome = healthy
    api.mutate(service, revalue(seed, text, number, how))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        set_budgets(BUDGETS)
        code, report, stderr = run(manuscript, folder / "cache", folder / "r.json", capsys)
        set_budgets(HEALTHY_BUDGETS)
    assert code in EXIT_CODES and "Traceback" not in stderr
    assert sorted(outcome(report)) == sorted(healthy_outcome)
    assert not [r["index"] for r in report["references"]
                if r["status"] == "not-found" and healthy_outcome[r["index"]][0] != "not-found"]
    assert not [f for r in report["references"] for f in r["findings"]
                if f["rule"] == "doi-not-found" and "doi-not-found" not in
                healthy_outcome[r["index"]][1]]
