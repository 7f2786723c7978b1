"""The shared transport: retries, Retry-After, pacing, cache, offline mode, stats, no secrets."""

from __future__ import annotations

import email.utils
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fakeapi import FakeAPI

from citelint.sources import SourceUnavailable
from citelint.sources.online import cache_clear, cache_info, sources_from_environment
from citelint.sources.transport import Transport

KNOWN = "/crossref/works/10.1038/srep16696"


def get(transport: Transport, api: FakeAPI, path: str = KNOWN):
    return transport.get(api.url + path, service="Crossref")


def test_a_known_work_comes_back_as_parsed_json(fake_api, fast_transport):
    response = get(fast_transport, fake_api)
    assert response.status == 200
    assert response.data["message"]["DOI"] == "10.1038/srep16696"
    assert fast_transport.stats()["requests"] == {"crossref": 1}


def test_404_is_an_answer_not_an_error_and_is_cached(fake_api, fast_transport):
    path = "/crossref/works/10.1371/notarealdoi"
    assert get(fast_transport, fake_api, path).status == 404
    again = get(fast_transport, fake_api, path)
    assert again.status == 404 and again.from_cache
    assert fake_api.count("crossref") == 1


def test_retry_after_seconds_is_waited_for(fake_api, fast_transport):
    fake_api.fail("crossref", times=1, status=429, retry_after=1)
    assert get(fast_transport, fake_api).status == 200
    first, second = fake_api.requests
    assert second.at - first.at >= 1.0
    assert fast_transport.stats()["retries"] == 1


def test_a_retry_after_date_too_far_ahead_gives_up_at_once(fake_api, fast_transport):
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    fake_api.fail("openalex", times=1, status=429, retry_after=later)
    waits_too_long = r"OpenAlex answered HTTP 429 and asked to wait \d+ (min|h) "
    with pytest.raises(SourceUnavailable, match=waits_too_long):
        fast_transport.get(fake_api.url + "/openalex/works?search=x", service="OpenAlex")
    assert fake_api.count("openalex") == 1


def test_a_burst_of_503s_is_ridden_out(fake_api, fast_transport):
    fake_api.fail("crossref", times=2, status=503)
    assert get(fast_transport, fake_api).status == 200
    assert fake_api.count("crossref") == 3


def test_a_service_that_stays_down_raises_a_sentence(fake_api, fast_transport):
    fake_api.down("crossref")
    with pytest.raises(SourceUnavailable) as caught:
        get(fast_transport, fake_api)
    assert str(caught.value).startswith("Crossref answered HTTP 503 three times; gave up after ")
    assert cache_info()["entries"] == 0  # failures are never cached


def test_a_fraction_of_503s_is_absorbed_by_retries(fake_api, tmp_path):
    transport = Transport(cache_dir=tmp_path, attempts=6, backoff=0.001, max_backoff=0.01,
                          jitter=0.001)
    fake_api.fail_rate("crossref", 0.3, seed=7)
    for n in range(10):
        assert get(transport, fake_api, f"/crossref/works/10.1/x{n}").status == 404
    assert fake_api.count("crossref") > 10


def test_a_read_timeout_is_retried(fake_api, fast_transport):
    fake_api.hang("crossref", seconds=1.0, times=1)
    assert get(fast_transport, fake_api).status == 200


def test_read_timeouts_every_time_raise_source_unavailable(fake_api, tmp_path):
    transport = Transport(cache_dir=tmp_path, attempts=2, backoff=0.01, read_timeout=0.2)
    fake_api.hang("crossref", seconds=0.5, times=2)
    with pytest.raises(SourceUnavailable, match=r"Crossref did not answer within 0.2 s .*twice"):
        get(transport, fake_api)


def test_malformed_json_is_retried_then_reported(fake_api, fast_transport):
    fake_api.malformed("crossref", times=1)
    assert get(fast_transport, fake_api).status == 200
    fake_api.malformed("crossref", times=3)
    with pytest.raises(SourceUnavailable, match="not valid JSON three times"):
        get(fast_transport, fake_api, "/crossref/works/10.7554/elife.01567")


def test_other_client_errors_are_not_retried(fake_api, fast_transport):
    with pytest.raises(SourceUnavailable, match="OpenAlex rejected the request with HTTP 400"):
        fast_transport.get(fake_api.url + "/openalex/works?filter=nope:1", service="OpenAlex")
    assert fake_api.count("openalex") == 1


