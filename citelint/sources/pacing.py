"""Pacing of requests to one service lane: a rate limit and a cap on requests in flight.

A *lane* is what a service limits on its own: Crossref limits single records (``/works/{doi}``)
and lists of records (queries, filters) apart, each with a rate and a concurrency announced in
the ``x-rate-limit-limit``, ``x-rate-limit-interval`` and ``x-concurrency-limit`` headers of its
answers. The transport asks a :class:`Pacer` before each request (:meth:`Pacer.acquire`) and tells
it when the request is over (:meth:`Pacer.release`, with the answer's headers and status).

:class:`LanePacer` is the pacer of one process. Its rate limit is a bucket of ``limit`` tokens in
which each token comes back ``interval`` seconds after the request that took it actually started,
so that no window of ``interval`` seconds ever holds more than ``limit`` starts: exactly the
announced limit, with no spacing beyond it but :data:`ARRIVAL_MARGIN` for the request to reach
the service. Requests are let through in the order they asked. An HTTP 429 pauses the lane for its
``Retry-After`` and makes the pacer learn the limit again. Until the first answer announces the
limits, a lane goes at the limits its service documents when the source gave them
(:meth:`LanePacer.presume`), else one request at a time.

Several processes that share one pool (e.g. the workers of a batch run) need one pacer between
them: give the transport a :data:`PacerFactory` that returns such a pacer for each
``(service, lane)``. Nothing here sends a request or knows a service's vocabulary.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Protocol

#: Seconds added to each token's return: the time a request may take from its start here to its
#: arrival at the service, so that the service never sees a window with one start too many.
#: The transport builds a request before its turn and tells the pacer when it is written (see
#: :meth:`LanePacer.sent`), so this covers the way from the wire to the service's clock. Against
#: the loopback fake on the shared 2-core machine, 30 ms gave no 429 in 12 runs at load 6-14,
#: then 5 in 2 of 6 runs at load 3-7 (the fake's own process late to see requests); 50 ms.
#: A 429 within the limit doubles it for the lane, up to :data:`MAX_ARRIVAL_MARGIN`.
#: The first requests of a lane, which open its connections, get no more than this: a request
#: is counted from when it is written, after its connection is open (and after TLS), and traced
#: against the fake (bench/trace_pacing.py, 8 runs at load 3-8, some beside 3 busy processes)
#: they reached it 1-27 ms after being written, within this margin and no later than the others
#: (up to 20-330 ms when the fake's process was starved, the cause of the 429s seen). The extra
#: 0.25 s they had until the third pass of issue 16 dated from before requests were counted
#: from when they are written.
ARRIVAL_MARGIN = 0.05
MAX_ARRIVAL_MARGIN = 0.4
#: Starts remembered per lane; a limit above this is paced as the same rate over a shorter window.
MAX_WINDOW = 1000


class Pacer(Protocol):
    """Pacing for one ``(service, lane)``; must be safe to call from several threads.

    A pacer may also have ``sent()`` (see :meth:`LanePacer.sent`): the transport calls it, from
    the thread that acquired, the moment the request has been written to the wire; and
    ``unsent()`` (see :meth:`LanePacer.unsent`), before :meth:`release`, when it was never
    written."""

    def acquire(self) -> None:
        """Wait until one more request may start now, and count it as started and in flight."""
        ...

    def release(self, headers: Mapping[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        """The request is over: ``headers`` and ``status`` of its answer (None when none came),
        and the seconds its ``Retry-After`` asked for (on a 429 or 503)."""
        ...


#: Makes the pacer of a ``(service, lane)``; called once per pair and transport.
PacerFactory = Callable[[str, str], Pacer]


def interval_seconds(value: str) -> float | None:
    """Crossref's ``x-rate-limit-interval`` (``1s``, ``60s``, ``1m``, ``1h``) in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", value or "")
    if not match:
        return None
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


