"""citelint batch --engine dask, on a small dask.distributed LocalCluster (two workers of one
thread: this machine has two cores): the same findings as the local engine, a worker that dies
loses no manuscript, and two workers online together keep to the rate the service announces,
through the scheduler's shared pacers, even when a worker dies holding one of their tokens."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from test_batch import FORMATS, SEED, corpus_rows, outcome, outcome_of_rows, split_seed

from citelint.api import check
from citelint.batch import Checker, job_for, local_engine, run_batch
from citelint.config import Config, resolve_config

distributed = pytest.importorskip("distributed")

from citelint.distributed import dask_engine, local_client  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with local_client(n_workers=2, threads_per_worker=1) as connected:
        yield connected


def profiling(client) -> list:
    """Whether dask's profiler is on, on each worker."""
    import dask

    return list(client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
                .values())


def offline_checker() -> Checker:
    config = Config()
    config.snapshots, config.offline = [SEED / "snapshot.jsonl"], True
    return Checker(config)


def per_manuscript(out: Path) -> dict[str, dict]:
    found: dict[str, list] = {}
    for row in corpus_rows(out):
        found.setdefault(row["manuscript"], []).append(row)
    return {k: outcome_of_rows(v) for k, v in found.items()}


def test_dask_batch_gives_the_findings_of_the_local_batch(client, tmp_path):
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", *split_seed(tmp_path)]
    run_batch(inputs, tmp_path / "local", offline_checker(), local_engine)
    result = run_batch(inputs, tmp_path / "dask", offline_checker(), dask_engine(client=client))
    assert (result.checked, result.failed) == (len(inputs), {})
    assert per_manuscript(tmp_path / "dask") == per_manuscript(tmp_path / "local")
    assert len(per_manuscript(tmp_path / "dask")) == len(inputs)


class DiesOnce(Checker):
    """Kills its worker process the first time it meets the marked manuscript."""

    def check(self, job):
        marker = Path(job.path).with_suffix(".died")
        if job.path.endswith("first.txt") and not marker.exists():
            marker.write_text("died here once", encoding="utf-8")
            os._exit(1)  # the worker process dies mid-task, as an out-of-memory kill would
        return super().check(job)


