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
worker's transport are proxies (:class:`ClusterPacer`) of one :class:`SharedPacers` kept by the
cluster's scheduler (installed by :class:`PacersPlugin`, a scheduler plugin), which holds each
lane's tokens and learns the limits the services announce (with a
:class:`~citelint.sources.pacing.LanePacer`), as a single process would. A token is held until
``interval`` after its request is over, not after it started: the time a request takes from a
worker to the service is unknown, and this bound holds whatever it is. The scheduler outlives
every worker, so no worker takes the limit with it when it dies; the tokens a dead worker held
count as requests that ended when it left, and their lane goes on with the others.

dask and distributed are an optional extra (``pip install 'citelint-integrity[dask]'``),
imported only here and only when this engine is used.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from typing import Any

from citelint.batch import Checker, Job, Part
from citelint.sources.pacing import LanePacer

try:
    from distributed.diagnostics.plugin import SchedulerPlugin
except ImportError:  # the optional extra is missing: dask_engine says how to install it
    SchedulerPlugin = object  # type: ignore[misc,assignment]

#: Seconds the shared pacers wait before trying a lane again when every request slot of it is
#: in use (sooner when a request of the lane ends).
POLL = 0.02
#: The least wait :meth:`SharedPacers.try_start` answers (0 means "started").
MIN_WAIT = 0.001
#: Seconds the scheduler holds a worker's request for a token before answering "ask again"
#: (so that no answer waits on the network for long).
LONG_POLL = 2.0


class _Lane:
    """One lane's tokens across the cluster. A request holds a token from its start until
    ``interval`` seconds after it is over, so however long a worker's request takes to reach the
    service, no window of ``interval`` seconds there sees more than ``limit`` of them. The lane's
    :class:`LanePacer` learns the limits the answers announce, and the pause a 429 asks for."""

    def __init__(self, concurrency: int) -> None:
        self.learner = LanePacer(concurrency)
        self.in_flight = 0
        self.ended: deque[float] = deque()
        #: requests in flight per holder (a worker's address), so that a holder that leaves
        #: gives its tokens back
        self.holders: Counter[str] = Counter()

    def try_start(self, holder: str = "") -> float:
        learner, now = self.learner, time.monotonic()
        paused = learner.next_start() - now
        if paused > 0:
            return max(paused, MIN_WAIT)
        if self.in_flight >= learner.concurrency:
            return POLL
        while self.ended and self.ended[0] + learner.interval <= now:
            self.ended.popleft()  # its token is back
        if learner.limit and self.in_flight + len(self.ended) >= learner.limit:
            if not self.ended:
                return POLL
            return max(self.ended[0] + learner.interval - now, MIN_WAIT)
        self.in_flight += 1
        self.holders[holder] += 1
        return 0.0

    def release(self, headers: dict[str, str] | None, status: int | None,
                retry_after: float | None, holder: str = "") -> None:
        if self.holders[holder] <= 0:  # its holder left before it: already given back
            return
        self.holders[holder] -= 1
        self.in_flight -= 1
        self.ended.append(time.monotonic())
        self.learner.release(headers, status, retry_after)

    def forget(self, holder: str) -> None:
        """``holder`` is gone: each request it had in flight counts as over now (it may have
        reached the service a moment ago, so its token comes back ``interval`` from now)."""
        held = self.holders.pop(holder, 0)
        if held > 0:
            self.in_flight -= held
            self.ended.extend([time.monotonic()] * held)


