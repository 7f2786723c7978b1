"""The one HTTP transport every citelint source goes through.

It owns what all sources need and none should re-implement: a pooled :class:`requests.Session`,
connect/read timeouts, retries with exponential backoff and jitter that honour ``Retry-After``
(via tenacity), pacing per service lane from Crossref's ``x-rate-limit-*`` and
``x-concurrency-limit`` headers (:mod:`citelint.sources.pacing`), a persistent on-disk cache of
definitive answers (200 JSON and 404) that the source has accepted, an offline mode, and
counters for the report's ``stats``.

It also bounds what the outside can cost (see docs/configuration.md, "Budgets and limits"): a
wall-clock budget per request (slow bodies included), per service (time lost to failures) and per
run; a cap on an honoured ``Retry-After``; a cap on body size; redirects only over http(s), at most
:data:`MAX_REDIRECTS`, and only to the configured hosts. A service whose host cannot be reached
(connection refused, unknown host), that refuses access (401/403), or that asks to wait beyond the
cap is taken as down for the rest of the run at once.

It must not know any service's vocabulary (sources build URLs and read JSON), and it must never let
a secret out: every URL, log line, cache key, cache file and exception message is scrubbed of API
keys first.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    wait_exponential,
    wait_random,
)

from citelint import PROJECT_URL, __version__
from citelint.sources import NotInCache, SourceUnavailable
from citelint.sources.pacing import LanePacer, Pacer, PacerFactory

log = logging.getLogger("citelint.sources")

#: Query parameters that are secrets (scrubbed everywhere) or do not change the answer.
SECRET_PARAMS = ("api_key", "api-key", "apikey", "token", "key")
_KEYLESS_PARAMS = SECRET_PARAMS + ("mailto",)
_SECRET_IN_TEXT = re.compile(r"(?i)\b(api[_-]?key|apikey|token)=[^&\s'\"]+")
_NUMBER_WORDS = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times",
                 6: "six times", 7: "seven times", 8: "eight times", 9: "nine times",
                 10: "ten times"}
# (a scheme is short: bounding it keeps "a.a.a.a…" from being rescanned from every letter)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,31}://)[^/@\s?#]+@")
DEFAULT_CACHE_TTL = 30 * 24 * 3600.0
#: Redirects followed for one request (each only over http(s) to a configured host).
MAX_REDIRECTS = 3
_REDIRECTS = {301, 302, 303, 307, 308}
DEFAULT_MAX_BODY = 32 * 1024 * 1024  # bytes read from one answer


#: The pacer of the request this thread is sending (told when its bytes are on the wire).
_SENDING = threading.local()


def _on_the_wire() -> None:
    """Tell the pacer of this thread's request that it has been written (see Pacer.sent)."""
    pacer = getattr(_SENDING, "pacer", None)
    _SENDING.pacer = None
    sent = getattr(pacer, "sent", None)
    if sent is not None:
        sent()


def _not_written(pacer: object) -> None:
    """Tell ``pacer`` that the request it let through was never written (see Pacer.unsent)."""
    unsent = getattr(pacer, "unsent", None)
    if unsent is not None:
        unsent()


class _NotingConnection(urllib3.connection.HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _on_the_wire()


class _NotingTLSConnection(urllib3.connection.HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)
        _on_the_wire()


class _NotingPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _NotingConnection


class _NotingTLSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _NotingTLSConnection


class _NotingAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter whose connections tell the pacer the moment a request is written: the
    pacer counts the request from then if it left later than it was let through."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _NotingPool,
                                                   "https": _NotingTLSPool}


def user_agent(mailto: str | None = None) -> str:
    """The User-Agent citelint sends: its name and version, plus the contact address when given."""
    agent = f"citelint/{__version__} ({PROJECT_URL}"
    return agent + (f"; mailto:{mailto})" if mailto else ")")


