"""Crossref as a source: DOI look-ups (``/works/{doi}``) and whole-citation search
(``/works?query.bibliographic=…``).

crossrefapi builds the URLs and reads the answers; its HTTP goes through citelint's
:class:`~citelint.sources.transport.Transport` via one hook (:class:`CrossrefHTTP`), so pacing,
retries and the cache apply. This module must not judge candidates (the matcher does that field by
field) and must never threshold Crossref's raw ``score``, which changes between versions.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import requests
from crossref import restful

from citelint import __version__
from citelint.doi import clean_doi, is_valid_doi
from citelint.models import Record, Reference
from citelint.records import record_from_crossref
from citelint.sources import PartialAnswer, SourceUnavailable
from citelint.sources.transport import Response, Transport, user_agent

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
            kind: str) -> Response:
        url = self.base_url + endpoint.removeprefix(_LIBRARY_ROOT)
        query = dict(params or {})
        headers = None
        if self.mailto:
            query["mailto"] = self.mailto
            headers = {"User-Agent": user_agent(self.mailto)}
        return self.transport.get(url, query, service="Crossref", kind=kind, headers=headers)

    def __call__(self, method: str, endpoint: str, data: Mapping[str, Any] | None = None,
                 files: Any = None, timeout: float | None = None, only_headers: bool = False,
                 custom_header: Mapping[str, str] | None = None) -> requests.Response:
        if method != "get" or only_headers or files:
            raise SourceUnavailable("citelint only reads from Crossref; it does not POST or HEAD.")
        return self.get(endpoint, data, kind="work").to_requests()


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
                 mailto: str | None = None, workers: int = 3) -> None:
        self.transport = transport
        self.base_url = base_url or os.environ.get("CITELINT_CROSSREF_URL") or DEFAULT_URL
        self.mailto = mailto or os.environ.get("CITELINT_MAILTO") or None
        self.http = CrossrefHTTP(transport, self.base_url, self.mailto)
        etiquette = restful.Etiquette("citelint", __version__, "https://pypi.org/project/citelint/",
                                      self.mailto or "anonymous")
        self._works = _works_class(self.http)(etiquette=etiquette)
        self.workers = max(1, workers)

    def __repr__(self) -> str:
        return f"CrossrefSource(base_url={self.base_url!r})"

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        """One ``/works/{doi}`` call per DOI (a few in parallel; the transport paces them).

        A 404 means Crossref does not know the DOI. If some look-ups fail, raises
        :class:`~citelint.sources.transport.PartialAnswer` carrying the records that did arrive.
        """
        wanted = sorted({d for d in (clean_doi(x) or x.lower() for x in dois if x)
                         if is_valid_doi(d)})
        found: dict[str, Record] = {}
        failures: dict[str, str] = {}

        def look_up(doi: str) -> None:
            try:
                message = self._works.doi(quote(doi, safe="/()"))
            except SourceUnavailable as exc:
                failures[doi] = str(exc)
                return
            if message:
                found[doi] = record_from_crossref(message, self.name)

        with ThreadPoolExecutor(max_workers=min(self.workers, len(wanted) or 1)) as pool:
            list(pool.map(look_up, wanted))
        PartialAnswer.check("Crossref", len(wanted), found, failures)
        return found

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        """Crossref's best matches for the whole citation string (``query.bibliographic``)."""
        text = " ".join((reference.raw or reference.title or "").split())[:MAX_QUERY_CHARS]
        if not text:
            return []
        query = self._works.query(bibliographic=text).select(*SEARCH_FIELDS)
        response = self.http.get(query.url, {"rows": rows}, kind="search")
        if response.status != 200:
            raise SourceUnavailable(f"Crossref answered HTTP {response.status} to a search.")
        items = ((response.data or {}).get("message") or {}).get("items") or []
        return [record_from_crossref(item, self.name) for item in items[:rows]]