def test_a_warm_cache_sends_no_requests(fake_api, tmp_path):
    paths = [KNOWN, "/crossref/works/10.7554/elife.01567", "/crossref/works/10.1371/notarealdoi"]
    cold = Transport(cache_dir=tmp_path)
    for path in paths:
        get(cold, fake_api, path)
    fake_api.clear_log()
    warm = Transport(cache_dir=tmp_path)
    assert [get(warm, fake_api, p).status for p in paths] == [200, 200, 404]
    assert fake_api.requests == []
    assert warm.stats()["cache_hits"] == 3 and warm.stats()["requests"] == {}


def test_offline_mode_answers_from_the_cache_only(fake_api, tmp_path, monkeypatch):
    get(Transport(cache_dir=tmp_path), fake_api)
    fake_api.clear_log()
    monkeypatch.setenv("CITELINT_OFFLINE", "1")
    offline = Transport(cache_dir=tmp_path)
    assert get(offline, fake_api).from_cache
    with pytest.raises(SourceUnavailable, match=r"^offline: not in cache"):
        get(offline, fake_api, "/crossref/works/10.7554/elife.01567")
    assert fake_api.requests == []


def test_user_agent_names_citelint_and_the_contact(fake_api, tmp_path):
    get(Transport(cache_dir=tmp_path, mailto="editor@example.org"), fake_api)
    agent = fake_api.requests[0].headers["user-agent"]
    assert agent.startswith("citelint/") and "mailto:editor@example.org" in agent


def test_crossref_rate_limit_headers_pace_the_requests(fake_api, fast_transport):
    fake_api.rate_limit("crossref", limit=10, interval=1.0)
    started = time.monotonic()
    for n in range(14):
        get(fast_transport, fake_api, f"/crossref/works/10.1/paced{n}")
    assert fake_api.rejected_by_rate_limit == 0
    assert time.monotonic() - started >= 1.0  # 13 gaps of at least 1/10 s


def test_each_lane_keeps_the_pace_its_own_answers_announce(fake_api, fast_transport):
    # Crossref limits single records and lists apart; a list's slow pace must not hold back the
    # single records, nor a single record's fast pace hurry the lists
    fake_api.rate_limit("crossref", limit=2, interval=1.0, lane="list")
    fake_api.rate_limit("crossref", limit=50, interval=1.0, lane="single")
    for n in range(3):
        fast_transport.get(f"{fake_api.url}/crossref/works/10.1/s{n}", service="Crossref",
                           lane="single")
        fast_transport.get(f"{fake_api.url}/crossref/works", {"query.bibliographic": f"q{n}"},
                           service="Crossref", lane="list")
    assert fake_api.rejected_by_rate_limit == 0
    lists, singles = fast_transport.pacer("Crossref", "list"), fast_transport.pacer(
        "Crossref", "single")
    assert (lists.limit, lists.interval) == (2, pytest.approx(1.0))
    assert (singles.limit, singles.interval) == (50, pytest.approx(1.0))


def test_a_first_burst_counts_against_the_limit_learnt_after_it(fake_api, tmp_path):
    # with three in flight from the start, three requests leave at once before any answer has
    # announced 3/s; the fourth must wait until a second has passed since the first
    transport = Transport(cache_dir=tmp_path, concurrency=3, attempts=3, backoff=0.01)
    fake_api.rate_limit("crossref", limit=3, interval=1.0, concurrency=3)
    fake_api.latency(0.05, "crossref")
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda n: get(transport, fake_api, f"/crossref/works/10.1/b{n}"),
                      range(7)))
    assert fake_api.rejected_by_rate_limit == 0


def test_the_concurrency_limit_is_obeyed(fake_api, fast_transport):
    fake_api.rate_limit("crossref", limit=1000, interval=1.0, concurrency=1)
    fake_api.latency(0.05, "crossref")
    get(fast_transport, fake_api)  # learn the limit
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: get(fast_transport, fake_api, f"/crossref/works/10.1/c{n}"),
                      range(6)))
    assert fake_api.rejected_by_rate_limit == 0


def test_the_api_key_never_leaks(fake_api, tmp_path, caplog):
    secret = "oa-key-5f3c9a7e-never-show"
    caplog.set_level(logging.DEBUG)
    transport = Transport(cache_dir=tmp_path, attempts=2, backoff=0.01)
    transport.add_secret(secret)
    url = fake_api.url + "/openalex/works?search=elife"
    transport.get(url, {"api_key": secret}, service="OpenAlex")
    fake_api.down("openalex")
    with pytest.raises(SourceUnavailable) as caught:
        transport.get(fake_api.url + "/openalex/works?search=other", {"api_key": secret},
                      service="OpenAlex")
    assert fake_api.requests[0].query["api_key"] == "<redacted>"  # it was sent
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    assert secret not in caplog.text and "api_key=<redacted>" in caplog.text
    for path in Path(tmp_path).rglob("*"):
        assert secret not in str(path)
        assert path.is_dir() or secret not in path.read_text(encoding="utf-8")


