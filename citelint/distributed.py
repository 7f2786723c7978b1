"""The dask engine of ``citelint batch``: manuscripts checked on a dask.distributed cluster.

:func:`dask_engine` returns an engine for :func:`citelint.batch.run_batch` that sends each
manuscript to the cluster as one task and yields the finished parts as they come back; only the
process that runs the batch writes to the output directory. A worker that dies takes no
manuscript with it: the scheduler gives its tasks to another worker (up to dask's
``distributed.scheduler.allowed-failures``), and a task that raised is tried again ``retries``
times. The checker goes to the cluster once (a task's result each worker fetches), so each worker
builds its sources (the snapshot, the index, opened read-only, the transport) once and reuses
them, and remembers the works it has resolved. With a time limit per manuscript, one still
running well past it is stopped (:class:`_Overseer`) and failed, for a rerun.

Online, all workers together keep each service lane within one rate limit: the pacers of every
worker's transport are proxies (:class:`ClusterPacer`) of one :class:`SharedPacers` kept by the
cluster's scheduler (installed by :class:`PacersPlugin`, a scheduler plugin), which holds each
lane's tokens and learns the limits the services announce (with a
:class:`~citelint.sources.pacing.LanePacer`; until then it goes at the limits they document), as
a single process would. A token is held until ``interval`` after its request reached the
service at the latest: after the worker said it wrote the request, plus the arrival margin, or
after the request is over, whichever the scheduler hears of first (the time a request takes from
a worker to the service is unknown, and this bound holds whatever it is). The scheduler outlives
every worker, so no worker takes the limit with it when it dies; the tokens a dead worker held
count as requests that ended when it left, and their lane goes on with the others.

dask and distributed are an optional extra (``pip install 'citelint-integrity[dask]'``),
imported only here and only when this engine is used.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from citelint.batch import Checker, Failed, Job, Part, freeze_heap
from citelint.sources.pacing import LanePacer

try:
    from distributed import LocalCluster
    from distributed.diagnostics.plugin import SchedulerPlugin, WorkerPlugin
except ImportError:  # the optional extra is missing: dask_engine says how to install it
    SchedulerPlugin = WorkerPlugin = LocalCluster = object  # type: ignore[misc,assignment]

log = logging.getLogger("citelint.distributed")

#: Seconds the shared pacers wait before trying a lane again when every request slot of it is
#: in use (sooner when a request of the lane ends).
POLL = 0.02
#: The least wait :meth:`SharedPacers.try_start` answers (0 means "started").
MIN_WAIT = 0.001
#: Seconds within which a request that a worker has written reaches the service, by the
#: service's clock, counted from when the scheduler hears that it was written. Wider than a
#: single process's arrival margin (50 ms, ``citelint.sources.pacing.ARRIVAL_MARGIN``): the
#: worker, the network and the service each may be late to handle it, and at 50 ms the fake
#: service of the tests, in the scheduler's own process on the loaded 2-core machine, once
#: saw 5 requests in a second announced at 4. A request answered sooner than this counts
#: from its answer instead, so only requests slower than this gain by being told written.
SENT_MARGIN = 0.25
#: Seconds the scheduler holds a worker's request for a token before answering "ask again"
#: (so that no answer waits on the network for long).
LONG_POLL = 2.0


class _Lane:
    """One lane's tokens across the cluster. Each request takes a token when it starts; the
    token comes back ``interval`` seconds after the request reached the service at the latest:
    after the worker said it wrote the request (:meth:`sent`, the lane's arrival margin added
    for the way to the service) or after the request was over, whichever is known first, so no
    window of ``interval`` seconds at the service sees more than ``limit`` of them, however
    long a request takes from a worker to the service. The lane's :class:`LanePacer` learns the
    limits the answers announce (or goes at the documented ones until then: :meth:`presume`),
    and the pause a 429 asks for."""

    def __init__(self, concurrency: int) -> None:
        self.learner = LanePacer(concurrency)
        #: requests in flight: their holder (a worker's address), by ticket, so that a holder
        #: that leaves gives its tokens back
        self.requests: dict[int, str] = {}
        #: the tokens out, by ticket: when each comes back (None: not known yet)
        self.back: dict[int, float | None] = {}
        self.tickets = 0

    @property
    def in_flight(self) -> int:
        return len(self.requests)

    @property
    def margin(self) -> float:
        """Seconds within which a request written reaches the service, by the service's clock:
        :data:`SENT_MARGIN`, or the lane's arrival margin once 429s have made it longer."""
        return max(SENT_MARGIN, self.learner.margin)

    def presume(self, limit: int, interval: float, concurrency: int) -> None:
        """Go at the service's documented limits until an answer announces its own."""
        self.learner.presume(limit, interval, concurrency)

    def try_start(self, holder: str = "") -> tuple[float, int]:
        """``(0, ticket)`` when a request may start now (it holds a token and a slot until
        it is over; ``ticket`` names it), else ``(seconds to wait, 0)``."""
        learner, now = self.learner, time.monotonic()
        paused = learner.next_start() - now
        if paused > 0:
            return max(paused, MIN_WAIT), 0
        if len(self.requests) >= learner.concurrency:
            return POLL, 0
        for ticket, at in list(self.back.items()):  # at most the limit and those in flight
            if at is not None and at <= now:
                del self.back[ticket]  # its token is back
        if learner.limit and len(self.back) >= learner.limit:
            known = [at for at in self.back.values() if at is not None]
            return (max(min(known) - now, MIN_WAIT) if known else POLL), 0
        self.tickets += 1
        self.requests[self.tickets] = holder
        self.back[self.tickets] = None
        return 0.0, self.tickets

    def sent(self, ticket: int) -> None:
        """The request has been written to the wire (told after the fact: now is later than
        that): it reaches the service within the arrival margin, and its token comes back
        ``interval`` after that."""
        if ticket in self.requests and self.back.get(ticket, 0.0) is None:
            self.back[ticket] = time.monotonic() + self.learner.interval + self.margin

    def _over(self, ticket: int) -> None:
        """The request is over (its answer came, or it was given up): it reached the service
        before now, if ever."""
        del self.requests[ticket]
        if ticket in self.back:
            latest = time.monotonic() + self.learner.interval
            known = self.back[ticket]
            self.back[ticket] = latest if known is None else min(known, latest)

    def release(self, ticket: int, headers: dict[str, str] | None, status: int | None,
                retry_after: float | None) -> None:
        if ticket not in self.requests:  # its holder left before it: already given back
            return
        self._over(ticket)
        self.learner.release(headers, status, retry_after)

    def forget(self, holder: str) -> None:
        """``holder`` is gone: each request it had in flight counts as over now (it may have
        reached the service a moment ago, so its token comes back ``interval`` from now)."""
        for ticket in [t for t, h in self.requests.items() if h == holder]:
            self._over(ticket)


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

    def presume(self, service: str, lane: str, limit: int, interval: float,
                concurrency: int) -> None:
        """Let the lane go at the limits its service documents until an answer announces its
        own (see :meth:`LanePacer.presume`)."""
        self._lane(service, lane).presume(limit, interval, concurrency)

    def try_start(self, service: str, lane: str, holder: str = "") -> tuple[float, int]:
        """``(0, ticket)`` when a request of this lane may start now (it is counted as started;
        the ticket names it in :meth:`sent` and :meth:`release`), else the seconds to wait
        before asking again (and 0)."""
        return self._lane(service, lane).try_start(holder)

    def sent(self, service: str, lane: str, ticket: int) -> None:
        self._lane(service, lane).sent(ticket)

    def release(self, service: str, lane: str, ticket: int,
                headers: dict[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        self._lane(service, lane).release(ticket, headers, status, retry_after)

    def forget(self, holder: str) -> None:
        """``holder`` left: the requests it had in flight count as over now, in every lane."""
        for lane in self.lanes.values():
            lane.forget(holder)


#: The scheduler's handlers that :class:`ClusterPacer` calls (version 2: requests named by
#: tickets; a scheduler that still runs the first version's plugin keeps it for the runs of
#: older workers, and takes this one beside it: runs of the two versions at the same time do not
#: share their tokens).
START, SENT, RELEASE, PRESUME = ("citelint_pace2_start", "citelint_pace2_sent",
                                 "citelint_pace2_release", "citelint_pace2_presume")


class PacersPlugin(SchedulerPlugin):
    """Keeps the cluster's :class:`SharedPacers` on the dask scheduler, which outlives every
    worker, and answers the workers' :class:`ClusterPacer` through scheduler handlers. A
    worker that leaves (killed, out of memory, node lost) gives back the tokens it held.

    A worker's request for a token is held on the scheduler (up to :data:`LONG_POLL` seconds)
    until the lane lets it start, woken when a request of the lane ends: one round trip per
    request, however long it waits, and no worker polls the scheduler.

    Registered once per cluster (a second registration is ignored), so every batch run on one
    cluster shares it, as they share the services' limits. The scheduler needs citelint
    installed to load it."""

    name = "citelint-pacers-2"
    idempotent = True

    def __init__(self) -> None:
        # made on the scheduler, in start() (locks and events do not travel)
        self.pacers: SharedPacers | None = None
        self.scheduler: Any = None
        self.ended: dict[tuple[str, str], asyncio.Event] = {}

    async def start(self, scheduler: Any) -> None:
        self.scheduler, self.pacers = scheduler, SharedPacers()
        scheduler.handlers[START] = self.try_start
        scheduler.handlers[SENT] = self.sent
        scheduler.handlers[RELEASE] = self.release
        scheduler.handlers[PRESUME] = self.presume

    async def try_start(self, service: str, lane: str, holder: str) -> tuple[float, int]:
        """``(0, ticket)`` once a request of the lane may start (counted as started for
        ``holder``); a wait before asking again after :data:`LONG_POLL` seconds without a
        turn."""
        assert self.pacers is not None
        deadline = time.monotonic() + LONG_POLL
        while True:
            if holder not in self.scheduler.workers:  # it left (or is not yet back): no token
                await asyncio.sleep(MIN_WAIT * 100)
                return MIN_WAIT * 100, 0
            wait, ticket = self.pacers.try_start(service, lane, holder)
            left = deadline - time.monotonic()
            if wait == 0 or left <= 0:
                return wait, ticket
            ended = self.ended.setdefault((service, lane), asyncio.Event())
            try:  # until the wait is over, or a request of the lane ends
                await asyncio.wait_for(ended.wait(), min(wait, left))
            except asyncio.TimeoutError:
                pass

    def sent(self, service: str, lane: str, ticket: int) -> None:
        assert self.pacers is not None
        self.pacers.sent(service, lane, ticket)

    def release(self, service: str, lane: str, ticket: int,
                headers: dict[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        assert self.pacers is not None
        self.pacers.release(service, lane, ticket, headers, status, retry_after)
        self._wake((service, lane))

    def presume(self, service: str, lane: str, limit: int, interval: float,
                concurrency: int) -> None:
        assert self.pacers is not None
        self.pacers.presume(service, lane, limit, interval, concurrency)
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
    from any thread of the worker's process (the resolver's threads are not dask tasks); a
    thread's :meth:`sent` and :meth:`release` are of the request it last acquired."""

    def __init__(self, worker: Any, service: str, lane: str) -> None:
        self.worker, self.service, self.lane = worker, service, lane
        self._mine = threading.local()  # the ticket of this thread's request

    def _ask(self, handler: str, **more: Any) -> Any:
        from distributed.utils import sync

        return sync(self.worker.loop, getattr(self.worker.scheduler, handler),
                    service=self.service, lane=self.lane, **more)

    def presume(self, limit: int, interval: float, concurrency: int) -> None:
        self._ask(PRESUME, limit=limit, interval=interval, concurrency=concurrency)

    def acquire(self) -> None:
        while True:
            wait, ticket = self._ask(START, holder=self.worker.address)
            if wait == 0:  # else the scheduler held it without a turn: ask again
                self._mine.ticket = ticket
                return

    def sent(self) -> None:
        ticket = getattr(self._mine, "ticket", None)
        if ticket is not None:
            self._ask(SENT, ticket=ticket)

    def release(self, headers: Mapping[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        ticket, self._mine.ticket = getattr(self._mine, "ticket", None), None
        if ticket is not None:
            self._ask(RELEASE, ticket=ticket, status=status, retry_after=retry_after,
                      headers=None if headers is None else _announced(headers))


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


def _same(checker: Checker) -> Checker:
    return checker


def _key(job: Job) -> str:
    """The dask key of a manuscript's task."""
    return f"citelint-{job.id}"


#: Set in a worker process of citelint's own cluster once it has frozen its heap.
_FROZEN = threading.Event()


def _check(checker: Checker, job: Job, online: bool, topic: str | None = None,
           freeze: bool = False) -> Part:
    """Check ``job`` on a worker; ``freeze``: the worker is one citelint started, whose heap
    is frozen once its first manuscript is checked (see :func:`citelint.batch.freeze_heap`)."""
    if topic is not None:  # the driver times the manuscript from now (see _Overseer)
        from distributed import get_worker

        worker = get_worker()
        worker.log_event(topic, {"key": _key(job), "worker": worker.address})
    if online and checker.built is None:  # this worker's first manuscript: bind its pacers
        from distributed import get_worker

        checker.pacers = ClusterPacers(get_worker())
    part = checker.check(job)
    if freeze and not _FROZEN.is_set():
        _FROZEN.set()
        freeze_heap()
    return part


#: Seconds, beyond the request budget, that the driver lets a manuscript run past its time
#: limit before it stops it: the look-ups under way when the limit ran out end within the
#: request budget, and the rules then check what was resolved (a 20,000-reference list in
#: well under a minute).
GRACE = 60.0
#: Seconds between the driver's looks at the manuscripts running.
TICK = 0.1
#: Seconds a worker restarted by the driver (see :class:`_Overseer`) may take to stop and be
#: back.
RESTART = 60.0


def _where(key: str, dask_scheduler: Any = None) -> tuple[str, str | None] | None:
    """Run on the scheduler: the worker ``key`` is processing on, and that worker's nanny."""
    task = dask_scheduler.tasks.get(key)
    worker = task.processing_on if task is not None else None
    return None if worker is None else (worker.address, worker.nanny)


class _Overseer:
    """Stops the manuscripts still running ``allowed`` seconds after they started: each task
    says on which worker it starts (a dask event on ``topic``, timed here when it arrives).

    Cancelling a task does not stop it (dask cannot interrupt a running Python thread: the
    worker only marks it cancelled and its thread runs on, holding a thread of the worker), so
    the worker it runs on is restarted, when a nanny can restart it; the other manuscripts it
    was running are retried elsewhere, as when a worker dies."""

    def __init__(self, client: Any, limit: float, grace: float) -> None:
        import uuid

        self.client, self.limit, self.grace = client, limit, grace
        self.topic = f"citelint-started-{uuid.uuid4().hex}"
        self.running: dict[str, tuple[float, str]] = {}  # key: when it started, and where
        self.lock = threading.Lock()

    def started(self, event: tuple[float, dict[str, str]]) -> None:
        """A task started (the handler of the topic's events, on the client's event loop)."""
        message = event[1]
        with self.lock:
            self.running[message["key"]] = (time.monotonic(), message["worker"])

    def finished(self, key: str) -> None:
        with self.lock:
            self.running.pop(key, None)

    def overrun(self, pending: Mapping[str, Any]) -> list[str]:
        """The keys among ``pending`` that have run too long, stopped (cancelled, their worker
        restarted); a task the scheduler has moved since it started is timed afresh when it
        starts again."""
        now, late = time.monotonic(), []
        with self.lock:
            for key, (since, _worker) in list(self.running.items()):
                if now - since > self.limit + self.grace:
                    late.append((key, self.running.pop(key)[1]))
        stopped = []
        for key, worker in late:
            if key not in pending:
                continue  # finished (its start was heard after its result)
            try:
                where = self.client.run_on_scheduler(_where, key)
            except Exception:  # e.g. a scheduler without citelint (an offline run needs none)
                where = (worker, "its nanny, if any")  # restart_workers checks for one
            if where is None or where[0] != worker:
                continue  # moved to another worker (it died) since it started
            pending[key].cancel()
            if where[1]:  # in the background: the others' results keep coming meanwhile
                threading.Thread(target=self._restart, args=(worker,), daemon=True,
                                 name="citelint-restart").start()
            else:
                log.warning("The worker %s has no nanny to restart it: the thread of the "
                            "manuscript stopped past its time limit runs on there.", worker)
            stopped.append(key)
        return stopped

    def _restart(self, worker: str) -> None:
        try:
            self.client.restart_workers([worker], timeout=RESTART, raise_for_error=False)
        except Exception as exc:  # e.g. the run ended and its cluster closed meanwhile
            log.warning("The worker %s could not be restarted (%s: %s).", worker,
                        type(exc).__name__, exc)

    def failure(self, job: Job) -> Failed:
        from citelint.sources.limited import TimeLimit

        return Failed(job, f"{TimeLimit(self.limit, 0.0).described} ran out, and it was still "
                      f"running {self.grace:g} s later: it was stopped, and is not finished; a "
                      "rerun tries it again.", bug=False)


def _outcomes(futures: dict[Any, Job], overseer: _Overseer | None) -> Iterator[Part | Failed]:
    """Each manuscript's part, or why it failed, as they come back; with an ``overseer``,
    stopping those that run too long (looked at every :data:`TICK` seconds)."""
    from distributed import as_completed

    pending = {future.key: future for future in futures}
    completed = as_completed(futures)
    looked = time.monotonic()
    while not completed.is_empty():
        ready = completed.next_batch(block=overseer is None)
        for future in ready:
            if pending.pop(future.key, None) is None:
                continue  # stopped (cancelled) before
            if overseer is not None:
                overseer.finished(future.key)
            job = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # retries used up, or every worker it met died
                yield Failed(job, f"{type(exc).__name__}: {exc}")
            future.release()
        if overseer is None:
            continue
        if time.monotonic() - looked >= TICK:  # also while results keep coming
            looked = time.monotonic()
            for key in overseer.overrun(pending):
                yield overseer.failure(futures[pending.pop(key)])
        if not ready:
            time.sleep(TICK)


#: The dask setting citelint turns off for the workers it starts: dask's statistical profiler.
#: On Python 3.11 its ``sys._current_frames()`` (every 10 ms) and dask's garbage-collection
#: callback can deadlock a worker for good when a thread starts meanwhile (CPython issue 116969,
#: dask distributed issue 8616); citelint's resolver starts threads for every manuscript, and a
#: 10,000-manuscript run met it twice. The profile only feeds dask's dashboard.
PROFILER = "distributed.worker.profile.enabled"


class QuietProfiler(WorkerPlugin):
    """Turns dask's statistical profiler (:data:`PROFILER`) off on every worker of the cluster,
    those that join later included, when the worker runs Python 3.11 or older (3.12 collects
    garbage only between bytecodes, and does not deadlock so). For clusters citelint did not
    start (``--scheduler``): it stops the worker's two profiling callbacks, which only feed the
    dashboard's profile; a worker that joins later is set up before they start. The worker's
    own event-loop profiler is already off on Python 3.11 (dask turns it off there)."""

    name = "citelint-no-profiler"
    idempotent = True

    def setup(self, worker: Any) -> None:
        import sys

        if sys.version_info >= (3, 12):
            return
        for name in ("profile", "profile-cycle"):
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()


#: The dask setting that says how long a ``LocalCluster`` waits, after a worker left, for one
#: of the same name to join (a nanny restarting the worker it lost) before it closes that
#: worker's nanny for good (distributed.yaml: "Interval after which to hard-close a lost
#: worker job"; dask's default is 15 s).
LOST_WORKER = "distributed.deploy.lost-worker-timeout"
#: Seconds the cluster citelint starts waits so (at least: a longer dask setting is kept). A
#: worker that died (out of memory, or restarted by :class:`_Overseer`) is started again by its
#: nanny, which on a busy machine can take more than dask's 15 s: the batch would then go on
#: with one worker fewer to its end.
LOST_WORKER_WAIT = 120.0


class PatientCluster(LocalCluster):
    """A ``LocalCluster`` that waits :data:`LOST_WORKER_WAIT` seconds (or dask's
    :data:`LOST_WORKER`, if longer) for a lost worker's replacement. dask reads that setting
    from its process-wide configuration as the cluster hears that a worker left: the cluster
    sets it only while it does so, so other clusters of the process keep theirs."""

    def _update_worker_status(self, op: str, msg: Any) -> None:
        import dask
        from dask.utils import parse_timedelta

        wait = max(LOST_WORKER_WAIT, parse_timedelta(dask.config.get(LOST_WORKER)))
        with dask.config.set({LOST_WORKER: wait}):
            super()._update_worker_status(op, msg)


def local_client(**cluster: Any) -> Any:
    """A client of a new :class:`PatientCluster` of worker processes (``cluster``: its options,
    e.g. ``n_workers``) whose workers run without dask's profiler (:data:`PROFILER`), including
    those started in place of workers that died. ``client.shutdown()`` stops the cluster
    (``client.close()`` only disconnects)."""
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
    return Client(PatientCluster(processes=True, dashboard_address=None, config=config,
                                 **cluster))


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


def dask_engine(scheduler: str | None = None, retries: int = 2, client: Any = None,
                grace: float | None = None):
    """An engine that checks on the dask cluster at ``scheduler`` (an address such as
    ``tcp://host:8786``), or, without one, on a local cluster of this machine's cores; or
    through an already connected ``client``.

    With a time limit per manuscript (``manuscript_timeout``), a manuscript still running
    ``grace`` seconds past it (default: the request budget and :data:`GRACE`) is stopped and
    failed (see :class:`_Overseer`)."""
    try:
        from distributed import Client
    except ImportError as exc:  # the optional extra is not installed
        from citelint.readers import InputError

        raise InputError("--engine dask needs dask.distributed: pip install "
                         "'citelint-integrity[dask]'.") from exc

    def engine(checker: Checker, jobs: list[Job]) -> Iterator[Part | Failed]:
        own = client is None
        connected = client or (Client(scheduler) if scheduler else local_client())
        config = checker.config
        online = not config.offline and any(s in ("crossref", "openalex") for s in config.sources)
        overseer = None
        if config.manuscript_timeout:
            overseer = _Overseer(connected, config.manuscript_timeout,
                                 config.request_budget + GRACE if grace is None else grace)
        try:
            connected.register_plugin(QuietProfiler())
            if online:
                _install_pacers(connected)
            if overseer is not None:
                connected.subscribe_topic(overseer.topic, overseer.started)
            # a task's result rather than scattered data: when every worker that held it has
            # died, the scheduler makes it again (scattered data would be lost for good)
            shared = connected.submit(_same, dataclasses.replace(checker, pacers=None,
                                                                 built=None), pure=False)
            # the workers of a cluster citelint started are its own program's processes
            ours = isinstance(getattr(connected, "cluster", None), PatientCluster)
            futures = {connected.submit(_check, shared, job, online,
                                        overseer and overseer.topic, ours, retries=retries,
                                        key=_key(job), pure=False): job
                       for job in jobs}
            yield from _outcomes(futures, overseer)
        finally:
            if overseer is not None:
                connected.unsubscribe_topic(overseer.topic)
            if own and not scheduler:  # the cluster citelint started stops with the run
                connected.shutdown()
            elif own:  # a running scheduler only loses this client
                connected.close()

    return engine
