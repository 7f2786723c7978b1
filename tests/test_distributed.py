"""citelint batch --engine dask, on a small dask.distributed LocalCluster (two workers of one
thread: this machine has two cores): the same findings as the local engine, a worker that dies
loses no manuscript, and two workers online together keep to the rate the service announces,
through the scheduler's shared pacers, even when a worker dies holding one of their tokens."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from test_batch import FORMATS, SEED, corpus_rows, outcome, outcome_of_rows, split_seed

from citelint.api import check
from citelint.batch import Checker, job_for, local_engine, run_batch
from citelint.config import Config, resolve_config

distributed = pytest.importorskip("distributed")

from citelint.distributed import (  # noqa: E402
    LOST_WORKER,
    LOST_WORKER_WAIT,
    PacersPlugin,
    dask_engine,
    local_client,
)


@pytest.fixture(scope="module")
def client():
    # citelint's own cluster waits 120 s, not dask's 15, for the worker a nanny starts in place
    # of one a test kills before it closes that nanny (the module's later tests would then run
    # on one worker): test_the_own_cluster_waits_for_a_lost_workers_replacement
    connected = local_client(n_workers=2, threads_per_worker=1)
    try:
        yield connected
    finally:
        connected.shutdown()


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


def test_the_own_cluster_waits_for_a_lost_workers_replacement(monkeypatch):
    """dask's LocalCluster reads LOST_WORKER from the process's settings when a worker leaves;
    the cluster citelint starts reads LOST_WORKER_WAIT there, and no other reader does."""
    import sys

    import dask

    default = dask.config.get(LOST_WORKER)
    read = dask.config.get
    seen = []

    def spy(key, *args, **kwargs):
        value = read(key, *args, **kwargs)
        if key == LOST_WORKER:
            seen.append((sys._getframe(1).f_globals["__name__"], value))
        return value

    monkeypatch.setattr(dask.config, "get", spy)
    connected = local_client(n_workers=1, threads_per_worker=1)
    try:
        [worker] = connected.scheduler_info()["workers"]
        # the worker leaves the scheduler (its process stays): the cluster hears it left
        connected.retire_workers([worker], close_workers=False, remove=True)
        deadline = time.monotonic() + 30
        while not any(reader == "distributed.deploy.spec" for reader, _ in seen):
            assert time.monotonic() < deadline, seen
            time.sleep(0.05)
        assert dask.config.get(LOST_WORKER) == default  # the process's setting is unchanged
    finally:
        connected.shutdown()
    assert [value for reader, value in seen if reader == "distributed.deploy.spec"] == [
        LOST_WORKER_WAIT]


def test_only_the_workers_citelint_started_freeze_their_heap(client, monkeypatch, tmp_path):
    """A worker of citelint's own cluster freezes its heap once it has checked a manuscript
    (citelint.batch.freeze_heap); the workers of a cluster it did not start are left alone."""
    import gc

    from distributed import Client

    inputs = split_seed(tmp_path)
    asked = []

    def spying(connected):
        submit = connected.submit

        def spy(function, *args, **kwargs):
            if function.__name__ == "_check":
                asked.append(args[-1])  # freeze
            return submit(function, *args, **kwargs)

        monkeypatch.setattr(connected, "submit", spy)
        return connected

    run_batch(inputs, tmp_path / "ours", offline_checker(), dask_engine(client=spying(client)))
    assert asked == [True] * len(inputs)
    assert any(client.run(gc.get_freeze_count).values())
    asked.clear()
    with Client(client.cluster.scheduler_address) as theirs:  # as with --scheduler
        run_batch(inputs, tmp_path / "theirs", offline_checker(),
                  dask_engine(client=spying(theirs)))
    assert asked == [False] * len(inputs)


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
    # answers slower than the shared lanes' margin: tokens come back a second after their
    # requests were written, before their answers
    fake_api.latency(0.4, "crossref")
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
        plugin = dask_scheduler.plugins[PacersPlugin.name]
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
    client.wait_for_workers(2, timeout=60)
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
    wait, first = pacers.try_start("Crossref", "list", "tcp://a")
    assert wait == 0
    pacers.release("Crossref", "list", first, announced, 200, None)
    wait, held_by_a = pacers.try_start("Crossref", "list", "tcp://a")
    assert wait == 0
    assert pacers.try_start("Crossref", "list", "tcp://b")[0] == 0
    assert pacers.try_start("Crossref", "list", "tcp://b")[0] > 0  # two in flight: wait
    clock.now = 0.5
    pacers.forget("tcp://a")  # a died with its request in flight
    # its slot is free again, but its request still counts in the rate window from now
    assert pacers.try_start("Crossref", "list", "tcp://b")[0] > 0  # 3 within the last second
    clock.now = 1.0
    assert pacers.try_start("Crossref", "list", "tcp://b")[0] == 0
    pacers.release("Crossref", "list", held_by_a, None, None, None)  # too late: ignored
    assert pacers.lanes["Crossref", "list"].in_flight == 2


def test_a_lane_goes_at_the_documented_limits_until_an_answer_announces_its_own(monkeypatch):
    from citelint import distributed as engine

    clock = Clock()
    monkeypatch.setattr(engine, "time", clock)
    monkeypatch.setattr(engine.LanePacer, "next_start", lambda self: self._paused_until)
    pacers = engine.SharedPacers()
    starts = [pacers.try_start("Crossref", "list") for _ in range(4)]
    assert [wait == 0 for wait, _ in starts] == [True, False, False, False]  # one at a time
    pacers.presume("Crossref", "list", 3, 1.0, 3)  # (what crossref.py documents)
    starts = [pacers.try_start("Crossref", "list") for _ in range(3)]
    assert [wait == 0 for wait, _ in starts] == [True, True, False]  # three in flight
    announced = {"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s",
                 "x-concurrency-limit": "5"}
    pacers.release("Crossref", "list", starts[0][1], announced, 200, None)
    pacers.presume("Crossref", "list", 3, 1.0, 3)  # another worker's: the answer wins
    assert pacers.lanes["Crossref", "list"].learner.limit == 2
    assert pacers.try_start("Crossref", "list")[0] > 0  # three tokens out, two allowed


def test_a_token_comes_back_after_its_request_was_written_not_after_a_slow_answer(monkeypatch):
    from citelint import distributed as engine

    clock = Clock()
    monkeypatch.setattr(engine, "time", clock)
    lane = engine._Lane(concurrency=3)
    lane.presume(1, 1.0, 3)
    wait, slow = lane.try_start()
    assert wait == 0
    clock.now = 0.1
    lane.sent(slow)  # written at 0.1 at the latest; its answer takes seconds
    assert lane.try_start()[0] > 0
    clock.now = 1.1 + lane.margin + 0.001  # its arrival's second is over
    wait, second = lane.try_start()
    assert wait == 0 and lane.in_flight == 2  # the slow one still in flight
    lane.release(second, None, 200, None)  # over before it was said to be written
    assert lane.try_start()[0] > 0  # its token comes back a second after its end
    clock.now += 1.0
    assert lane.try_start()[0] == 0


class Clock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now


@pytest.mark.parametrize("heard", [None, 0.01, 1.0])
def test_shared_lane_tokens_keep_every_window_within_the_limit_whatever_the_delays(
        monkeypatch, heard):
    """Requests are written at any moment between their start and their end, reach the service
    within the arrival margin of being written (and before their answer), and the scheduler
    hears that they were written (``heard``: up to so many seconds later, but before the
    answer; None: never): however late, no window of the announced interval at the service
    holds more than the announced limit. Told promptly when requests are written, the lane
    goes close to the limit."""
    import heapq
    import random
    import types

    from citelint import distributed as engine
    from citelint.sources import pacing

    clock = Clock()
    fake_time = types.SimpleNamespace(monotonic=clock.monotonic, sleep=None)
    monkeypatch.setattr(engine, "time", fake_time)
    monkeypatch.setattr(pacing, "time", fake_time)
    lane = engine._Lane(concurrency=1)
    lane.presume(4, 1.0, 3)
    margin = lane.margin
    rng = random.Random(7)
    announced = {"x-rate-limit-limit": "4", "x-rate-limit-interval": "1s",
                 "x-concurrency-limit": "3"}
    arrivals, events = [], []  # events: (when, what, ticket)
    while len(arrivals) < 200:
        wait, ticket = lane.try_start()
        if wait == 0:
            written = clock.now + rng.uniform(0.0, 0.3)
            arrival = written + rng.uniform(0.0, margin)
            end = arrival + rng.uniform(0.0, 0.6)
            arrivals.append(arrival)
            heapq.heappush(events, (end, "end", ticket))
            if heard is not None:
                heapq.heappush(events, (min(end, written + rng.uniform(0.0, heard)), "sent",
                                        ticket))
            continue
        if events and events[0][0] <= clock.now + wait:
            when, what, ticket = heapq.heappop(events)
            clock.now = max(clock.now, when)
            if what == "sent":
                lane.sent(ticket)
            else:
                lane.release(ticket, announced, 200, None)
        else:
            clock.now += max(wait, 1e-6)
    arrivals.sort()
    busiest = max(sum(1 for a in arrivals if start <= a < start + 1.0) for start in arrivals)
    assert busiest <= 4
    took = arrivals[-1] - arrivals[0]
    # and not paced far below it (seed 7: 77 s told nothing, 75 s told late, 68 s promptly;
    # every request reaching the service as late as the margin allows)
    assert took < 200 / 4 * (1.4 if heard == 0.01 else 1.7)


GRACE = 20.0


def test_a_manuscript_still_running_past_its_time_limit_is_stopped_and_rerun(
        client, fake_api: FakeAPI, tmp_path):
    """One manuscript's OpenAlex request hangs: past its limit and the grace the driver stops
    waiting for it, cancels it and restarts its worker (a running task cannot be interrupted),
    and records it as failed; the other is finished. A rerun checks only the failed one, and
    the table holds each manuscript once."""
    import csv

    fake_api.load_jsonl(SEED / "snapshot.jsonl")
    fake_api.hang("openalex", seconds=120)  # the first OpenAlex request: far past the limit
    inputs = split_seed(tmp_path)
    config = resolve_config(inputs[0])
    config.manuscript_timeout = 1.0
    out = tmp_path / "out"
    result = within(120, run_batch, inputs, out, Checker(config),
                    dask_engine(client=client, grace=GRACE))
    assert result.checked == 1 and len(result.failed) == 1
    [(path, failure)] = result.failed.items()
    assert not failure.bug and "time limit of 1.0 s" in failure.reason
    with (out / "summary.csv").open(encoding="utf-8") as f:
        summary = {s["path"]: s for s in csv.DictReader(f)}
    assert "time limit" in summary[path]["failed"] and summary[path]["references"] == "0"
    assert {r["path"] for r in corpus_rows(out)} == {str(p) for p in inputs} - {path}
    client.wait_for_workers(2, timeout=60)  # the stopped manuscript's worker, restarted
    rerun = within(120, run_batch, inputs, out, Checker(config),
                   dask_engine(client=client, grace=GRACE))
    assert (rerun.skipped, rerun.checked, rerun.failed) == (1, 1, {})
    rows = corpus_rows(out)
    assert {r["manuscript"] for r in rows} == {job_for(p).id for p in inputs}
    keys = [(r["manuscript"], r["reference"], r["rule"], r["message"]) for r in rows]
    assert len(keys) == len(set(keys))
    with (out / "summary.csv").open(encoding="utf-8") as f:
        assert [s["failed"] for s in csv.DictReader(f)] == ["", ""]
    assert not list((out / "parts").glob("*.failed.json"))


def test_the_profiler_is_turned_off_on_the_workers_of_a_cluster_citelint_did_not_start(client):
    """--scheduler: QuietProfiler stops a worker's profiling callbacks (Python 3.11 and older:
    they can deadlock it), and leaves its other callbacks alone."""
    import sys
    import types

    from citelint.distributed import QuietProfiler

    class Callback:
        running = True

        def stop(self):
            self.running = False

    callbacks = {"profile": Callback(), "profile-cycle": Callback(), "heartbeat": Callback()}
    worker = types.SimpleNamespace(periodic_callbacks=dict(callbacks))
    QuietProfiler().setup(worker)
    old = sys.version_info < (3, 12)
    assert set(worker.periodic_callbacks) == (
        {"heartbeat"} if old else {"profile", "profile-cycle", "heartbeat"})
    assert [c.running for c in callbacks.values()] == [not old, not old, True]
    if not old:
        return
    # on the workers of a real cluster, whose profiler runs (as a worker started with dask's
    # default settings runs it)
    client.run(start_profiler)
    assert profiling_callbacks(client) == [True, True]
    again = QuietProfiler()
    again.idempotent = False  # (every dask batch run registers it; this one sets them up again)
    client.register_plugin(again)
    assert profiling_callbacks(client) == [False, False]


def start_profiler(dask_worker):
    """Start a worker's profiling callbacks, as dask does when its profiler is on."""
    from tornado.ioloop import PeriodicCallback

    for name, callback in (("profile", dask_worker.trigger_profile),
                           ("profile-cycle", dask_worker.cycle_profile)):
        dask_worker.periodic_callbacks[name] = PeriodicCallback(callback, 10)
        dask_worker.periodic_callbacks[name].start()


def profiling_callbacks(client) -> list[bool]:
    def running(dask_worker):
        return any(callback.is_running() for name, callback
                   in dask_worker.periodic_callbacks.items() if name.startswith("profile"))

    return list(client.run(running).values())