class LanePacer:
    """The rate limit and concurrency cap of one lane, in one process (see the module docstring).

    ``concurrency`` is the number in flight until the service announces its own; ``limit``
    requests per ``interval`` seconds (0: no rate limit) until it announces one.
    """

    def __init__(self, concurrency: int = 1, limit: int = 0, interval: float = 1.0,
                 margin: float = ARRIVAL_MARGIN) -> None:
        self._cond = threading.Condition()
        self.concurrency = max(1, concurrency)
        self.limit = 0
        self.interval = interval
        self.margin = margin
        self._set_rate(limit, interval)
        self._in_flight = 0
        self._starts: deque[float] = deque(maxlen=MAX_WINDOW)  # oldest first
        self._serials: deque[int] = deque(maxlen=MAX_WINDOW)  # which request each start is
        self._mine = threading.local()  # the serial of this thread's last request
        self._started = 0  # requests let through since the pacer was made
        self._paused_until = 0.0
        self._tickets = 0  # handed out, in the order acquire() was called
        self._turn = 0  # the ticket whose turn it is
        self._announced = False  # an answer has announced a rate

    def __repr__(self) -> str:
        rate = f"{self.limit}/{self.interval:g}s" if self.limit else "unpaced"
        return f"LanePacer({rate}, {self.concurrency} in flight)"

    @property
    def in_flight(self) -> int:
        """Requests started and not yet released."""
        with self._cond:
            return self._in_flight

    @property
    def waiting(self) -> int:
        """Requests waiting in :meth:`acquire` for their turn."""
        with self._cond:
            return self._tickets - self._turn

    def starts(self) -> list[float]:
        """When the remembered requests started (``time.monotonic``), oldest first."""
        with self._cond:
            return list(self._starts)

    def next_start(self) -> float:
        """The earliest time (``time.monotonic``) the rate and any pause let a request start."""
        with self._cond:
            return self._ready_at()

    def presume(self, limit: int, interval: float, concurrency: int) -> None:
        """Go at the limits the service documents (``limit`` per ``interval`` seconds,
        ``concurrency`` in flight) until an answer announces its own, which then win; a no-op
        once one has."""
        with self._cond:
            if self._announced:
                return
            self.concurrency = max(1, concurrency)
            self._set_rate(limit, interval)
            self._cond.notify_all()

    def acquire(self) -> None:
        with self._cond:
            ticket = self._tickets
            self._tickets += 1
            while True:
                if ticket == self._turn and self._in_flight < self.concurrency:
                    now = time.monotonic()
                    wait = self._ready_at() - now
                    if wait <= 0:
                        break
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            self._turn += 1
            self._in_flight += 1
            self._starts.append(time.monotonic())
            self._serials.append(self._started)
            self._mine.serial = self._started
            self._started += 1
            self._cond.notify_all()

    def sent(self) -> None:
        """This thread's request has just been written to the wire: if that is later than its
        start was counted (the thread lost the CPU in between, e.g. while another thread
        imported a large library), its token comes back that much later."""
        now = time.monotonic()
        with self._cond:
            serial = getattr(self._mine, "serial", None)
            self._mine.serial = None
            if serial is None:
                return
            at = len(self._serials) - 1
            while at >= 0 and self._serials[at] != serial:  # among the last few, normally
                at -= 1
            if at < 0 or self._starts[at] >= now:
                return
            self._starts[at] = now
            while at + 1 < len(self._starts) and self._starts[at + 1] < now:  # keep them in order
                self._starts[at], self._starts[at + 1] = self._starts[at + 1], now
                self._serials[at], self._serials[at + 1] = self._serials[at + 1], serial
                at += 1

    def unsent(self) -> None:
        """This thread's request was let through but never written (its connection was
        refused, or its service went down while it waited its turn): it reached no one, so its
        start no longer counts, and the requests waiting behind it need not wait for its
        token (when a service is down, each of them then gives up at once)."""
        with self._cond:
            serial = getattr(self._mine, "serial", None)
            self._mine.serial = None
            if serial is None:
                return
            for at in range(len(self._serials) - 1, -1, -1):  # among the last few, normally
                if self._serials[at] == serial:
                    del self._starts[at]
                    del self._serials[at]
                    break
            self._cond.notify_all()

    def release(self, headers: Mapping[str, str] | None = None, status: int | None = None,
                retry_after: float | None = None) -> None:
        with self._cond:
            self._in_flight -= 1
            within = bool(self.limit) and self._recent_starts() <= self.limit
            learnt = self._learn(headers) if headers is not None else False
            if status == 429:
                if not learnt:  # refused, and told nothing: believe half the rate
                    self._set_rate(max(1, (self.limit or self._recent_starts()) // 2),
                                   self.interval)
                elif within:  # refused within the announced limit: starts arrive later
                    self.margin = min(MAX_ARRIVAL_MARGIN, max(self.margin * 2, 0.01))
                self._paused_until = max(self._paused_until,
                                         time.monotonic() + (retry_after or self.interval))
            self._cond.notify_all()

    def _ready_at(self) -> float:
        """When the next request may start, as far as the rate and a pause go."""
        ready = self._paused_until
        if self.limit and len(self._starts) >= self.limit:
            ready = max(ready, self._starts[-self.limit] + self.interval + self.margin)
        return ready

    def _recent_starts(self) -> int:
        since = time.monotonic() - self.interval
        return sum(1 for start in self._starts if start > since)

    def _set_rate(self, limit: float, interval: float) -> None:
        if limit <= 0 or interval <= 0:
            return
        window = min(int(limit), MAX_WINDOW)  # the same rate over a window it can remember
        self.limit, self.interval = max(1, window), interval * max(1, window) / limit

    def _learn(self, headers: Mapping[str, str]) -> bool:
        """Take the limits the answer announces; True when it announced a rate."""
        try:
            limit = float(headers.get("x-rate-limit-limit", ""))
        except ValueError:
            limit = 0.0
        interval = interval_seconds(headers.get("x-rate-limit-interval", "1s"))
        concurrency = headers.get("x-concurrency-limit", "")
        if concurrency.isdigit() and int(concurrency) > 0:
            self.concurrency = int(concurrency)
        if limit > 0 and interval:
            if not self.limit:
                # the requests sent before any rate was known (none was presumed) went out as
                # fast as they could, first requests are slow to leave (a new connection), and
                # all that is certain is that those answered had arrived by now: they count as
                # started now
                now = time.monotonic()
                self._starts = deque((max(start, now) for start in self._starts),
                                     maxlen=MAX_WINDOW)
            self._set_rate(limit, interval)
            self._announced = True
            return True
        return False