def test_sources_from_environment_share_one_transport(fake_api):
    crossref, openalex = sources_from_environment(mailto="me@example.org")
    assert (crossref.name, openalex.name) == ("crossref", "openalex")
    assert crossref.transport is openalex.transport
    assert crossref.base_url.endswith("/crossref") and openalex.base_url.endswith("/openalex")


def test_cache_info_and_clear(fake_api):
    transport = sources_from_environment()[0].transport
    get(transport, fake_api)
    info = cache_info()
    assert info["entries"] == 1 and info["bytes"] > 0
    assert cache_clear() == 1 and cache_info()["entries"] == 0


def test_a_service_that_keeps_failing_is_not_asked_again_in_the_run(fake_api, fast_transport):
    fake_api.down("crossref")
    for n in range(fast_transport.trip_after):
        with pytest.raises(SourceUnavailable):
            get(fast_transport, fake_api, f"/crossref/works/10.1000/down{n}")
    sent = fast_transport.stats()["requests"]["crossref"]
    with pytest.raises(SourceUnavailable, match="failed 3 times in a row"):
        get(fast_transport, fake_api, "/crossref/works/10.1000/later")
    assert fast_transport.stats()["requests"]["crossref"] == sent  # no request was sent
    other = fast_transport.get(fake_api.url + "/openalex/works/W2741809807", service="OpenAlex")
    assert other.status == 200  # other services are still asked


def test_one_success_resets_the_count_of_failures_in_a_row(fake_api, fast_transport):
    for n in range(fast_transport.trip_after - 1):
        fake_api.fail("crossref", times=fast_transport.attempts, status=503)
        with pytest.raises(SourceUnavailable):
            get(fast_transport, fake_api, f"/crossref/works/10.1000/flaky{n}")
    assert get(fast_transport, fake_api).status == 200
    fake_api.fail("crossref", times=fast_transport.attempts, status=503)
    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        get(fast_transport, fake_api, "/crossref/works/10.1000/flaky9")
    assert get(fast_transport, fake_api).status == 200


def test_cached_entries_of_the_wrong_shape_are_ignored_not_crashes(fake_api, fast_transport):
    first = get(fast_transport, fake_api)
    [entry] = list(Path(fast_transport.cache.directory).rglob("*.json"))
    def accept(response):
        if not isinstance(response.data, dict) or "message" not in response.data:
            raise ValueError("message: field required")

    for broken in ("[1, 2]", '{"status": "ok"}', '{"status": 200, "body": "x", "stored": "y"}',
                   "not json", json.dumps({"status": 200, "body": {"x": 1},
                                           "stored": time.time()})):
        entry.write_text(broken, encoding="utf-8")
        again = fast_transport.get(fake_api.url + KNOWN, service="Crossref", accept=accept)
        assert again.data == first.data and not again.from_cache  # asked again
    assert fast_transport.get(fake_api.url + KNOWN, service="Crossref").from_cache


def test_an_answer_the_source_rejects_is_a_failure_and_is_not_cached(fake_api, fast_transport):
    def accept(response):
        raise ValueError("message: input should be a valid dictionary")

    with pytest.raises(SourceUnavailable, match="cannot use .message: input should be"):
        fast_transport.get(fake_api.url + KNOWN, service="Crossref", accept=accept)
    assert cache_info()["entries"] == 0 or not list(
        Path(fast_transport.cache.directory).rglob("*.json"))
    assert get(fast_transport, fake_api).status == 200  # accepted answers are cached as before


def test_403_takes_the_service_down_at_once(fake_api, fast_transport):
    fake_api.always("crossref", 403, b"Forbidden", "text/plain")
    for n in range(3):
        with pytest.raises(SourceUnavailable, match="HTTP 403"):
            get(fast_transport, fake_api, f"/crossref/works/10.1/x{n}")
    assert fake_api.count("crossref") == 1 and "Crossref" in fast_transport.down()


def test_a_refused_connection_is_not_retried(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = Transport(cache_dir=tmp_path, attempts=5, backoff=5)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="could not be reached.*not asking it again"):
        transport.get(f"http://127.0.0.1:{port}/works", service="Crossref")
    assert time.monotonic() - started < 5 and transport.stats()["retries"] == 0