def env_flag(name: str) -> bool:
    """True when environment variable ``name`` is set to a yes-like value (1, true, yes, on)."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def default_cache_dir() -> Path:
    """``CITELINT_CACHE_DIR`` if set, else the per-user cache directory for citelint."""
    configured = os.environ.get("CITELINT_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("citelint"))


@dataclass(frozen=True)
class Response:
    """A definitive answer: HTTP 200 with JSON, or HTTP 404 (``data``: its JSON body or None)."""

    status: int
    data: Any
    url: str  # the request URL with secrets removed
    from_cache: bool = False
    text: str | None = None  # the start of a 404 body that is not JSON ("Resource not found.")
    #: the answer's headers, names in lower case (none for an answer from the cache)
    headers: Mapping[str, str] = field(default_factory=dict, compare=False)

    def to_requests(self) -> requests.Response:
        """The same answer as a :class:`requests.Response`, for client libraries (pyalex,
        crossrefapi) whose parsing code expects one."""
        answer = requests.Response()
        answer.status_code = self.status
        answer.url = self.url
        answer.reason = "OK" if self.status == 200 else "Not Found"
        if self.data is None:
            answer._content = (self.text or "Resource not found.").encode()
            answer.headers["Content-Type"] = "text/plain"
        else:
            answer._content = json.dumps(self.data).encode()
            answer.headers["Content-Type"] = "application/json"
        answer.encoding = "utf-8"
        return answer


class Secret:
    """A value (an API key) that never shows in ``str``, ``repr``, f-strings or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


class _Retry(Exception):
    """One failed attempt worth retrying; ``reason`` is scrubbed, ``retry_after`` in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _GiveUp(Exception):
    """A failed attempt not worth retrying; ``down`` takes the service down for the run."""

    def __init__(self, reason: str, down: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.down = down


class Scrubber(logging.Filter):
    """Removes secrets from text; also a logging filter for loggers that print request URLs."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        text = _SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}=<redacted>", text)
        text = _USERINFO.sub(lambda m: f"{m.group(1)}<redacted>@", text)
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self(record.getMessage())
        record.args = None
        return True


#: Shared by every transport; also filters urllib3's request log lines, which print URLs.
SCRUB = Scrubber()
logging.getLogger("urllib3.connectionpool").addFilter(SCRUB)


def strip_params(url: str, names: Iterable[str]) -> str:
    """``url`` without the query parameters ``names`` (the others sorted, for stable cache keys)
    and without any user name or password in its address."""
    parts = urlsplit(url)
    drop = {n.lower() for n in names}
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k.lower() not in drop)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query)))


def path_segment(identifier: str) -> str:
    """``identifier`` (a DOI) percent-encoded for a URL path, its ``/`` kept.

    Raises :class:`~citelint.sources.SourceUnavailable` for an identifier with a ``.`` or ``..``
    segment: clients and servers collapse those, so ``10.1234/../../x`` would ask for another path.
    """
    if any(part in (".", "..") for part in identifier.split("/")):
        raise SourceUnavailable(f"{identifier!r} has a '.' or '..' path segment; citelint does "
                                "not send it, as it would ask for another address.")
    return quote(identifier, safe="/()")


#: A source's check of an answer's shape: returns nothing, raises ``ValueError`` (e.g.
#: :class:`citelint.service_schema.InvalidShape`) saying what does not fit.
Accept = Callable[["Response"], None]


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _times(n: int) -> str:
    return _NUMBER_WORDS.get(n, f"{n} times")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.0f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


