"""Pacing of one service lane: the rate as a bucket of tokens keyed on each request's start, the
cap on requests in flight, first come first served, and what a 429 teaches."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from citelint.sources.pacing import LanePacer, interval_seconds


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def test_no_window_of_the_interval_holds_more_starts_than_the_limit() -> None:
    pacer = LanePacer(concurrency=4, limit=3, interval=0.2, margin=0.0)

    def request(_: int) -> None:
        pacer.acquire()
        time.sleep(0.01)
        pacer.release()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(request, range(12)))
    starts = pacer.starts()
    assert len(starts) == 12
    assert all(later - earlier >= 0.2 for earlier, later in zip(starts, starts[3:], strict=False))


def test_a_full_bucket_says_when_the_next_start_may_be() -> None:
    pacer = LanePacer(concurrency=5, limit=3, interval=1.0, margin=0.03)
    for _ in range(3):  # the limit's worth at once: no spacing between them
        pacer.acquire()
    first = pacer.starts()[0]
    assert pacer.next_start() == pytest.approx(first + 1.03)  # the first token comes back
    assert pacer.in_flight == 3


def test_the_requests_that_open_a_lanes_connections_count_from_their_start() -> None:
    # issue 16, third pass: they are counted from when they are written, after the connection
    # opened, so they need no margin beyond the arrival margin of every request
    pacer = LanePacer(concurrency=3, limit=3, interval=1.0, margin=0.05)
    before = time.monotonic()
    for _ in range(3):
        pacer.acquire()
    after = time.monotonic()
    assert all(before <= start <= after for start in pacer.starts())
    assert pacer.next_start() <= after + 1.05


def test_a_request_never_written_gives_its_token_back() -> None:
    # issue 16, third pass: a refused connection, or a service gone down while the request
    # waited, reached no one; the requests queued behind it must not wait for its token
    pacer = LanePacer(concurrency=1, limit=1, interval=3600.0)
    pacer.acquire()
    pacer.unsent()
    pacer.release()
    assert pacer.starts() == []
    pacer.acquire()  # at once: an hour's wait if the first had counted
    pacer.sent()
    pacer.unsent()  # written after all: it counts
    pacer.release()
    assert len(pacer.starts()) == 1


def test_requests_start_in_the_order_they_asked() -> None:
    pacer = LanePacer(concurrency=1)
    pacer.acquire()  # holds the only place in flight
    order: list[str] = []

    def ask(name: str) -> None:
        pacer.acquire()
        order.append(name)
        pacer.release()

    threads = []
    for name in ("first", "second", "third"):
        thread = threading.Thread(target=ask, args=(name,))
        thread.start()
        threads.append(thread)
        asked = len(threads)
        wait_for(lambda: pacer.waiting == asked)  # noqa: B023 - called before the next turn
    pacer.release()
    for thread in threads:
        thread.join(10)
    assert order == ["first", "second", "third"]


def test_the_announced_limits_are_learnt_from_an_answer() -> None:
    pacer = LanePacer()
    pacer.acquire()
    pacer.release({"x-rate-limit-limit": "3", "x-rate-limit-interval": "1s",
                   "x-concurrency-limit": "3"}, 200)
    assert (pacer.limit, pacer.interval, pacer.concurrency) == (3, 1.0, 3)


def test_requests_sent_before_the_rate_was_known_count_as_started_when_it_is_learnt() -> None:
    pacer = LanePacer()
    pacer.acquire()
    time.sleep(0.05)  # the answer comes back
    learnt = time.monotonic()
    pacer.release({"x-rate-limit-limit": "1", "x-rate-limit-interval": "1s"}, 200)
    assert pacer.starts()[0] >= learnt  # when it arrived is known no better
    assert pacer.next_start() >= learnt + 1.0


def test_a_limit_larger_than_the_window_keeps_its_rate() -> None:
    pacer = LanePacer()
    pacer.acquire()
    pacer.release({"x-rate-limit-limit": "5000", "x-rate-limit-interval": "1m"}, 200)
    assert pacer.limit == 1000 and pacer.interval == pytest.approx(12.0)


def test_a_429_pauses_the_lane_for_its_retry_after_and_relearns_the_limit() -> None:
    pacer = LanePacer(concurrency=3, limit=4, interval=1.0)
    pacer.acquire()
    before = time.monotonic()
    pacer.release({}, 429, retry_after=2.0)  # refused within the believed limit, nothing said
    assert pacer.limit == 2  # believe half
    assert pacer.next_start() >= before + 2.0
    pacer.acquire()
    pacer.release({"x-rate-limit-limit": "1", "x-rate-limit-interval": "1s"}, 429, 0.0)
    assert pacer.limit == 1  # what the 429 itself announces wins


def test_a_429_within_the_announced_limit_widens_the_margin_for_arrival() -> None:
    pacer = LanePacer(concurrency=3, limit=3, interval=1.0, margin=0.05)
    pacer.acquire()
    pacer.release({"x-rate-limit-limit": "3", "x-rate-limit-interval": "1s"}, 429, 0.0)
    assert (pacer.limit, pacer.margin) == (3, 0.1)  # the limit stands; starts arrive later


@pytest.mark.parametrize(("value", "seconds"), [("1s", 1.0), ("60s", 60.0), ("1m", 60.0),
                                                ("1h", 3600.0), ("2", 2.0), ("soon", None)])
def test_interval_header_values(value: str, seconds: float | None) -> None:
    assert interval_seconds(value) == seconds


def test_presumed_limits_pace_the_lane_until_an_answer_announces_its_own() -> None:
    pacer = LanePacer()  # one at a time, unpaced, until told more
    pacer.presume(3, 1.0, 3)
    for _ in range(3):  # the documented limit's worth at once, before any answer
        pacer.acquire()
    assert pacer.in_flight == 3
    assert pacer.next_start() >= pacer.starts()[0] + 1.0  # and no more within the window
    pacer.release({"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s",
                   "x-concurrency-limit": "1"}, 200)
    assert (pacer.limit, pacer.concurrency) == (2, 1)  # the announcement wins
    pacer.presume(5, 1.0, 5)  # too late: what the service announced stands
    assert (pacer.limit, pacer.concurrency) == (2, 1)


def test_a_429_under_presumed_limits_pauses_and_relearns() -> None:
    pacer = LanePacer()
    pacer.presume(10, 1.0, 3)
    pacer.acquire()
    before = time.monotonic()
    pacer.release({"x-rate-limit-limit": "1", "x-rate-limit-interval": "1s"}, 429, 1.5)
    assert pacer.limit == 1 and pacer.next_start() >= before + 1.5


def test_a_request_written_late_counts_from_when_it_was_written() -> None:
    # a thread let through that loses the CPU before its request is on the wire (another thread
    # importing a large library) must not let the next request go an interval after its turn
    pacer = LanePacer(concurrency=2, limit=1, interval=1.0, margin=0.0)
    pacer._started = 2  # past the requests that open connections
    pacer.acquire()
    let_through = pacer.starts()[0]
    time.sleep(0.2)
    pacer.sent()
    written = pacer.starts()[0]
    assert written >= let_through + 0.2
    assert pacer.next_start() == pytest.approx(written + 1.0)
    pacer.sent()  # told twice: nothing changes
    assert pacer.starts() == [written]


def test_sent_keeps_the_starts_in_order() -> None:
    pacer = LanePacer(concurrency=3, limit=3, interval=1.0, margin=0.0)
    pacer._started = 3
    first: list[float] = []

    def late() -> None:
        pacer.acquire()
        first.append(pacer.starts()[-1])
        time.sleep(0.2)
        pacer.sent()

    thread = threading.Thread(target=late)
    thread.start()
    wait_for(lambda: bool(first))
    pacer.acquire()  # a later request, written at once
    pacer.sent()
    thread.join(10)
    starts = pacer.starts()
    assert starts == sorted(starts) and starts[-1] >= first[0] + 0.2