def test_requests_queued_behind_a_refused_one_give_up_without_waiting_for_its_turn(tmp_path):
    # issue 16, third pass: one request a second, and the first is refused: the requests
    # waiting in the lane find the service down, and none of them counts as started
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = Transport(cache_dir=tmp_path, attempts=3, backoff=5)
    transport.presume("Crossref", "list", 1, 2.0, 1)  # (a regression waits 2 s a request)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda n: pytest.raises(
            SourceUnavailable, transport.get, f"http://127.0.0.1:{port}/works?n={n}",
            service="Crossref", lane="list"), range(4)))
    assert all("could not be reached" in str(o.value) for o in outcomes)
    assert transport.pacer("Crossref", "list").starts() == []


def test_a_redirect_on_the_same_host_is_followed_and_others_are_not(fake_api, fast_transport):
    fake_api.redirect("openalex", fake_api.url + KNOWN)  # to Crossref's path on the same host
    answer = fast_transport.get(fake_api.url + "/openalex/works/W1", service="OpenAlex")
    assert answer.status == 200 and answer.data["message"]["DOI"] == "10.1038/srep16696"
    fake_api.redirect("crossref", "gopher://127.0.0.1/x")
    with pytest.raises(SourceUnavailable, match="not an http.s. address"):
        get(fast_transport, fake_api, "/crossref/works/10.1/other")


def test_a_slow_body_is_abandoned_when_the_request_budget_runs_out(fake_api, tmp_path):
    transport = Transport(cache_dir=tmp_path, attempts=3, backoff=0.01, request_budget=0.6)
    fake_api.trickle("crossref", 0.2)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="request budget"):
        get(transport, fake_api)
    assert time.monotonic() - started < 3


def test_nothing_is_asked_once_the_run_budget_is_used_up(fake_api, tmp_path):
    transport = Transport(cache_dir=tmp_path, run_budget=0.01)
    time.sleep(0.02)
    with pytest.raises(SourceUnavailable, match="run's time budget"):
        get(transport, fake_api)
    assert fake_api.count() == 0


def test_credentials_in_the_url_stay_out_of_cache_keys_and_messages(fake_api, fast_transport):
    host = fake_api.url.removeprefix("http://")
    answer = fast_transport.get(f"http://bob:hunter22@{host}{KNOWN}", service="Crossref")
    assert "hunter22" not in answer.url and "bob" not in answer.url
    cache = Path(fast_transport.cache.directory)
    stored = "".join(p.read_text("utf-8") for p in cache.rglob("*.json"))
    assert "hunter22" not in stored
    assert fast_transport.scrub("see http://bob:hunter22@h/x") == "see http://<redacted>@h/x"


def test_each_request_is_paced_by_the_pacer_of_its_service_and_lane(fake_api, tmp_path):
    # another process's pacer (e.g. one shared by batch workers) plugs in through the factory
    events: list[tuple[str, str, str, int | None]] = []

    class Recording:
        def __init__(self, service: str, lane: str) -> None:
            self.key = (service, lane)

        def acquire(self) -> None:
            events.append(("acquire", *self.key, None))

        def sent(self) -> None:  # optional: told when the request is on the wire
            events.append(("sent", *self.key, None))

        def release(self, headers=None, status=None, retry_after=None) -> None:
            events.append(("release", *self.key, status))

    transport = Transport(cache_dir=tmp_path, pacers=Recording, attempts=2, backoff=0.01)
    fake_api.fail("crossref", 1, status=429, retry_after=0)
    transport.get(f"{fake_api.url}{KNOWN}", service="Crossref", lane="single")
    transport.get(f"{fake_api.url}/openalex/works/W2162348455", service="OpenAlex")
    assert events == [("acquire", "Crossref", "single", None),
                      ("sent", "Crossref", "single", None),
                      ("release", "Crossref", "single", 429),
                      ("acquire", "Crossref", "single", None),
                      ("sent", "Crossref", "single", None),
                      ("release", "Crossref", "single", 200),
                      ("acquire", "OpenAlex", "", None), ("sent", "OpenAlex", "", None),
                      ("release", "OpenAlex", "", 200)]


def test_a_request_waiting_its_turn_is_not_sent_once_the_service_went_down(fake_api, tmp_path):
    # one in flight: the second waits in the lane while the first is told to wait a day
    transport = Transport(cache_dir=tmp_path, max_retry_after=1, attempts=3, backoff=0.01)
    fake_api.latency(0.3, "crossref")
    fake_api.fail("crossref", 1, status=429, retry_after=86400)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda n: pytest.raises(SourceUnavailable, get, transport,
                                                         fake_api, f"/crossref/works/10.1/w{n}"),
                                 range(2)))
    assert all("asked to wait 24 h" in str(o.value) for o in outcomes)
    assert fake_api.count("crossref") == 1 and time.monotonic() - started < 10
