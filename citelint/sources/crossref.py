"""Crossref as a source: batched DOI look-ups (``/works?filter=doi:a,doi:b,…``, Crossref ORs
repeated filters of one name), ``/works/{doi}`` for a DOI that cannot go in a filter, and
whole-citation search (``/works?query.bibliographic=…``).

crossrefapi builds the URLs and reads the answers; its HTTP goes through citelint's
:class:`~citelint.sources.transport.Transport` via one hook (:class:`CrossrefHTTP`), so pacing,
retries and the cache apply. This module must not judge candidates (the matcher does that field by
field) and must never threshold Crossref's raw ``score``, which changes between versions.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from crossref import restful

from citelint import PROJECT_URL, __version__
from citelint.doi import clean_doi, is_valid_doi
from citelint.models import Record, Reference
from citelint.records import record_from_crossref
from citelint.sources import PartialAnswer, SourceUnavailable
from citelint.sources.transport import Accept, Response, Transport, path_segment, user_agent

DEFAULT_URL = "https://api.crossref.org"
_LIBRARY_ROOT = f"https://{restful.API}"  # what crossrefapi puts in front of every path

#: The fields :func:`citelint.records.record_from_crossref` reads (``select`` works on lists only).
SEARCH_FIELDS = (
    "DOI", "URL", "title", "subtitle", "author", "container-title", "short-container-title",
    "ISSN", "issued", "published", "published-print", "published-online", "volume", "issue",
    "page", "article-number", "type", "publisher", "abstract", "subject", "updated-by",
    "update-to", "score",
)
MAX_QUERY_CHARS = 1000
#: DOIs per ``filter=doi:…`` request: about 1 KB of URL, well inside what proxies accept.
BATCH_SIZE = 25
# A DOI may go in a filter when it cannot be mistaken for the filter's own syntax (``,`` separates
# filters, ``:`` a filter's name from its value); any other goes to ``/works/{doi}``.
_FILTERABLE = re.compile(r"[^,:\s]+")
_NOT_FOUND = "Resource not found"  # the start of Crossref's plain-text 404 body
#: The limits Crossref documents for its pools from December 2025 (the polite pool with a
#: ``mailto``): per lane, requests per second and requests in flight. The answers announce the
#: same in ``x-rate-limit-limit``, ``x-rate-limit-interval`` and ``x-concurrency-limit`` (recorded
#: in 2026: public 5/1s/1 on single records; polite 10 and 3; ``polite-array`` 3 on lists); they
#: are paced at until the first answer of a lane announces its own, which then win.
DOCUMENTED_LIMITS = {"polite": {"single": (10, 3), "list": (3, 3)},
                     "public": {"single": (5, 1), "list": (1, 1)}}


def accept_list(dois: Sequence[str] = ()) -> Accept:
    """A check of a ``/works?…`` answer: a well-formed work list; for a look-up of ``dois``, one
    that holds only works it was asked for and says how many it found."""

    def accept(response: Response) -> None:
        # pydantic's models: loaded when the first answer is read, not before the first request
        from citelint.service_schema import CrossrefListAnswer, InvalidShape, checked

        if response.status != 200:
            raise InvalidShape(f"HTTP {response.status} where a list of works was expected")
        message = checked(CrossrefListAnswer, response.data)["message"]
        if not dois:
            return
        items = message["items"]
        asked = set(dois)
        strays = [w.get("DOI") for w in items if clean_doi(w.get("DOI")) not in asked]
        if strays:
            raise InvalidShape(f"it lists {strays[0]!r}, which was not asked for")
        total = message.get("total-results")
        if total is not None and total != len(items):
            raise InvalidShape(f"it counts {total} works but lists {len(items)}")

    return accept


def accept_work(response: Response) -> None:
    """A check of a ``/works/{doi}`` answer: a work with its DOI, or Crossref's own 404."""
    from citelint.service_schema import CrossrefWorkAnswer, InvalidShape, checked

    if response.status == 404:
        if not (response.text or "").startswith(_NOT_FOUND):
            raise InvalidShape("HTTP 404 without Crossref's 'Resource not found.' (another path "
                               "or server?)")
        return
    doi = checked(CrossrefWorkAnswer, response.data)["message"].get("DOI")
    asked = unquote(urlsplit(response.url).path).partition("/works/")[2]
    if not doi or clean_doi(doi) != clean_doi(asked):
        raise InvalidShape(f"message.DOI is {doi!r}, not the DOI asked for")