def test_a_worker_that_dies_loses_no_manuscript(client, tmp_path):
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", *split_seed(tmp_path)]
    config = offline_checker().config
    result = run_batch(inputs, tmp_path / "out", DiesOnce(config), dask_engine(client=client))
    assert (tmp_path / "first.died").exists()  # a worker did die
    assert (result.checked, result.failed) == (len(inputs), {})
    rows = corpus_rows(tmp_path / "out")
    assert {r["manuscript"] for r in rows} == {job_for(p).id for p in inputs}
    keys = [(r["manuscript"], r["reference"], r["rule"], r["message"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_two_workers_online_keep_to_the_announced_rate(client, fake_api: FakeAPI, tmp_path):
    fake_api.load_jsonl(SEED / "snapshot.jsonl")
    fake_api.rate_limit("crossref", limit=4, interval=1.0, lane="list", retry_after=1)
    fake_api.rate_limit("crossref", limit=4, interval=1.0, lane="single", retry_after=1)
    inputs = split_seed(tmp_path)
    config = resolve_config(inputs[0])
    result = run_batch(inputs, tmp_path / "out", Checker(config), dask_engine(client=client))
    assert result.failed == {}
    assert crossref_arrivals_within(fake_api, limit=4) > 8  # enough to run into the limit
    rows = corpus_rows(tmp_path / "out")
    for path in inputs:
        alone = check(path, config=resolve_config(path))
        mine = [r for r in rows if r["manuscript"] == job_for(path).id]
        assert outcome_of_rows(mine) == outcome(alone.results), path.name


def crossref_arrivals_within(fake_api: FakeAPI, limit: int, interval: float = 1.0) -> int:
    """How many Crossref requests arrived at the fake; asserts no window of ``interval``
    seconds held more than ``limit`` of them, and that none was refused."""
    crossref = sorted(r.at for r in fake_api.requests if r.service == "crossref")
    busiest = max((sum(1 for a in crossref if start <= a < start + interval)
                   for start in crossref), default=0)
    assert busiest <= limit
    assert fake_api.rejected_by_rate_limit == 0
    return len(crossref)


class DiesHoldingAToken(Checker):
    """Kills its worker process the first time it meets the marked manuscript, while the worker
    holds a request token of Crossref's list lane from the scheduler's shared pacers."""

    def check(self, job):
        marker = Path(job.path).with_suffix(".died")
        if job.path.endswith("first.txt") and not marker.exists():
            _sources, _handles, transport = self.sources()
            transport.pacer("Crossref", "list").acquire()
            marker.write_text("died here once, holding a token", encoding="utf-8")
            os._exit(1)  # mid-task, with the token: as an out-of-memory kill would
        return super().check(job)


def within(seconds: float, function, *args):
    """``function(*args)``, or a failure when it has not returned after ``seconds`` (a lane
    whose tokens were lost would wait for ever; the test must fail instead)."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds} s: the shared pacers lost a lane's tokens?")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def shared_lanes(client) -> dict:
    """The scheduler's shared pacers: requests in flight per (service, lane)."""

    def lanes(dask_scheduler):
        plugin = dask_scheduler.plugins["citelint-pacers"]
        return {key: lane.in_flight for key, lane in plugin.pacers.lanes.items()}

    return client.run_on_scheduler(lanes)


def test_a_worker_that_dies_online_holding_a_token_loses_nothing_and_keeps_the_rate(
        client, fake_api: FakeAPI, tmp_path):
    fake_api.load_jsonl(SEED / "snapshot.jsonl")
    fake_api.rate_limit("crossref", limit=4, interval=1.0, lane="list", retry_after=1)
    fake_api.rate_limit("crossref", limit=4, interval=1.0, lane="single", retry_after=1)
    inputs = split_seed(tmp_path)
    config = resolve_config(inputs[0])
    result = within(180, run_batch, inputs, tmp_path / "out", DiesHoldingAToken(config),
                    dask_engine(client=client))
    assert (tmp_path / "first.died").exists()  # a worker did die, holding a token
    assert (result.checked, result.failed) == (len(inputs), {})
    assert crossref_arrivals_within(fake_api, limit=4) > 8  # enough to run into the limit
    # the pacers live on the scheduler, and the dead worker's token came back
    assert shared_lanes(client)[("Crossref", "list")] == 0
    assert all(n == 0 for n in shared_lanes(client).values())
    # the worker started in place of the dead one runs without dask's profiler too (it can
    # deadlock a worker on Python 3.11: citelint.distributed.WORKER_CONFIG)
    assert profiling(client) == [False, False]
    # the same findings as the local engine's (which finds the services' answers cached)
    assert run_batch(inputs, tmp_path / "local", Checker(config), local_engine).failed == {}
    assert per_manuscript(tmp_path / "out") == per_manuscript(tmp_path / "local")


def test_a_lane_gives_back_the_tokens_of_a_holder_that_left(monkeypatch):
    from citelint import distributed as engine

    clock = Clock()
    monkeypatch.setattr(engine, "time", clock)
    pacers = engine.SharedPacers(concurrency=2)
    announced = {"x-rate-limit-limit": "3", "x-rate-limit-interval": "1s",
                 "x-concurrency-limit": "2"}
    assert pacers.try_start("Crossref", "list", "tcp://a") == 0
    pacers.release("Crossref", "list", "tcp://a", announced, 200, None)
    assert pacers.try_start("Crossref", "list", "tcp://a") == 0
    assert pacers.try_start("Crossref", "list", "tcp://b") == 0
    assert pacers.try_start("Crossref", "list", "tcp://b") > 0  # two in flight: wait
    clock.now = 0.5
    pacers.forget("tcp://a")  # a died with its request in flight
    # its slot is free again, but its request still counts in the rate window from now
    assert pacers.try_start("Crossref", "list", "tcp://b") > 0  # 3 within the last second
    clock.now = 1.0
    assert pacers.try_start("Crossref", "list", "tcp://b") == 0
    pacers.release("Crossref", "list", "tcp://a", None, None, None)  # too late: ignored
    assert pacers.lanes["Crossref", "list"].in_flight == 2


class Clock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


def test_shared_lane_tokens_keep_every_window_within_the_limit_whatever_the_delays(monkeypatch):
    """Requests reach the service at any moment between their start and their end; however
    late, no window of the announced interval there holds more than the announced limit."""
    import random
    import types

    from citelint import distributed as engine
    from citelint.sources import pacing

    clock = Clock()
    fake_time = types.SimpleNamespace(monotonic=clock.monotonic, sleep=None)
    monkeypatch.setattr(engine, "time", fake_time)
    monkeypatch.setattr(pacing, "time", fake_time)
    lane = engine._Lane(concurrency=1)
    rng = random.Random(7)
    announced = {"x-rate-limit-limit": "4", "x-rate-limit-interval": "1s",
                 "x-concurrency-limit": "3"}
    arrivals, running = [], []  # (end, arrival)
    while len(arrivals) < 200:
        wait = lane.try_start()
        if wait == 0:
            took = rng.uniform(0.0, 0.6)
            running.append((clock.now + took, clock.now + rng.uniform(0, took)))
            continue
        running.sort()
        if running and running[0][0] <= clock.now + wait:
            clock.now = max(clock.now, running[0][0])
            end, arrival = running.pop(0)
            arrivals.append(arrival)
            lane.release(announced, 200, None)
        else:
            clock.now += max(wait, 1e-6)
    arrivals.sort()
    busiest = max(sum(1 for a in arrivals if start <= a < start + 1.0) for start in arrivals)
    assert busiest <= 4
    assert arrivals[-1] - arrivals[0] < 200 / 4 * 1.7  # and it is not paced far below the limit