class ResponseCache:
    """Definitive answers on disk, one JSON file per request, named by a hash of the clean URL.

    Keys are ``METHOD URL`` with secrets and ``mailto`` removed; entries hold that clean URL, the
    status, the time stored and the parsed body. Nothing secret is ever written.
    """

    def __init__(self, directory: Path, ttl: float | None = DEFAULT_CACHE_TTL) -> None:
        self.directory = Path(directory)
        self.ttl = ttl

    @staticmethod
    def key(method: str, clean_url: str) -> str:
        return hashlib.sha256(f"{method.upper()} {clean_url}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, stale_ok: bool = False) -> dict[str, Any] | None:
        """The entry stored under ``key``; None when there is none, it has expired, or it is not
        an entry at all (a damaged or foreign file is ignored, never a crash)."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        stored = entry.get("stored") if isinstance(entry, dict) else None
        if not isinstance(stored, (int, float)) or isinstance(stored, bool):
            return None
        expired = self.ttl is not None and time.time() - stored > self.ttl
        return entry if stale_ok or not expired else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # a read-only or full disk must not stop a run
            log.warning("Could not write the response cache in %s: %s", self.directory, exc)

    def info(self) -> dict[str, Any]:
        files = list(self.directory.glob("??/*.json")) if self.directory.is_dir() else []
        return {"path": str(self.directory), "entries": len(files),
                "bytes": sum(f.stat().st_size for f in files)}

    def clear(self) -> int:
        files = list(self.directory.glob("??/*.json")) if self.directory.is_dir() else []
        for f in files:
            f.unlink(missing_ok=True)
        return len(files)


class Transport:
    """Polite, cached, fault-tolerant, bounded GETs of JSON for the sources.

    ``get`` returns a :class:`Response` for HTTP 200 (JSON) and 404; anything else is retried
    (429, 5xx, timeouts, resets, bodies that are not JSON) and finally raised as
    :class:`~citelint.sources.SourceUnavailable` with a sentence saying what happened.
    Timings are constructor arguments so tests can make them tiny. ``concurrency`` is the
    number of requests in flight per service lane until the service announces its own limit;
    ``pacers`` makes the :class:`~citelint.sources.pacing.Pacer` of each ``(service, lane)``
    (default: a :class:`~citelint.sources.pacing.LanePacer` of this process), e.g. one that
    several processes share.

    A service is taken as down for the rest of the run, and not asked again (its references are
    reported unverified at once, with the reason it went down), after ``trip_after`` give-ups in
    a row, at once when its host cannot be reached or refuses access (401/403) or asks to wait
    longer than ``max_retry_after`` or a request used its whole ``request_budget`` without an
    answer, and when the time lost to its failures passes ``source_budget``. Every request
    ends within ``request_budget`` seconds (retries, waits and slow bodies included), and
    nothing is asked once ``run_budget`` seconds have passed since the transport was made (None:
    no run budget).
    """

    def __init__(
        self,
        *,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        cache_ttl: float | None = DEFAULT_CACHE_TTL,
        offline: bool | None = None,
        mailto: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        attempts: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        jitter: float = 0.5,
        max_retry_after: float = 30.0,
        request_budget: float = 60.0,
        source_budget: float = 120.0,
        run_budget: float | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        concurrency: int = 1,
        trip_after: int = 3,
        session: requests.Session | None = None,
        pacers: PacerFactory | None = None,
    ) -> None:
        self.offline = env_flag("CITELINT_OFFLINE") if offline is None else offline
        self.mailto = mailto
        self.timeout = (connect_timeout, read_timeout)
        self.attempts = max(1, attempts)
        self.max_retry_after = max_retry_after
        self.request_budget = request_budget
        self.source_budget = source_budget
        self.run_budget = run_budget
        self.max_body = max_body
        self._born = time.monotonic()
        self._backoff = wait_exponential(multiplier=backoff, max=max_backoff) + wait_random(
            0, jitter)
        self.cache = ResponseCache(Path(cache_dir) if cache_dir else default_cache_dir(),
                                   cache_ttl) if use_cache else None
        self.session = session or requests.Session()
        # redirects are followed here, by hand (see _redirect_target): requests must not even
        # work out where one leads, as it raises on an address it cannot parse
        self.session.get_redirect_target = lambda _response: None  # type: ignore[method-assign, assignment]
        adapter = _NotingAdapter(pool_connections=8, pool_maxsize=16)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = user_agent(mailto)
        self.session.headers["Accept"] = "application/json"
        self.scrub = SCRUB
        self._make_pacer: PacerFactory = pacers or (lambda _service, _lane: LanePacer(
            concurrency))
        self._pacers: dict[tuple[str, str], Pacer] = {}
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._calls: Counter[str] = Counter()
        self._cache_hits = 0
        self._retries = 0
        self._seconds = 0.0
        self.trip_after = trip_after
        self._give_ups: Counter[str] = Counter()  # consecutive, per service
        self._lost: dict[str, float] = {}  # seconds lost to failures, per service
        self._down: dict[str, str] = {}  # service -> why it is not asked again
        self._hosts: set[str] = set()  # hosts (host[:port]) redirects may lead to, as well as
        # the one asked

    def __repr__(self) -> str:
        return f"Transport(offline={self.offline}, cache={self.cache and self.cache.directory})"

    def add_secret(self, secret: str | None) -> None:
        """Register a value (an API key) that must never appear in any message, log or file."""
        self.scrub.add(secret)

    def allow(self, base_url: str) -> None:
        """Let redirects lead to the host of ``base_url`` (a configured service address); a user
        name and password in it are kept out of every message and cache key."""
        self.add_secret(urlsplit(base_url).password)
        host = _host(base_url)
        if host:
            self._hosts.add(host)

    def pacer(self, service: str, lane: str = "") -> Pacer:
        """The pacer of ``service``'s ``lane`` (made by the ``pacers`` factory on first use)."""
        with self._lock:
            key = (service, lane)
            if key not in self._pacers:
                self._pacers[key] = self._make_pacer(service, lane)
            return self._pacers[key]

    def presume(self, service: str, lane: str, limit: int, interval: float,
                concurrency: int) -> None:
        """Let ``service``'s ``lane`` go at the limits the service documents until its first
        answer announces its own (a pacer without ``presume``, e.g. one shared by a cluster,
        keeps its own way)."""
        presume = getattr(self.pacer(service, lane), "presume", None)
        if presume is not None:
            presume(limit, interval, concurrency)

    def down(self) -> dict[str, str]:
        """The services taken as down in this run, with the reason each went down."""
        with self._lock:
            return dict(self._down)

    # -- public API -------------------------------------------------------------------------

    def get(self, url: str, params: Mapping[str, Any] | None = None, *, service: str,
            kind: str = "get", headers: Mapping[str, str] | None = None,
            lane: str = "", accept: Accept | None = None) -> Response:
        """GET ``url`` (+ ``params``) as ``service`` ("Crossref", "OpenAlex", ...).

        ``kind`` labels the call in the stats (e.g. "singleton", "list", "search"). ``lane``
        separates requests that a host paces apart: Crossref limits single records and lists of
        records each with its own rate and concurrency, announced on the answers of each.
        ``accept`` checks the answer's shape: an answer it rejects (``ValueError``) is a failed
        lookup and is not cached; a cached answer it rejects is ignored.
        """
        full_url = requests.Request("GET", url, params=dict(params or {})).prepare().url or url
        self.add_secret(urlsplit(full_url).password)
        clean = self.scrub(strip_params(full_url, _KEYLESS_PARAMS))
        key = ResponseCache.key("GET", clean)
        if self.cache is not None:
            cached = self._from_cache(key, clean, accept)
            if cached is not None:
                return cached
        if self.offline:
            raise NotInCache(f"offline: not in cache ({service} {urlsplit(clean).path})")
        self._check_run_budget()
        with self._lock:
            why_down = self._down.get(service)
        if why_down:
            raise SourceUnavailable(why_down)

        with self._lock:
            self._calls[f"{service.lower()}.{kind}"] += 1
        started = time.monotonic()
        deadline = started + self.request_budget
        if self.run_budget is not None:
            deadline = min(deadline, self._born + self.run_budget)
        reasons: list[str] = []

        def remember(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retry):
                reasons.append(exc.reason)
                wait = state.next_action.sleep if state.next_action else 0.0
                with self._lock:
                    self._retries += 1
                log.warning("%s %s; retrying in %.1f s.", service, exc.reason, wait)

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.attempts or service in self._down:
                return True
            return time.monotonic() + state.upcoming_sleep >= deadline

        retrying = Retrying(stop=stop, wait=self._wait, retry=retry_if_exception_type(_Retry),
                            before_sleep=remember, reraise=True)
        try:
            response = retrying(self._attempt, full_url, clean, service, headers, lane, deadline)
            if accept is not None:
                try:
                    accept(response)
                except ValueError as exc:
                    raise _GiveUp(f"sent an answer citelint cannot use ({exc})") from None
        except (_Retry, _GiveUp) as last:
            reasons.append(last.reason)
            raise SourceUnavailable(self._give_up(service, reasons, started, last)) from None
        finally:
            with self._lock:
                self._seconds += time.monotonic() - started
        with self._lock:
            self._give_ups[service] = 0
        if self.cache is not None:
            self.cache.put(key, {"url": clean, "status": response.status, "stored": time.time(),
                                 "body": response.data, "text": response.text})
        return response

    def stats(self) -> dict[str, Any]:
        """Counters for the report: HTTP requests per service (retries included), calls by kind,
        cache hits, retries, seconds spent on the network, and the services taken as down."""
        with self._lock:
            stats = {"requests": dict(self._requests), "calls": dict(self._calls),
                     "cache_hits": self._cache_hits, "retries": self._retries,
                     "seconds": round(self._seconds, 3)}
            if self._down:
                stats["down"] = dict(self._down)
            return stats

    # -- internals --------------------------------------------------------------------------

    def _from_cache(self, key: str, clean: str, accept: Accept | None) -> Response | None:
        """The cached answer, if there is one of the right shape that the source still accepts."""
        assert self.cache is not None
        entry = self.cache.get(key, stale_ok=self.offline)
        if not isinstance(entry, dict) or entry.get("status") not in (200, 404):
            return None
        text = entry.get("text")
        response = Response(entry["status"], entry.get("body"), clean, from_cache=True,
                            text=text if isinstance(text, str) else None)
        if accept is not None:
            try:
                accept(response)
            except ValueError:
                log.debug("Ignoring a cached answer of the wrong shape for %s", clean)
                return None
        with self._lock:
            self._cache_hits += 1
        return response

    def _check_run_budget(self) -> None:
        if self.run_budget is None or time.monotonic() - self._born < self.run_budget:
            return
        raise SourceUnavailable(f"The run's time budget ({_duration(self.run_budget)}) was used "
                                "up; no more requests were sent (raise --run-budget to allow "
                                "more).")

    def _give_up(self, service: str, reasons: list[str], started: float,
                 last: _Retry | _GiveUp) -> str:
        """Count a give-up against ``service``, take it down when it must be, and say why."""
        message = self._gave_up(service, reasons, started)
        lost = time.monotonic() - started
        with self._lock:
            if service in self._down:  # went down while this request was in flight
                return self._down[service]
            self._give_ups[service] += 1
            self._lost[service] = self._lost.get(service, 0.0) + lost
            why = None
            if isinstance(last, _GiveUp) and last.down:
                why = "not asking it again in this run"
            elif lost >= self.request_budget * 0.9:  # no usable answer in a whole budget
                why = (f"it used the request budget of {_duration(self.request_budget)} without "
                       "an answer; not asking it again")
            elif self._give_ups[service] >= self.trip_after:
                why = f"it failed {self._give_ups[service]} times in a row; not asking it again"
            elif self._lost[service] >= self.source_budget:
                why = (f"{_duration(self._lost[service])} lost to its failures passed the budget "
                       f"of {_duration(self.source_budget)}; not asking it again")
            if why:
                message = self.scrub(f"{message.rstrip('.')}; {why}.")
                self._down[service] = message
                log.warning("%s", message)
        return message


    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None) or 0.0
        return max(self._backoff(state), retry_after)

    def _attempt(self, url: str, clean: str, service: str, headers: Mapping[str, str] | None,
                 lane: str, deadline: float) -> Response:
        """One request, following at most :data:`MAX_REDIRECTS` permitted redirects."""
        asked_host = _host(url)
        for _ in range(MAX_REDIRECTS + 1):
            answer, body = self._fetch(url, clean, service, headers, lane, deadline)
            if answer.status_code not in _REDIRECTS:
                log.debug("GET %s -> %s", clean, answer.status_code)
                return self._judge(answer, body, clean, service)
            url = self._redirect_target(url, answer.headers.get("Location"), asked_host)
        raise _GiveUp(f"redirected more than {MAX_REDIRECTS} times (a redirect loop?)")

    def _redirect_target(self, url: str, location: str | None, asked_host: str) -> str:
        """Where a redirect leads, if it may be followed: http(s), to a configured host. The API
        key is not carried to a host other than the one asked."""
        try:
            target = urljoin(url, (location or "").strip())
            parts = urlsplit(target)
            host = _host(target)
        except ValueError:
            raise _GiveUp("redirected to an address that cannot be read") from None
        if not location or parts.scheme not in ("http", "https") or not host:
            raise _GiveUp(f"redirected to {self.scrub(strip_params(target, SECRET_PARAMS))!r}, "
                          "which is not an http(s) address; not followed")
        if host != asked_host and host not in self._hosts:
            raise _GiveUp(f"redirected to another host ({host}), which is not a configured "
                          "service; not followed")
        return target if host == asked_host else strip_params(target, SECRET_PARAMS)

    def _fetch(self, url: str, clean: str, service: str, headers: Mapping[str, str] | None,
               lane: str, deadline: float) -> tuple[requests.Response, bytes]:
        """Send one GET and read its body within ``deadline`` and :attr:`max_body` bytes.

        The request is built before its turn, so that it leaves as soon as the pacer lets it
        start (the pacer's margin covers only the way to the service)."""
        try:
            prepared = self.session.prepare_request(
                requests.Request("GET", url, headers=dict(headers or {})))
            settings = self.session.merge_environment_settings(prepared.url or url, {}, True, None,
                                                              None)
        except requests.RequestException as exc:  # an address requests cannot use
            raise _GiveUp(f"could not be asked ({type(exc).__name__})") from None
        pacer = self.pacer(service, lane)
        pacer.acquire()
        with self._lock:
            why_down = self._down.get(service)
        if why_down:  # it went down while this request waited for its turn: not sent
            _not_written(pacer)
            pacer.release()
            raise _GiveUp(why_down, down=True)
        answer: requests.Response | None = None
        host = urlsplit(clean).hostname or "the service"
        try:
            with self._lock:
                self._requests[service.lower()] += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _GiveUp(f"did not answer within the request budget of "
                              f"{_duration(self.request_budget)}")
            timeout = (min(self.timeout[0], remaining), min(self.timeout[1], remaining))
            try:
                _SENDING.pacer = pacer
                answer = self.session.send(prepared, timeout=timeout, allow_redirects=False,
                                           **settings)
                body = self._read_body(answer, deadline)
            except requests.ConnectionError as exc:
                if _unreachable(exc):
                    raise _GiveUp(f"could not be reached at {host} (no connection could be "
                                  "made: connection refused, unknown host or no network)",
                                  down=True) from None
                if isinstance(exc, requests.ConnectTimeout):
                    raise _Retry(f"did not accept a connection within "
                                 f"{_duration(timeout[0])} (timeout)") from None
                if isinstance(exc, requests.exceptions.ReadTimeout) or _timed_out(exc):
                    raise _Retry(f"did not answer within {_duration(timeout[1])} (timeout)") \
                        from None
                raise _Retry(f"could not be reached at {host} ({type(exc).__name__})") \
                    from None
            except requests.Timeout:
                raise _Retry(f"did not answer within {_duration(timeout[1])} (timeout)") \
                    from None
            except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
                raise _Retry(f"did not answer within {_duration(timeout[1])} (timeout)") \
                    from None
            except (requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError, urllib3.exceptions.HTTPError,
                    OSError) as exc:
                raise _Retry(f"broke off its answer ({type(exc).__name__})") from None
            except requests.RequestException as exc:  # an address requests cannot use
                raise _GiveUp(f"could not be asked ({type(exc).__name__})") from None
        finally:
            if getattr(_SENDING, "pacer", None) is not None:  # not written (a refused connection)
                _not_written(pacer)
            _SENDING.pacer = None
            if answer is not None:
                answer.close()
                wait = _retry_after(answer.headers.get("Retry-After"))
                # a longer wait takes the service down (see _judge): nothing waits for it
                pacer.release(answer.headers, answer.status_code,
                              None if wait is None else min(wait, self.max_retry_after))
            else:
                pacer.release()
        return answer, body

    def _read_body(self, answer: requests.Response, deadline: float) -> bytes:
        """The body, read as it arrives; a body still arriving at ``deadline`` or larger than
        :attr:`max_body` is abandoned."""
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise _GiveUp(f"was still sending its answer when the request budget of "
                              f"{_duration(self.request_budget)} ran out (a slow body)")
            chunk = answer.raw.read1(65536, decode_content=True)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_body:
                raise _GiveUp(f"sent an answer larger than {self.max_body // (1024 * 1024)} MB; "
                              "not read")
            chunks.append(chunk)

    def _judge(self, answer: requests.Response, body: bytes, clean: str,
               service: str) -> Response:
        status = answer.status_code
        headers = {name.lower(): value for name, value in answer.headers.items()}
        if status == 404:
            try:
                return Response(404, json.loads(body), clean, headers=headers)
            except ValueError:
                text = body[:200].decode("utf-8", "replace").strip()
                return Response(404, None, clean, text=text, headers=headers)
        if status == 429 or status >= 500:
            wait = _retry_after(answer.headers.get("Retry-After"))
            if wait is not None and wait > self.max_retry_after:
                raise _GiveUp(f"answered HTTP {status} and asked to wait {_duration(wait)} "
                              f"before retrying, more than the {_duration(self.max_retry_after)} "
                              "citelint waits (try again later, or run with --offline)",
                              down=True)
            raise _Retry(f"answered HTTP {status}", wait)
        if status != 200:
            raise _GiveUp(self._rejected(status, body), down=status in (401, 403))
        try:
            data = json.loads(body)
        except ValueError:
            raise _Retry("sent a body that is not valid JSON") from None
        return Response(200, data, clean, headers=headers)

    def _rejected(self, status: int, body: bytes) -> str:
        detail = ""
        try:
            data = json.loads(body)
            if isinstance(data, dict):
                message = data.get("message")
                if isinstance(message, list) and message and isinstance(message[0], dict):
                    message = message[0].get("message")
                detail = " ".join(str(p) for p in (data.get("error"), message) if p)
        except ValueError:
            pass
        hint = {401: " (check the API key)", 403: " (access refused or rate limit exceeded)"}
        text = f"rejected the request with HTTP {status}{hint.get(status, '')}"
        return self.scrub(f"{text}: {detail[:200]}" if detail else text)

    def _gave_up(self, service: str, reasons: list[str], started: float) -> str:
        took = _duration(time.monotonic() - started)
        if len(reasons) == 1:
            text = f"{service} {reasons[0]}; gave up after {took}."
        elif len(set(reasons)) == 1:
            text = f"{service} {reasons[0]} {_times(len(reasons))}; gave up after {took}."
        else:
            text = (f"{service} failed {_times(len(reasons))} (last: {reasons[-1]}); "
                    f"gave up after {took}.")
        return self.scrub(text)


def _host(url: str) -> str:
    """The host of ``url`` with its port when one is given ("127.0.0.1:8080", "doi.org");
    raises ValueError for an address that cannot be read."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if host and parts.port is not None else host


def _causes(exc: BaseException) -> Iterable[BaseException]:
    """``exc``, what it wraps (``args``, ``reason``) and its chain, each once."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [c for c in (current.__cause__, current.__context__,
                             getattr(current, "reason", None), *current.args)
                 if isinstance(c, BaseException)]


def _unreachable(exc: BaseException) -> bool:
    """True when no connection could be made at all (refused, unknown host, no route): retrying
    within the run will not help. A connection that timed out is not this (urllib3 raises
    ``ConnectTimeoutError`` for it, not ``NewConnectionError``)."""
    return any(isinstance(c, (urllib3.exceptions.NewConnectionError, ConnectionRefusedError))
               for c in _causes(exc))


def _timed_out(exc: BaseException) -> bool:
    return any(isinstance(c, (TimeoutError, urllib3.exceptions.ReadTimeoutError))
               for c in _causes(exc))
