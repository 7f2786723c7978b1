"""A fake Crossref + OpenAlex + doi.org server for tests, speaking the services' real HTTP and JSON.

One threaded ``http.server`` on 127.0.0.1 serves three path prefixes, so tests choose it only
through the environment (``CITELINT_CROSSREF_URL=<url>/crossref``,
``CITELINT_OPENALEX_URL=<url>/openalex``, ``CITELINT_DOI_URL=<url>/doi``):

- ``/crossref/works/{doi}``: ``{"status":"ok","message-type":"work",…}`` or 404 ``text/plain``
  "Resource not found." with the recorded ``x-rate-limit-*`` / ``x-api-pool`` headers;
  ``/crossref/works?query.bibliographic=…&rows=N[&select=…]`` and
  ``/crossref/works?filter=doi:a,doi:b``: a ``work-list`` whose items carry a ``score``;
  ``query.container-title=…`` with ``filter=from-pub-date:Y,until-pub-date:Y`` lists the works
  of that year whose container titles share a word with the query (Crossref's field query and
  date filters, as documented; the real ranking is not imitated).
- ``/openalex/works?filter=doi:a|b`` and ``/openalex/works?search=…``: ``{"meta","results",
  "group_by"}`` (search results carry ``relevance_score``); ``/openalex/works/{W-id | doi URL}``
  singletons; 404 and 429 bodies are OpenAlex's recorded HTML.
  ``/openalex/sources?search=…`` lists the journals of the works held (source objects with
  ``abbreviated_title`` and ``issn``), and ``/openalex/works?filter=primary_location.source.id:
  S1|S2,publication_year:Y`` a journal's works of one year (OpenAlex's documented source search
  and work filters; the ranking is a word overlap).
- ``/doi/api/handles/{doi}``: the handle API (``responseCode`` 1, or 100 with HTTP 404); a
  shortDOI in :attr:`FakeAPI.aliases` answers with an ``HS_ALIAS`` value naming its DOI.

Shapes follow the real recordings in ``fixtures/api-examples`` (see its SOURCES.md). Three
shapes were never recorded and are built from the documentation: Crossref ``/works`` with
``query.bibliographic`` or ``filter=doi:…`` (same list shape as the recorded journal and
``filter=prefix`` routes), OpenAlex
``filter=doi:a|b`` (same shape as the recorded ``filter=openalex:…``), and a Crossref 429 (its body
and headers here are an assumption). The search ranking is a plain word overlap, not the services'.

Records: Crossref-shaped works (``DOI``, ``container-title``…) go to Crossref; OpenAlex-shaped
works to OpenAlex. With ``derive_openalex=True`` each Crossref work OpenAlex lacks is also served
by OpenAlex in a minimal OpenAlex shape derived from it (see :func:`openalex_from_crossref`).

Faults: :meth:`FakeAPI.fail` (N answers with a status, e.g. 429 + Retry-After or a 503 burst),
:meth:`fail_rate` (a seeded fraction of 503s), :meth:`hang` (sleep longer than the client's read
timeout), :meth:`malformed` (truncated JSON), :meth:`down` (503 to everything for the whole run),
:meth:`latency`, and :meth:`rate_limit` (Crossref-like: N per interval, 429 beyond). Hostile
ones, for the fault-injection suite: :meth:`always` (one fixed answer to everything, e.g. ``{}``
with 200), :meth:`mutate` (every JSON answer passed through a function: wrong shapes),
:meth:`trickle` (a body sent one byte at a time), :meth:`silent` (the connection is accepted and
never answered) and :meth:`redirect` (a redirect to a given address, e.g. a loop). Every request
is recorded (:attr:`FakeAPI.requests`) with secrets redacted. This module holds no test functions.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from citelint.doi import clean_doi
from citelint.records import is_crossref_work

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "api-examples"
SERVICES = ("crossref", "openalex", "doi")
REDACTED = "<redacted>"
_SECRET_PARAMS = {"api_key", "api-key", "apikey"}
_SECRET_HEADERS = {"authorization", "api_key", "api-key", "crossref-plus-api-token"}
#: OpenAlex's documented prices in 2026 (developers.openalex.org/api-reference/authentication),
#: US dollars per call, and the daily allowance of a free key.
OPENALEX_PRICES_USD = {"singleton": 0.0, "list": 0.0001, "search": 0.001}
OPENALEX_DAILY_USD = 1.0


def openalex_kind(path: str, query: dict[str, str]) -> str:
    """How OpenAlex bills a call: a singleton (``/works/W…``), a list/filter call, a search."""
    if path.rstrip("/").count("/") > 1:
        return "singleton"
    return "search" if any(k == "search" or k.startswith("search.") for k in query) else "list"


def _example(name: str) -> bytes:
    path = EXAMPLES / name
    return path.read_bytes() if path.exists() else b""


@dataclass
class Recorded:
    """One request as the server saw it (secrets replaced by ``<redacted>``)."""

    service: str
    path: str  # after the service prefix, percent-decoded: "/works/10.1038/srep16696"
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    at: float = 0.0  # when it arrived (time.monotonic)
    answered: float = 0.0  # when its answer was sent


@dataclass
class Fault:
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    malformed: bool = False
    content_type: str = "text/html; charset=utf-8"
    trickle: float = 0.0  # seconds between the bytes of the (normal) body
    silent: bool = False  # never answer
    location: str | None = None  # a redirect; "{url}" is the request's own address


@dataclass
class RateLimit:
    limit: int
    interval: float
    concurrency: int | None
    retry_after: int | None
    seen: deque[float] = field(default_factory=deque)


def _lane(service: str, path: str) -> str:
    """Crossref limits single records (``/works/{doi}``) and lists (``/works?…``) apart."""
    if service != "crossref":
        return ""
    return "list" if path.rstrip("/") == "/works" else "single"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _issued_year(work: dict[str, Any]) -> int:
    """The year of a Crossref work's ``issued`` date (0 when it has none)."""
    try:
        return int(work["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return 0


def _crossref_text(work: dict[str, Any]) -> str:
    parts = list(work.get("title") or []) + list(work.get("container-title") or [])
    parts += [a.get("family") or a.get("name") or "" for a in work.get("author") or []]
    issued = (work.get("issued") or {}).get("date-parts") or [[None]]
    parts.append(str(issued[0][0] or ""))
    return " ".join(parts)


def _openalex_text(work: dict[str, Any]) -> str:
    parts = [work.get("title") or work.get("display_name") or ""]
    parts += [a.get("raw_author_name") or "" for a in work.get("authorships") or []]
    return " ".join(parts)


def openalex_from_crossref(work: dict[str, Any]) -> dict[str, Any]:
    """A minimal OpenAlex-shaped work derived from a Crossref work (for tests only).

    Fields OpenAlex would compute (topics, keywords, abstract index, citation counts) are left out
    or empty; the W-id is a stable hash of the DOI.
    """
    doi = clean_doi(work.get("DOI")) or ""
    wid = "W" + str(int(hashlib.sha256(doi.encode()).hexdigest()[:12], 16))
    page = work.get("page") or work.get("article-number") or ""
    first, _, last = page.partition("-")
    year = ((work.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    authors = []
    for i, a in enumerate(work.get("author") or []):
        name = " ".join(p for p in (a.get("given"), a.get("family")) if p) or a.get("name") or ""
        authors.append({"author_position": "first" if i == 0 else "middle",
                        "author": {"id": None, "display_name": name, "orcid": a.get("ORCID")},
                        "raw_author_name": name})
    retracted = any(str(u.get("type")).lower() == "retraction"
                    for u in work.get("updated-by") or [])
    title = (work.get("title") or [None])[0]
    container = (work.get("container-title") or [None])[0]
    return {
        "id": f"https://openalex.org/{wid}", "doi": f"https://doi.org/{doi}",
        "title": title, "display_name": title, "publication_year": year,
        "type": "article" if work.get("type") == "journal-article" else work.get("type"),
        "ids": {"openalex": f"https://openalex.org/{wid}", "doi": f"https://doi.org/{doi}"},
        "authorships": authors,
        "primary_location": {"source": {"id": _source_id(container), "display_name": container,
                                        "issn": work.get("ISSN") or None,
                                        "type": "journal"} if container else None},
        "biblio": {"volume": work.get("volume"), "issue": work.get("issue"),
                   "first_page": first or None, "last_page": last or first or None},
        "is_retracted": retracted, "keywords": [], "topics": [], "abstract_inverted_index": None,
    }


def _source_id(container: str | None) -> str | None:
    """A stable OpenAlex source id (S…) for a derived journal."""
    if not container:
        return None
    return "https://openalex.org/S" + str(int(hashlib.sha256(container.encode()).hexdigest()[:10],
                                              16))


class _QuietServer(ThreadingHTTPServer):
    """A client that stops reading mid-answer (a read timeout, a body cap) is not the fake's error.

    socketserver prints a traceback for any exception a handler leaves, and the tests look for
    tracebacks in the captured stderr: a broken pipe while the answer is flushed must stay quiet.
    """

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class FakeAPI:
    """The fake services. Use as a context manager, or call :meth:`start` / :meth:`stop`."""

    def __init__(self, works: Iterable[dict[str, Any]] = (), *, derive_openalex: bool = True,
                 registered: Iterable[str] = ()) -> None:
        self.crossref: dict[str, dict[str, Any]] = {}
        self.openalex: list[dict[str, Any]] = []
        self.registered: set[str] = {d.lower() for d in registered}
        # shortDOIs: "10/abc" → the DOI it is an alias of (served as an HS_ALIAS value)
        self.aliases: dict[str, str] = {}
        self.derive_openalex = derive_openalex
        self.requests: list[Recorded] = []
        self.rejected_by_rate_limit = 0
        #: US dollars OpenAlex billed to the key (answers to keyed calls announce cost and rest,
        #: in the X-RateLimit-*-USD headers recorded in 2026)
        self.openalex_billed = 0.0
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._rates: dict[str, tuple[float, random.Random, int]] = {}
        self._down: set[str] = set()
        self._always: dict[str, Fault] = {}
        self._mutations: dict[str, Callable[[Any], Any]] = {}
        self._stopping = threading.Event()
        self._latency: dict[str, tuple[float, float]] = {}  # service -> (least, spread)
        self._latency_rng = random.Random(0)
        self._limits: dict[tuple[str, str], RateLimit] = {}  # (service, lane)
        self._in_flight: dict[tuple[str, str], int] = defaultdict(int)  # (service, lane)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        for work in works:
            self.add(work)

    # -- data ---------------------------------------------------------------------------------

    def add(self, work: dict[str, Any]) -> None:
        """Serve one work: Crossref-shaped to Crossref, OpenAlex-shaped to OpenAlex."""
        if is_crossref_work(work):
            self.crossref[clean_doi(work["DOI"]) or ""] = work
        else:
            self.openalex.append(work)

    def load_jsonl(self, path: str | Path) -> FakeAPI:
        """Serve every work in a JSON-lines file (blank lines and ``#`` comments skipped)."""
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                obj = json.loads(line)
                self.add(obj.get("message", obj) if isinstance(obj, dict) else obj)
        return self

    @classmethod
    def from_examples(cls, **kwargs: Any) -> FakeAPI:
        """Serve the real recorded works in fixtures/api-examples (Crossref and OpenAlex)."""
        api = cls(**kwargs)
        for path in sorted((EXAMPLES / "crossref").glob("works_10.*.json")):
            api.add(json.loads(path.read_text(encoding="utf-8"))["message"])
        for name in ("works_W2162348455.json", "works_W2741809807.json",
                     "works_doi-url_10.7554_elife.01567.json"):
            if (EXAMPLES / "openalex" / name).exists():
                api.add(json.loads((EXAMPLES / "openalex" / name).read_text(encoding="utf-8")))
        return api

    def openalex_works(self) -> list[dict[str, Any]]:
        """What OpenAlex serves: its own works, plus works derived from Crossref's if asked."""
        works = list(self.openalex)
        if self.derive_openalex:
            known = {clean_doi(w.get("doi")) for w in works}
            works += [openalex_from_crossref(w) for d, w in self.crossref.items() if d not in known]
        return works

    # -- faults -------------------------------------------------------------------------------

    def fail(self, service: str, times: int = 1, status: int = 503,
             retry_after: str | int | None = None, headers: dict[str, str] | None = None) -> None:
        """The next ``times`` requests to ``service`` get ``status`` (e.g. 429 + Retry-After)."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = str(retry_after)
        for _ in range(times):
            self._faults[service].append(Fault(status=status, headers=extra))

    def fail_rate(self, service: str, fraction: float, seed: int = 0, status: int = 503) -> None:
        """A seeded random ``fraction`` of requests to ``service`` get ``status``."""
        self._rates[service] = (fraction, random.Random(seed), status)

    def hang(self, service: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` requests sleep ``seconds`` before answering (a read timeout)."""
        for _ in range(times):
            self._faults[service].append(Fault(status=0, delay=seconds))

    def malformed(self, service: str, times: int = 1) -> None:
        """The next ``times`` requests get HTTP 200 with a truncated JSON body."""
        for _ in range(times):
            self._faults[service].append(Fault(status=200, malformed=True))

    def always(self, service: str, status: int = 200, body: bytes = b"{}",
               content_type: str = "application/json",
               headers: dict[str, str] | None = None) -> None:
        """Every request to ``service`` gets this answer (e.g. ``{}`` with 200, or an HTML 404
        from a proxy), from now on."""
        self._always[service] = Fault(status=status, body=body, content_type=content_type,
                                      headers=dict(headers or {}))

    def mutate(self, service: str, change: Callable[[Any], Any]) -> None:
        """Every JSON answer of ``service`` is passed through ``change`` before it is sent."""
        self._mutations[service] = change

    def trickle(self, service: str, seconds_per_byte: float) -> None:
        """Every answer of ``service`` sends its headers at once and its body a byte at a time."""
        self._always[service] = Fault(status=200, trickle=seconds_per_byte)

    def silent(self, service: str) -> None:
        """``service`` accepts connections and never answers (until the server stops)."""
        self._always[service] = Fault(status=0, silent=True)

    def redirect(self, service: str, location: str, status: int = 302) -> None:
        """Every request to ``service`` is redirected to ``location`` ("{url}": to itself)."""
        self._always[service] = Fault(status=status, location=location)

    def down(self, service: str) -> None:
        """``service`` answers 503 to everything from now on."""
        self._down.add(service)

    def latency(self, seconds: float, service: str | None = None, spread: float = 0.0,
                seed: int = 0) -> None:
        """Every request (to ``service``, or to all) waits ``seconds`` before being answered,
        plus a random share of ``spread`` seconds (uniform, seeded): a real network's latency."""
        self._latency_rng = random.Random(seed)
        for name in [service] if service else SERVICES:
            self._latency[name] = (seconds, spread)

    def _delay(self, service: str) -> float:
        least, spread = self._latency.get(service, (0.0, 0.0))
        with self._lock:
            return least + spread * self._latency_rng.random() if spread else least

    def rate_limit(self, service: str = "crossref", limit: int = 5, interval: float = 1.0,
                   concurrency: int | None = None, retry_after: int | None = None,
                   lane: str = "") -> None:
        """Crossref-like limit: announce it in ``x-rate-limit-*`` headers, 429 beyond it.

        ``lane`` "single" or "list" limits only Crossref's single-record requests
        (``/works/{doi}``) or its lists (queries, filters), which Crossref limits apart; ""
        limits every request of the service together."""
        self._limits[service, lane] = RateLimit(limit, interval, concurrency, retry_after)

    # -- inspection ---------------------------------------------------------------------------

    def count(self, service: str | None = None, path: str | None = None, **query: str) -> int:
        """How many requests matched ``service``, a ``path`` prefix and exact query values
        (use ``query_bibliographic`` for ``query.bibliographic``)."""
        wanted = {k.replace("_", ".") if k.startswith("query_") else k: v for k, v in query.items()}
        return sum(1 for r in self.requests
                   if (service is None or r.service == service)
                   and (path is None or r.path.startswith(path))
                   and all(r.query.get(k) == v for k, v in wanted.items()))

    def clear_log(self) -> None:
        self.requests.clear()

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake API first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def environment(self) -> dict[str, str]:
        """The variables that point citelint at this server."""
        return {"CITELINT_CROSSREF_URL": f"{self.url}/crossref",
                "CITELINT_OPENALEX_URL": f"{self.url}/openalex",
                "CITELINT_DOI_URL": f"{self.url}/doi"}

    def start(self) -> FakeAPI:
        api = self

        class Handler(_Handler):
            fake = api

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving ------------------------------------------------------------------------------

    def _limit(self, service: str, lane: str) -> tuple[RateLimit | None, int]:
        """The limit that applies to a request, and how many requests it covers are in flight."""
        if (service, lane) in self._limits:
            return self._limits[service, lane], self._in_flight[service, lane]
        in_flight = sum(n for (name, _), n in self._in_flight.items() if name == service)
        return self._limits.get((service, "")), in_flight

    def _next_fault(self, service: str, lane: str) -> Fault | None:
        with self._lock:
            if service in self._down:
                return Fault(status=503, body=b"<html><body>Service Unavailable</body></html>")
            if service in self._always:
                return self._always[service]
            if self._faults[service]:
                return self._faults[service].popleft()
            if service in self._rates:
                fraction, rng, status = self._rates[service]
                if rng.random() < fraction:
                    return Fault(status=status)
            limit, in_flight = self._limit(service, lane)
            if limit is not None:
                now = time.monotonic()
                while limit.seen and limit.seen[0] <= now - limit.interval:
                    limit.seen.popleft()
                over_rate = len(limit.seen) >= limit.limit
                over_concurrency = limit.concurrency is not None and in_flight > limit.concurrency
                if over_rate or over_concurrency:
                    self.rejected_by_rate_limit += 1
                    headers = {"Retry-After": str(limit.retry_after)} if limit.retry_after else {}
                    return Fault(status=429, headers=headers, body=b"Too Many Requests")
                limit.seen.append(now)
        return None

    def _service_headers(self, service: str, rec: Recorded) -> dict[str, str]:
        if service == "openalex" and "api_key" in rec.query:
            cost = OPENALEX_PRICES_USD[openalex_kind(rec.path, rec.query)]
            with self._lock:
                self.openalex_billed += cost
                rest = max(0.0, OPENALEX_DAILY_USD - self.openalex_billed)
            return {"x-ratelimit-limit-usd": f"{OPENALEX_DAILY_USD:g}",
                    "x-ratelimit-remaining-usd": f"{rest:.4f}",
                    "x-ratelimit-cost-usd": f"{cost:g}"}
        if service != "crossref":
            return {}
        lane = _lane(service, rec.path)
        limit = self._limit(service, lane)[0]
        polite = "mailto" in rec.query or "mailto:" in rec.headers.get("user-agent", "")
        pool = "polite" if polite else "public"
        if (service, lane) in self._limits:  # as recorded in 2026: polite-single, polite-array
            pool += "-array" if lane == "list" else "-single"
        return {"x-api-pool": pool,
                "x-rate-limit-limit": str(limit.limit if limit else 50),
                "x-rate-limit-interval": f"{limit.interval:g}s" if limit else "1s",
                "x-concurrency-limit": str(limit.concurrency if limit and limit.concurrency
                                           else 3),
                "server": "Jetty(9.4.40.v20210413)"}

    def answer(self, service: str, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        """The normal (fault-free) answer: status, content type, body."""
        if service == "crossref":
            return self._crossref(path, query)
        if service == "openalex":
            return self._openalex(path, query)
        return self._handles(path)

    def _crossref(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        envelope = {"status": "ok", "message-version": "1.0.0"}
        if path.startswith("/works/"):
            work = self.crossref.get(path.removeprefix("/works/").lower())
            if work is None:
                return 404, "text/plain", b"Resource not found."
            return 200, "application/json", _json({**envelope, "message-type": "work",
                                                   "message": work})
        if path.rstrip("/") != "/works":
            return 404, "text/plain", b"Resource not found."
        rows = int(query.get("rows", 20))
        terms = query.get("query.bibliographic") or query.get("query") or ""
        filters = [f.partition(":") for f in query.get("filter", "").split(",")]
        dois = [value.lower() for name, _, value in filters if name == "doi"]
        years = {name: int(value[:4]) for name, _, value in filters
                 if name in ("from-pub-date", "until-pub-date")}
        journal = query.get("query.container-title")
        scored = []
        if dois:  # repeated filters of one name are ORed; filter-only answers score 0.0
            scored = [(0.0, self.crossref[d]) for d in dict.fromkeys(dois) if d in self.crossref]
        for work in self.crossref.values() if not dois else ():
            if years and not (years.get("from-pub-date", 0) <= _issued_year(work)
                              <= years.get("until-pub-date", 9999)):
                continue
            if journal is not None:  # a field query: words of the container titles only
                overlap = len(_words(journal) & _words(" ".join(
                    [*(work.get("container-title") or []),
                     *(work.get("short-container-title") or [])])))
            else:
                overlap = len(_words(terms) & _words(_crossref_text(work)))
            if overlap:
                scored.append((overlap * 10.0 + len(_words(terms)) / 100, work))
        scored.sort(key=lambda pair: -pair[0])
        select = [f for f in query.get("select", "").split(",") if f]
        items = [_project({**work, "score": score}, select) for score, work in scored[:rows]]
        message = {"facets": {}, "total-results": len(scored), "items": items,
                   "items-per-page": rows, "query": {"start-index": 0,
                                                     "search-terms": terms or None}}
        return 200, "application/json", _json({**envelope, "message-type": "work-list",
                                               "message": message})

    def _openalex(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        works = self.openalex_works()
        select = [f for f in query.get("select", "").split(",") if f]
        not_found = (404, "text/html; charset=utf-8",
                     _example("openalex/works_404_not_found_body.html"))
        if path.startswith("/works/"):
            key = path.removeprefix("/works/")
            doi = clean_doi(key) if key.lower().startswith(("https://doi.org/", "doi:")) else None
            for work in works:
                if (doi and clean_doi(work.get("doi")) == doi) or work.get("id", "").endswith(
                        "/" + key):
                    return 200, "application/json", _json(_project(work, select))
            return not_found
        per_page = int(query.get("per-page") or query.get("per_page") or 25)
        if path.rstrip("/") == "/sources" and "search" in query:
            return self._openalex_sources(query["search"], per_page, select)
        if path.rstrip("/") != "/works":
            return not_found
        results: list[dict[str, Any]]
        if "search" in query:
            terms = _words(query["search"])
            scored = [(len(terms & _words(_openalex_text(w))), w) for w in works]
            scored = sorted((s for s in scored if s[0]), key=lambda pair: -pair[0])
            results = [{**w, "relevance_score": s * 10.0} for s, w in scored]
        elif query.get("filter", "").startswith("doi:"):
            asked = {clean_doi(d) for d in query["filter"].removeprefix("doi:").split("|")}
            results = [w for w in works if clean_doi(w.get("doi")) in asked]
        elif query.get("filter", "").startswith("primary_location.source.id:"):
            # a journal's works of a year: "primary_location.source.id:S1|S2,publication_year:Y"
            filters = dict(f.partition(":")[::2] for f in query["filter"].split(","))
            ids = {i.rsplit("/", 1)[-1] for i in filters["primary_location.source.id"].split("|")}
            year = filters.get("publication_year")
            results = [w for w in works
                       if str(((w.get("primary_location") or {}).get("source") or {})
                              .get("id") or "").rsplit("/", 1)[-1] in ids
                       and (year is None or str(w.get("publication_year")) == year)]
        else:
            field_name = query.get("filter", "").split(":")[0] or "(none)"
            return 400, "application/json", _json({
                "error": "Invalid query parameters error.",
                "message": f"{field_name} is not a valid field in this fake server."})
        meta = {"count": len(results), "db_response_time_ms": 3, "page": 1,
                "per_page": per_page, "groups_count": None}
        return 200, "application/json", _json({
            "meta": meta, "results": [_project(w, select) for w in results[:per_page]],
            "group_by": []})

    def _openalex_sources(self, search: str, per_page: int,
                          select: list[str]) -> tuple[int, str, bytes]:
        """``/sources?search=``: the journals of the works held, by words of their names, as
        OpenAlex's source objects (a derived journal's abbreviation is Crossref's short title)."""
        short = {(w.get("container-title") or [None])[0]: w.get("short-container-title") or []
                 for w in self.crossref.values()}
        sources: dict[str, dict[str, Any]] = {}
        for work in self.openalex_works():
            source = (work.get("primary_location") or {}).get("source") or {}
            if not source.get("id") or source["id"] in sources:
                continue
            name = source.get("display_name")
            sources[source["id"]] = {
                "id": source["id"], "display_name": name,
                "abbreviated_title": (short.get(name) or [None])[0], "alternate_titles": [],
                "issn_l": (source.get("issn") or [None])[0], "issn": source.get("issn"),
                "type": source.get("type") or "journal", "works_count": 1}
        terms = _words(search)
        scored = [(len(terms & _words(" ".join(filter(None, (s["display_name"],
                                                           s["abbreviated_title"]))))), s)
                  for s in sources.values()]
        found = [{**s, "relevance_score": n * 10.0}
                 for n, s in sorted((p for p in scored if p[0]), key=lambda p: -p[0])]
        meta = {"count": len(found), "db_response_time_ms": 3, "page": 1, "per_page": per_page,
                "groups_count": None}
        return 200, "application/json", _json({
            "meta": meta, "results": [_project(s, select) for s in found[:per_page]],
            "group_by": []})

    def _handles(self, path: str) -> tuple[int, str, bytes]:
        handle = path.removeprefix("/api/handles/")
        known = (handle.lower() in self.registered or handle.lower() in self.crossref
                 or any(clean_doi(w.get("doi")) == handle.lower() for w in self.openalex))
        if handle.lower() in self.aliases:
            alias = {"index": 1, "type": "HS_ALIAS", "ttl": 86400,
                     "data": {"format": "string", "value": self.aliases[handle.lower()]}}
            return 200, "application/json", _json({"responseCode": 1, "handle": handle,
                                                   "values": [alias]})
        if not path.startswith("/api/handles/") or not known:
            return 404, "application/json", _json({"responseCode": 100, "handle": handle})
        value = {"index": 1, "type": "URL", "ttl": 86400, "timestamp": "2024-01-01T00:00:00Z",
                 "data": {"format": "string", "value": f"https://example.org/{handle}"}}
        return 200, "application/json", _json({"responseCode": 1, "handle": handle,
                                               "values": [value]})


def _json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _project(work: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {k: v for k, v in work.items() if k in fields} if fields else work


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAPI
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: don't wait 40 ms between

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        fake = self.fake
        parts = urlsplit(self.path)
        service, _, rest = parts.path.lstrip("/").partition("/")
        query = {k: (REDACTED if k.lower() in _SECRET_PARAMS else v)
                 for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        headers = {k.lower(): (REDACTED if k.lower() in _SECRET_HEADERS else v)
                   for k, v in self.headers.items()}
        rec = Recorded(service, unquote("/" + rest), query, headers, at=time.monotonic())
        with fake._lock:
            fake.requests.append(rec)
            fake._in_flight[service, _lane(service, rec.path)] += 1
        try:
            self._serve(fake, service, rec)
        finally:
            self._answered(rec)

    def _answered(self, rec: Recorded) -> None:
        """The request is no longer in flight once its answer starts going out (a client that
        has read the answer may send the next request before this thread runs again)."""
        with self.fake._lock:
            if not rec.answered:
                rec.answered = time.monotonic()
                self.fake._in_flight[rec.service, _lane(rec.service, rec.path)] -= 1

    def _serve(self, fake: FakeAPI, service: str, rec: Recorded) -> None:
        if service not in SERVICES:
            return self._send(rec, 404, "text/plain", b"No such fake service.", {})
        # a rate limit counts a request when it arrives, as a service's gateway does; the
        # latency is the network's and the service's time after that
        fault = fake._next_fault(service, _lane(service, rec.path))
        time.sleep(fake._delay(service))
        extra = fake._service_headers(service, rec)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
            fault = None
        if fault is not None and fault.silent:
            fake._stopping.wait()  # the client gives up, or the server stops
            return None
        if fault is not None and fault.location is not None:
            location = fault.location.replace("{url}", f"{fake.url}{self.path}")
            return self._send(rec, fault.status, "text/plain", b"", {**extra,
                                                                    "Location": location})
        if fault is not None and not fault.malformed and not fault.trickle:
            body = fault.body
            if fault.status == 429 and service == "openalex" and not body:
                body = _example("openalex/works_429_too_many_requests_body.html")
            return self._send(rec, fault.status, fault.content_type, body,
                              {**extra, **fault.headers})
        status, ctype, body = fake.answer(service, rec.path, rec.query)
        change = fake._mutations.get(service)
        if change is not None and ctype.startswith("application/json"):
            body = _json(change(json.loads(body)))
        if fault is not None and fault.malformed:  # cut the JSON in half
            status, ctype, body = 200, "application/json", body[: max(1, len(body) // 2)]
        if fault is not None and fault.trickle:
            return self._trickle(rec, status, ctype, body, extra, fault.trickle)
        self._send(rec, status, ctype, body, extra)

    def _trickle(self, rec: Recorded, status: int, ctype: str, body: bytes,
                 headers: dict[str, str], seconds_per_byte: float) -> None:
        self._send(rec, status, ctype, b"", {**headers, "Content-Length": str(len(body))},
                   length=False)
        try:
            for byte in body:
                if self.fake._stopping.wait(seconds_per_byte):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up
            pass

    def _send(self, rec: Recorded, status: int, ctype: str, body: bytes,
              headers: dict[str, str], length: bool = True) -> None:
        rec.status = status
        self._answered(rec)
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if length:
                self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (read timeout)
            pass