class SharedPacers:
    """The pacing of every (service, lane) for the whole cluster, kept by the scheduler
    (:class:`PacersPlugin`).

    :meth:`try_start` never blocks (the scheduler answers every worker from its event loop): it
    starts a request when the lane's tokens, concurrency and any pause allow it now, or says how
    long to wait before asking again. ``holder`` names who holds the request (a worker's
    address), so that :meth:`forget` can give back what a worker that left held."""

    def __init__(self, concurrency: int = 1) -> None:
        self.concurrency = concurrency
        self.lanes: dict[tuple[str, str], _Lane] = {}

    def _lane(self, service: str, lane: str) -> _Lane:
        if (service, lane) not in self.lanes:
            self.lanes[service, lane] = _Lane(self.concurrency)
        return self.lanes[service, lane]

    def try_start(self, service: str, lane: str, holder: str = "") -> float:
        """0 when a request of this lane may start now (it is counted as started), else the
        seconds to wait before asking again."""
        return self._lane(service, lane).try_start(holder)

    def release(self, service: str, lane: str, holder: str = "",
                headers: dict[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        self._lane(service, lane).release(headers, status, retry_after, holder)

    def forget(self, holder: str) -> None:
        """``holder`` left: the requests it had in flight count as over now, in every lane."""
        for lane in self.lanes.values():
            lane.forget(holder)


#: The scheduler's handlers that :class:`ClusterPacer` calls.
START, RELEASE = "citelint_pace_start", "citelint_pace_release"


class PacersPlugin(SchedulerPlugin):
    """Keeps the cluster's :class:`SharedPacers` on the dask scheduler, which outlives every
    worker, and answers the workers' :class:`ClusterPacer` through two scheduler handlers. A
    worker that leaves (killed, out of memory, node lost) gives back the tokens it held.

    A worker's request for a token is held on the scheduler (up to :data:`LONG_POLL` seconds)
    until the lane lets it start, woken when a request of the lane ends: one round trip per
    request, however long it waits, and no worker polls the scheduler.

    Registered once per cluster (a second registration is ignored), so every batch run on one
    cluster shares it, as they share the services' limits. The scheduler needs citelint
    installed to load it."""

    name = "citelint-pacers"
    idempotent = True

    def __init__(self) -> None:
        # made on the scheduler, in start() (locks and events do not travel)
        self.pacers: SharedPacers | None = None
        self.scheduler: Any = None
        self.ended: dict[tuple[str, str], asyncio.Event] = {}

    async def start(self, scheduler: Any) -> None:
        self.scheduler, self.pacers = scheduler, SharedPacers()
        scheduler.handlers[START] = self.try_start
        scheduler.handlers[RELEASE] = self.release

    async def try_start(self, service: str, lane: str, holder: str) -> float:
        """0 once a request of the lane may start (counted as started for ``holder``); a wait
        before asking again after :data:`LONG_POLL` seconds without a turn."""
        assert self.pacers is not None
        deadline = time.monotonic() + LONG_POLL
        while True:
            if holder not in self.scheduler.workers:  # it left (or is not yet back): no token
                await asyncio.sleep(MIN_WAIT * 100)
                return MIN_WAIT * 100
            wait = self.pacers.try_start(service, lane, holder)
            left = deadline - time.monotonic()
            if wait == 0 or left <= 0:
                return wait
            ended = self.ended.setdefault((service, lane), asyncio.Event())
            try:  # until the wait is over, or a request of the lane ends
                await asyncio.wait_for(ended.wait(), min(wait, left))
            except asyncio.TimeoutError:
                pass

    def release(self, service: str, lane: str, holder: str,
                headers: dict[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        assert self.pacers is not None
        self.pacers.release(service, lane, holder, headers, status, retry_after)
        self._wake((service, lane))

    def remove_worker(self, scheduler: Any, worker: str, **kwargs: Any) -> None:
        if self.pacers is not None:
            self.pacers.forget(worker)
            for lane in list(self.ended):
                self._wake(lane)

    def _wake(self, lane: tuple[str, str]) -> None:
        """Wake the requests waiting for a turn in ``lane`` (the next ones wait on a new
        event)."""
        event = self.ended.pop(lane, None)
        if event is not None:
            event.set()


def _announced(headers: Mapping[str, str]) -> dict[str, str]:
    """The limits an answer announces (all a pacer learns from), with lower-case names."""
    return {k.lower(): v for k, v in headers.items()
            if k.lower().startswith(("x-rate-limit-", "x-concurrency-limit"))}


class ClusterPacer:
    """A worker's pacer of one lane: asks the scheduler's :class:`SharedPacers`. Safe to use
    from any thread of the worker's process (the resolver's threads are not dask tasks)."""

    def __init__(self, worker: Any, service: str, lane: str) -> None:
        self.worker, self.service, self.lane = worker, service, lane

    def _ask(self, handler: str, **more: Any) -> Any:
        from distributed.utils import sync

        return sync(self.worker.loop, getattr(self.worker.scheduler, handler),
                    service=self.service, lane=self.lane, holder=self.worker.address, **more)

    def acquire(self) -> None:
        while self._ask(START) > 0:  # the scheduler held it without a turn: ask again
            pass

    def release(self, headers: Mapping[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        self._ask(RELEASE, headers=None if headers is None else _announced(headers),
                  status=status, retry_after=retry_after)


class ClusterPacers:
    """The pacer factory of a worker's transport: :class:`ClusterPacer` proxies of the
    scheduler's pacers, through ``worker``. It is bound to one worker: a copy sent elsewhere
    arrives unbound, and is bound again there before its first use."""

    def __init__(self, worker: Any = None) -> None:
        self.worker = worker

    def __reduce__(self) -> tuple[Any, ...]:
        return (ClusterPacers, ())

    def __call__(self, service: str, lane: str) -> ClusterPacer:
        return ClusterPacer(self.worker, service, lane)


def _check(checker: Checker, job: Job, online: bool) -> Part:
    if online and checker.built is None:  # this worker's first manuscript: bind its pacers
        from distributed import get_worker

        checker.pacers = ClusterPacers(get_worker())
    return checker.check(job)


#: The dask setting citelint turns off for the workers it starts: dask's statistical profiler.
#: On Python 3.11 its ``sys._current_frames()`` (every 10 ms) and dask's garbage-collection
#: callback can deadlock a worker for good when a thread starts meanwhile (CPython issue 116969,
#: dask distributed issue 8616); citelint's resolver starts threads for every manuscript, and a
#: 10,000-manuscript run met it twice. The profile only feeds dask's dashboard.
PROFILER = "distributed.worker.profile.enabled"


def local_client(**cluster: Any) -> Any:
    """A client of a new ``LocalCluster`` of worker processes (``cluster``: its options, e.g.
    ``n_workers``) whose workers run without dask's profiler (:data:`PROFILER`), including
    those started in place of workers that died; closing the client stops the cluster."""
    import copy

    import dask
    from distributed import Client

    # each worker's nanny starts every worker process with ``config`` (its own copy: a nanny
    # merges it over dask's settings key by key at the top level only)
    config = copy.deepcopy(dask.config.config)
    *path, last = PROFILER.split(".")
    node = config
    for key in path:
        node = node.setdefault(key, {})
    node[last] = False
    return Client(processes=True, dashboard_address=None, config=config, **cluster)


def _install_pacers(client: Any) -> None:
    try:
        client.register_plugin(PacersPlugin())
    except Exception as exc:  # e.g. a scheduler without citelint
        from citelint.readers import InputError

        raise InputError(
            f"the dask scheduler at {client.scheduler.address} could not take citelint's shared "
            f"pacing of the online services ({type(exc).__name__}: {exc}); install "
            "citelint-integrity[dask] where the scheduler runs too, or check offline "
            "(--offline --index INDEX).") from exc


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
        connected = client or (Client(scheduler) if scheduler else local_client())
        online = not checker.config.offline and any(
            s in ("crossref", "openalex") for s in checker.config.sources)
        try:
            if online:
                _install_pacers(connected)
            remote = dataclasses.replace(checker, pacers=None, built=None)
            shared = connected.scatter(remote, broadcast=True, hash=False)
            futures = {connected.submit(_check, shared, job, online, retries=retries,
                                        key=f"citelint-{job.id}", pure=False): job
                       for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # retries used up, or every worker it met died
                    yield job, f"{type(exc).__name__}: {exc}"
                future.release()
        finally:
            if own:
                connected.close()

    return engine