class CrossrefHTTP:
    """crossrefapi's ``do_http_request`` hook: its requests go through our transport.

    The library hard-codes ``https://api.crossref.org``; the hook swaps that root for the
    configured base URL, adds ``mailto`` and hands back a :class:`requests.Response` built from the
    transport's answer, so crossrefapi's own parsing (404 → None, ``.json()``) runs unchanged.
    """

    def __init__(self, transport: Transport, base_url: str, mailto: str | None) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.mailto = mailto

    def get(self, endpoint: str, params: Mapping[str, Any] | None = None, *,
            kind: str, accept: Accept) -> Response:
        url = self.base_url + endpoint.removeprefix(_LIBRARY_ROOT)
        query = dict(params or {})
        headers = None
        if self.mailto:
            query["mailto"] = self.mailto
            headers = {"User-Agent": user_agent(self.mailto)}
        # Crossref limits single records (/works/{doi}) and lists (queries, filters) apart
        lane = "single" if kind == "work" else "list"
        return self.transport.get(url, query, service="Crossref", kind=kind, headers=headers,
                                  lane=lane, accept=accept)

    def __call__(self, method: str, endpoint: str, data: Mapping[str, Any] | None = None,
                 files: Any = None, timeout: float | None = None, only_headers: bool = False,
                 custom_header: Mapping[str, str] | None = None) -> requests.Response:
        if method != "get" or only_headers or files:
            raise SourceUnavailable("citelint only reads from Crossref; it does not POST or HEAD.")
        return self.get(endpoint, data, kind="work", accept=accept_work).to_requests()


def _works_class(http: CrossrefHTTP) -> type[restful.Works]:
    """crossrefapi's ``Works`` wired to ``http``; the query builders return the same class, so
    every request any of them makes goes through the hook."""

    class Works(restful.Works):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["throttle"] = False  # pacing is the transport's job
            super().__init__(*args, **kwargs)
            self.do_http_request = http

    return Works


