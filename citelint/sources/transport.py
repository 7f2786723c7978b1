"""The one HTTP transport every citelint source goes through.

It owns what all sources need and none should re-implement: a pooled :class:`requests.Session`,
connect/read timeouts, retries with exponential backoff and jitter that honour ``Retry-After``
(via tenacity), per-host pacing from Crossref's ``x-rate-limit-*`` and ``x-concurrency-limit``
headers, a persistent on-disk cache of definitive answers (200 JSON and 404), an offline mode, and
counters for the report's ``stats``.

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
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from citelint import PROJECT_URL, __version__
from citelint.sources import NotInCache, SourceUnavailable

log = logging.getLogger("citelint.sources")

#: Query parameters that are secrets (scrubbed everywhere) or do not change the answer.
SECRET_PARAMS = ("api_key", "api-key", "apikey", "token", "key")
_KEYLESS_PARAMS = SECRET_PARAMS + ("mailto",)
_SECRET_IN_TEXT = re.compile(r"(?i)\b(api[_-]?key|apikey|token)=[^&\s'\"]+")
_NUMBER_WORDS = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times",
                 6: "six times", 7: "seven times", 8: "eight times", 9: "nine times",
                 10: "ten times"}
DEFAULT_CACHE_TTL = 30 * 24 * 3600.0


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

    def to_requests(self) -> requests.Response:
        """The same answer as a :class:`requests.Response`, for client libraries (pyalex,
        crossrefapi) whose parsing code expects one."""
        answer = requests.Response()
        answer.status_code = self.status
        answer.url = self.url
        answer.reason = "OK" if self.status == 200 else "Not Found"
        if self.data is None:
            answer._content = b"Resource not found."
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
    """``url`` without the query parameters ``names`` (the others sorted, for stable cache keys)."""
    parts = urlsplit(url)
    drop = {n.lower() for n in names}
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k.lower() not in drop)
    return urlunsplit(parts._replace(query=urlencode(query)))


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


def _interval_seconds(value: str) -> float | None:
    """Crossref's ``x-rate-limit-interval`` (``1s``, ``60s``, ``1m``, ``1h``) in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", value or "")
    if not match:
        return None
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def _times(n: int) -> str:
    return _NUMBER_WORDS.get(n, f"{n} times")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.0f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


