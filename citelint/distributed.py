"""The dask engine of ``citelint batch``: manuscripts checked on a dask.distributed cluster.

:func:`dask_engine` returns an engine for :func:`citelint.batch.run_batch` that sends each
manuscript to the cluster as one task and yields the finished parts as they come back; only the
process that runs the batch writes to the output directory. A worker that dies takes no
manuscript with it: the scheduler gives its tasks to another worker (up to dask's
``distributed.scheduler.allowed-failures``), and a task that raised is tried again ``retries``
times. The checker is scattered to every worker once, so each worker builds its sources (the
snapshot, the index, opened read-only, the transport) once and reuses them, and remembers the
works it has resolved.

Online, all workers together keep each service lane within one rate limit: the pacers of every
worker's transport are proxies (:class:`ClusterPacer`) of one :class:`SharedPacers` actor on the
cluster, which holds each lane's tokens and learns the limits the services announce (with a
:class:`~citelint.sources.pacing.LanePacer`), as a single process would. A token is held until
``interval`` after its request is over, not after it started: the time a request takes from a
worker to the service is unknown, and this bound holds whatever it is.

dask and distributed are an optional extra (``pip install 'citelint-integrity[dask]'``),
imported only here and only when this engine is used.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from citelint.batch import Checker, Job, Part
from citelint.sources.pacing import LanePacer

#: Seconds a worker waits before asking the shared pacer again when every request slot of a
#: lane is in use (the actor cannot block: it answers every worker from one thread).
POLL = 0.02


class _Lane:
    """One lane's tokens across the cluster. A request holds a token from its start until
    ``interval`` seconds after it is over, so however long a worker's request takes to reach the
    service, no window of ``interval`` seconds there sees more than ``limit`` of them. The lane's
    :class:`LanePacer` learns the limits the answers announce, and the pause a 429 asks for."""

    def __init__(self, concurrency: int) -> None:
        self.learner = LanePacer(concurrency)
        self.in_flight = 0
        self.ended: deque[float] = deque()

    def try_start(self) -> float:
        learner, now = self.learner, time.monotonic()
        paused = learner.next_start() - now
        if paused > 0:
            return paused
        if self.in_flight >= learner.concurrency:
            return POLL
        while self.ended and self.ended[0] <= now - learner.interval:
            self.ended.popleft()
        if learner.limit and self.in_flight + len(self.ended) >= learner.limit:
            if not self.ended:
                return POLL
            return self.ended[0] + learner.interval - now
        self.in_flight += 1
        return 0.0

    def release(self, headers: dict[str, str] | None, status: int | None,
                retry_after: float | None) -> None:
        self.in_flight -= 1
        self.ended.append(time.monotonic())
        self.learner.release(headers, status, retry_after)


class SharedPacers:
    """The pacing of every (service, lane) for the whole cluster; lives as a dask actor.

    :meth:`try_start` never blocks (the actor answers every worker from one thread): it starts a
    request when the lane's tokens, concurrency and any pause allow it now, or says how long to
    wait before asking again."""

    def __init__(self, concurrency: int = 1) -> None:
        self.concurrency = concurrency
        self.lanes: dict[tuple[str, str], _Lane] = {}

    def _lane(self, service: str, lane: str) -> _Lane:
        if (service, lane) not in self.lanes:
            self.lanes[service, lane] = _Lane(self.concurrency)
        return self.lanes[service, lane]

    def try_start(self, service: str, lane: str) -> float:
        """0 when a request of this lane may start now (it is counted as started), else the
        seconds to wait before asking again."""
        return self._lane(service, lane).try_start()

    def release(self, service: str, lane: str, headers: dict[str, str] | None,
                status: int | None, retry_after: float | None) -> None:
        self._lane(service, lane).release(headers, status, retry_after)

    def ready(self) -> bool:
        return True


class ClusterPacer:
    """A worker's pacer of one lane: asks the cluster's :class:`SharedPacers` actor."""

    def __init__(self, actor: Any, service: str, lane: str) -> None:
        self.actor, self.service, self.lane = actor, service, lane

    def acquire(self) -> None:
        while (wait := self.actor.try_start(self.service, self.lane).result()) > 0:
            time.sleep(min(wait, 1.0))

    def release(self, headers: Mapping[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        self.actor.release(self.service, self.lane, dict(headers) if headers is not None
                           else None, status, retry_after).result()


class ClusterPacers:
    """The pacer factory of every worker's transport: :class:`ClusterPacer` proxies of one
    :class:`SharedPacers` actor (picklable: it holds only the actor's handle)."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def __call__(self, service: str, lane: str) -> ClusterPacer:
        return ClusterPacer(self.actor, service, lane)


def _check(checker: Checker, job: Job, actor: Any) -> Part:
    if actor is not None and checker.pacers is None:  # the worker's first manuscript
        # a call from this task's thread binds the actor's handle to this worker; the threads
        # that resolve references (no worker of their own) then use it through that binding
        actor.ready().result()
        checker.pacers = ClusterPacers(actor)
    return checker.check(job)


def dask_engine(scheduler: str | None = None, retries: int = 2, client: Any = None):
    """An engine that checks on the dask cluster at ``scheduler`` (an address such as
    ``tcp://host:8786``), or, without one, on a local cluster of this machine's cores; or
    through an already connected ``client``."""
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # the optional extra is not installed
        from citelint.readers import InputError

        raise InputError("--engine dask needs dask.distributed: pip install "
                         "'citelint-integrity[dask]'.") from exc

    def engine(checker: Checker, jobs: list[Job]) -> Iterator[Part | tuple[Job, str]]:
        own = client is None
        connected = client or (Client(scheduler) if scheduler else Client(processes=True))
        online = not checker.config.offline and any(
            s in ("crossref", "openalex") for s in checker.config.sources)
        try:
            remote = dataclasses.replace(checker, pacers=None, built=None)
            shared = connected.scatter(remote, broadcast=True, hash=False)
            pending, rounds = list(jobs), 0
            while pending:  # a round per shared-pacers actor: one is lost with its worker
                hosted = connected.submit(SharedPacers, actor=True) if online else None
                actor = hosted.result() if hosted is not None else None
                futures = {connected.submit(_check, shared, job, actor, retries=retries,
                                            key=f"citelint-{job.id}-{rounds}", pure=False): job
                           for job in pending}
                pending = []
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        yield future.result()
                    except Exception as exc:  # retries used up, or every worker it met died
                        if hosted is not None and hosted.status != "finished" and (
                                rounds < retries):
                            pending.append(job)  # the actor died with its worker: again
                        else:
                            yield job, f"{type(exc).__name__}: {exc}"
                rounds += 1
        finally:
            if own:
                connected.close()

    return engine