class CrossrefSource:
    """The Crossref REST API. ``base_url`` defaults to ``CITELINT_CROSSREF_URL`` or the real API."""

    name = "crossref"
    authoritative = True

    def __init__(self, transport: Transport, base_url: str | None = None,
                 mailto: str | None = None, workers: int = 3,
                 batch_size: int = BATCH_SIZE) -> None:
        self.transport = transport
        self.base_url = base_url or os.environ.get("CITELINT_CROSSREF_URL") or DEFAULT_URL
        self.mailto = mailto or os.environ.get("CITELINT_MAILTO") or None
        self.http = CrossrefHTTP(transport, self.base_url, self.mailto)
        transport.allow(self.base_url)
        for lane, (rate, in_flight) in DOCUMENTED_LIMITS[
                "polite" if self.mailto else "public"].items():
            transport.presume("Crossref", lane, rate, 1.0, in_flight)
        etiquette = restful.Etiquette("citelint", __version__, PROJECT_URL,
                                      self.mailto or "anonymous")
        self._works = _works_class(self.http)(etiquette=etiquette)
        self.workers = max(1, workers)
        self.batch_size = max(1, batch_size)

    def __repr__(self) -> str:
        return f"CrossrefSource(base_url={self.base_url!r})"

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        """The Crossref records of ``dois``, by cleaned DOI: one ``filter=doi:…`` request per
        :data:`BATCH_SIZE` DOIs (a few in parallel; the transport paces them).

        A DOI missing from a batch's answer, or a 404 on ``/works/{doi}``, means Crossref does not
        know it. If some requests fail, raises :class:`~citelint.sources.PartialAnswer` carrying
        the records that did arrive; the DOIs of a failed request are not reported absent.
        """
        wanted = sorted({d for d in (clean_doi(x) or x.lower() for x in dois if x)
                         if is_valid_doi(d)})
        filterable = [d for d in wanted if _FILTERABLE.fullmatch(d)]
        tasks = [(self._by_filter, tuple(filterable[i:i + self.batch_size]))
                 for i in range(0, len(filterable), self.batch_size)]
        tasks += [(self._by_path, (d,)) for d in wanted if not _FILTERABLE.fullmatch(d)]
        found: dict[str, Record] = {}
        failures: dict[str, SourceUnavailable] = {}

        def look_up(task: tuple[Callable[[tuple[str, ...]], list[dict[str, Any]]],
                                tuple[str, ...]]) -> None:
            fetch, batch = task
            try:
                works = fetch(batch)
            except SourceUnavailable as exc:
                failures.update(dict.fromkeys(batch, exc))
                return
            for work in works:
                doi = clean_doi(work.get("DOI"))
                if doi in batch:
                    found[doi] = self._record(work)

        with ThreadPoolExecutor(max_workers=min(self.workers, len(tasks) or 1)) as pool:
            list(pool.map(look_up, tasks))
        PartialAnswer.check("Crossref", len(wanted), found, failures)
        return found

    def _record(self, work: dict[str, Any]) -> Record:
        """One work of Crossref's answer, which says what notices are on it: ``updated-by`` is
        there (and selected) whenever the work has any."""
        record = record_from_crossref(work, self.name)
        record.notices_known = True
        return record

    def _by_filter(self, dois: tuple[str, ...]) -> list[dict[str, Any]]:
        query = self._works
        for doi in dois:
            query = query.filter(doi=doi)
        response = self.http.get(query.url, {"rows": len(dois)}, kind="list",
                                 accept=accept_list(dois))
        return list(response.data["message"]["items"])

    def _by_path(self, dois: tuple[str, ...]) -> list[dict[str, Any]]:
        [doi] = dois
        message = self._works.doi(path_segment(doi))
        return [message] if message else []

    def work_by_doi(self, doi: str) -> Record | None:
        """Crossref's record of one DOI from ``/works/{doi}``, on the lane of single records
        (not the list lane that searches and DOI filters share); None when Crossref does not
        know it."""
        found = self._by_path((clean_doi(doi) or doi,))
        return self._record(found[0]) if found else None

    def search_would_wait(self) -> bool:
        """True when a search sent now would have to wait for its turn on the list lane: others
        queue for it, it is at its cap of requests in flight, or its rate allows no start yet.
        False when its pacer cannot tell (e.g. one shared by a cluster)."""
        pacer: Any = self.transport.pacer("Crossref", "list")
        try:
            return bool(pacer.waiting or pacer.in_flight >= pacer.concurrency
                        or pacer.next_start() > time.monotonic())
        except AttributeError:
            return False

    def journal_works(self, journal: str, year: int, rows: int = 20) -> list[Record]:
        """Works Crossref holds from ``year`` whose container title is like ``journal``
        (``query.container-title`` with ``from-pub-date``/``until-pub-date`` filters); the caller
        decides which of them are really in the cited journal."""
        query = (self._works.query(container_title=journal[:MAX_QUERY_CHARS])
                 .filter(from_pub_date=str(year), until_pub_date=str(year))
                 .select(*SEARCH_FIELDS))
        response = self.http.get(query.url, {"rows": rows}, kind="search", accept=accept_list())
        items = response.data["message"]["items"]
        return [self._record(item) for item in items[:rows]]

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        """Crossref's best matches for the whole citation string (``query.bibliographic``)."""
        text = " ".join((reference.raw or reference.title or "").split())[:MAX_QUERY_CHARS]
        if not text:
            return []
        query = self._works.query(bibliographic=text).select(*SEARCH_FIELDS)
        response = self.http.get(query.url, {"rows": rows}, kind="search", accept=accept_list())
        items = response.data["message"]["items"]
        return [self._record(item) for item in items[:rows]]