class HostGate:
    """Pacing and a concurrency cap for one host, tuned by the headers the host sends.

    Crossref announces ``x-rate-limit-limit`` requests per ``x-rate-limit-interval`` and at most
    ``x-concurrency-limit`` requests in flight; the gate spaces requests evenly (with a small
    margin) and never lets more than the allowed number run at once. A host with several lanes
    (Crossref's single records and lists) has one gate per lane.
    """

    MARGIN = 1.1

    def __init__(self, concurrency: int) -> None:
        self._cond = threading.Condition()
        self.concurrency = max(1, concurrency)
        self.spacing = 0.0
        self.limit = 0  # requests per interval, once announced
        self.interval = 1.0
        self._in_flight = 0
        self._next_slot = 0.0
        self._last_start = 0.0
        self._starts: deque[float] = deque(maxlen=1000)

    def enter(self) -> None:
        with self._cond:
            while self._in_flight >= self.concurrency:
                self._cond.wait()
            self._in_flight += 1
            now = time.monotonic()
            slot = max(now, self._next_slot)
            if self.limit and len(self._starts) >= self.limit:
                # the requests sent before the limit was known count against it too
                slot = max(slot, self._starts[-self.limit] + self.interval * self.MARGIN)
            self._starts.append(slot)
            self._last_start = slot
            self._next_slot = slot + self.spacing
        if slot > now:
            time.sleep(slot - now)

    def leave(self, headers: Mapping[str, str] | None) -> None:
        with self._cond:
            self._in_flight -= 1
            if headers is not None:
                self._learn(headers)
            self._cond.notify_all()

    def _learn(self, headers: Mapping[str, str]) -> None:
        try:
            limit = float(headers.get("x-rate-limit-limit", ""))
        except ValueError:
            limit = 0.0
        interval = _interval_seconds(headers.get("x-rate-limit-interval", "1s"))
        if limit > 0 and interval:
            # a window of at most as many starts as are remembered, with the same rate
            self.limit = min(int(limit), self._starts.maxlen or 1)
            self.interval = interval * self.limit / limit
            self.spacing = interval / limit * self.MARGIN
            self._next_slot = max(self._next_slot, self._last_start + self.spacing)
        concurrency = headers.get("x-concurrency-limit", "")
        if concurrency.isdigit() and int(concurrency) > 0:
            self.concurrency = int(concurrency)


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
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        expired = self.ttl is not None and time.time() - entry.get("stored", 0) > self.ttl
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
    """Polite, cached, fault-tolerant GETs of JSON for the sources.

    ``get`` returns a :class:`Response` for HTTP 200 (JSON) and 404; anything else is retried
    (429, 5xx, timeouts, connection errors, bodies that are not JSON) and finally raised as
    :class:`~citelint.sources.SourceUnavailable` with a sentence saying what happened.
    Timings are constructor arguments so tests can make backoff tiny. ``concurrency`` is the
    number of requests in flight per host until the host announces its own limit.
    After ``trip_after`` consecutive give-ups, a service is taken as down for the rest of the run
    and is not asked again (its references are reported unverified at once, not after minutes of
    retries).
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
        read_timeout: float = 30.0,
        attempts: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        jitter: float = 0.5,
        max_retry_after: float = 120.0,
        concurrency: int = 1,
        trip_after: int = 3,
        session: requests.Session | None = None,
    ) -> None:
        self.offline = env_flag("CITELINT_OFFLINE") if offline is None else offline
        self.mailto = mailto
        self.timeout = (connect_timeout, read_timeout)
        self.attempts = max(1, attempts)
        self.max_retry_after = max_retry_after
        self._backoff = wait_exponential(multiplier=backoff, max=max_backoff) + wait_random(
            0, jitter)
        self.cache = ResponseCache(Path(cache_dir) if cache_dir else default_cache_dir(),
                                   cache_ttl) if use_cache else None
        self.session = session or requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=8, pool_maxsize=16)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = user_agent(mailto)
        self.session.headers["Accept"] = "application/json"
        self.scrub = SCRUB
        self._concurrency = concurrency
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._calls: Counter[str] = Counter()
        self._cache_hits = 0
        self._retries = 0
        self._seconds = 0.0
        self.trip_after = trip_after
        self._give_ups: Counter[str] = Counter()  # consecutive, per service
        self._down: dict[str, str] = {}  # service -> the give-up that took it down

    def __repr__(self) -> str:
        return f"Transport(offline={self.offline}, cache={self.cache and self.cache.directory})"

    def add_secret(self, secret: str | None) -> None:
        """Register a value (an API key) that must never appear in any message, log or file."""
        self.scrub.add(secret)

    # -- public API -------------------------------------------------------------------------

    def get(self, url: str, params: Mapping[str, Any] | None = None, *, service: str,
            kind: str = "get", headers: Mapping[str, str] | None = None,
            lane: str = "") -> Response:
        """GET ``url`` (+ ``params``) as ``service`` ("Crossref", "OpenAlex", ...).

        ``kind`` labels the call in the stats (e.g. "singleton", "list", "search"). ``lane``
        separates requests that a host paces apart: Crossref limits single records and lists of
        records each with its own rate and concurrency, announced on the answers of each.
        """
        full_url = requests.Request("GET", url, params=dict(params or {})).prepare().url or url
        clean = self.scrub(strip_params(full_url, _KEYLESS_PARAMS))
        key = ResponseCache.key("GET", clean)
        if self.cache is not None:
            entry = self.cache.get(key, stale_ok=self.offline)
            if entry is not None:
                with self._lock:
                    self._cache_hits += 1
                return Response(entry["status"], entry.get("body"), clean, from_cache=True)
        if self.offline:
            raise NotInCache(f"offline: not in cache ({service} {urlsplit(clean).path})")
        if service in self._down:
            raise SourceUnavailable(f"{service} was not asked: it failed {self.trip_after} times "
                                    f"in a row in this run ({self._down[service]})")

        with self._lock:
            self._calls[f"{service.lower()}.{kind}"] += 1
        started = time.monotonic()
        reasons: list[str] = []

        def remember(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retry):
                reasons.append(exc.reason)
                wait = state.next_action.sleep if state.next_action else 0.0
                with self._lock:
                    self._retries += 1
                log.warning("%s %s; retrying in %.1f s.", service, exc.reason, wait)

        retrying = Retrying(stop=stop_after_attempt(self.attempts), wait=self._wait,
                            retry=retry_if_exception_type(_Retry), before_sleep=remember,
                            reraise=True)
        try:
            response = retrying(self._attempt, full_url, clean, service, headers, lane)
        except _Retry as last:
            reasons.append(last.reason)
            message = self._gave_up(service, reasons, started)
            with self._lock:
                self._give_ups[service] += 1
                if self._give_ups[service] >= self.trip_after:
                    self._down.setdefault(service, message)
            raise SourceUnavailable(message) from None
        finally:
            with self._lock:
                self._seconds += time.monotonic() - started
        with self._lock:
            self._give_ups[service] = 0
        if self.cache is not None:
            self.cache.put(key, {"url": clean, "status": response.status, "stored": time.time(),
                                 "body": response.data})
        return response

    def stats(self) -> dict[str, Any]:
        """Counters for the report: HTTP requests per service (retries included), calls by kind,
        cache hits, retries and seconds spent on the network."""
        with self._lock:
            return {"requests": dict(self._requests), "calls": dict(self._calls),
                    "cache_hits": self._cache_hits, "retries": self._retries,
                    "seconds": round(self._seconds, 3)}

    # -- internals --------------------------------------------------------------------------

    def _gate(self, url: str, lane: str) -> HostGate:
        key = f"{urlsplit(url).netloc} {lane}".strip()
        with self._lock:
            if key not in self._gates:
                self._gates[key] = HostGate(self._concurrency)
            return self._gates[key]

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None) or 0.0
        return max(self._backoff(state), retry_after)

    def _attempt(self, url: str, clean: str, service: str,
                 headers: Mapping[str, str] | None, lane: str) -> Response:
        gate = self._gate(url, lane)
        gate.enter()
        answer: requests.Response | None = None
        try:
            with self._lock:
                self._requests[service.lower()] += 1
            try:
                answer = self.session.get(url, headers=dict(headers or {}), timeout=self.timeout)
                body = answer.content
            except requests.Timeout:
                raise _Retry(f"did not answer within {_duration(self.timeout[1])} (timeout)") \
                    from None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                kind = type(exc).__name__
                raise _Retry(f"could not be reached at {urlsplit(clean).netloc} ({kind})") \
                    from None
        finally:
            gate.leave(answer.headers if answer is not None else None)
        log.debug("GET %s -> %s", clean, answer.status_code)
        return self._judge(answer, body, clean, service)

    def _judge(self, answer: requests.Response, body: bytes, clean: str,
               service: str) -> Response:
        status = answer.status_code
        if status == 404:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            return Response(404, data, clean)
        if status == 429 or status >= 500:
            wait = _retry_after(answer.headers.get("Retry-After"))
            if wait is not None and wait > self.max_retry_after:
                raise SourceUnavailable(
                    f"{service} answered HTTP {status} and asked to wait {_duration(wait)} "
                    "before retrying; giving up (try again later, or run with --offline).")
            raise _Retry(f"answered HTTP {status}", wait)
        if status != 200:
            raise SourceUnavailable(self._rejected(service, status, body))
        try:
            data = json.loads(body)
        except ValueError:
            raise _Retry("sent a body that is not valid JSON") from None
        return Response(200, data, clean)

    def _rejected(self, service: str, status: int, body: bytes) -> str:
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
        text = f"{service} rejected the request with HTTP {status}{hint.get(status, '')}"
        return self.scrub(f"{text}: {detail[:200]}." if detail else f"{text}.")

    def _gave_up(self, service: str, reasons: list[str], started: float) -> str:
        took = _duration(time.monotonic() - started)
        if len(set(reasons)) == 1:
            text = f"{service} {reasons[0]} {_times(len(reasons))}; gave up after {took}."
        else:
            text = (f"{service} failed {_times(len(reasons))} (last: {reasons[-1]}); "
                    f"gave up after {took}.")
        return self.scrub(text)
