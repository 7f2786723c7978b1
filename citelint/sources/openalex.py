"""OpenAlex as a source: batched DOI look-ups (``filter=doi:a|b|…``) and, as a last resort,
keyword search (``search=``).

pyalex builds the URLs and reads the answers; its HTTP goes through citelint's
:class:`~citelint.sources.transport.Transport` via one session-like object
(:class:`OpenAlexHTTP`), so pacing, retries and the cache apply. Since February 2026 OpenAlex bills
per call (singletons free, list/filter calls a little, search ten times more), so this module
batches DOIs up to 100 per call and leaves search to the resolver's last step.

The API key is sent as the documented ``api_key`` query parameter and held in a
:class:`~citelint.sources.transport.Secret`; it must never be printed, logged, cached or put in an
exception or repr. This module must not configure pyalex's global ``config`` (other code may use
pyalex too, and that dict would show the key when printed).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pyalex
import requests

from citelint.doi import clean_doi, is_valid_doi
from citelint.models import Record, Reference
from citelint.records import record_from_openalex
from citelint.sources import PartialAnswer, SourceUnavailable
from citelint.sources.transport import Response, Secret, Transport, user_agent

DEFAULT_URL = "https://api.openalex.org"
_LIBRARY_ROOT = "https://api.openalex.org"  # pyalex 0.21 builds every URL on this root
MAX_FILTER_VALUES = 100  # OpenAlex's cap on values OR-ed in one filter
#: OpenAlex documents (2026) at most 100 requests per second for every user, and no cap on
#: requests in flight; citelint keeps at most 4 in flight (its fallback searches, a journal
#: look-up and a DOI batch can then overlap) unless an answer announces a limit.
DOCUMENTED_LIMITS = (100, 1.0, 4)

#: Root-level fields :func:`citelint.records.record_from_openalex` reads. ``referenced_works``
#: and ``related_works`` (the works it cites, and those OpenAlex finds related) feed the
#: off-topic check's citation coupling (:mod:`citelint.coupling`): they come in the same answer,
#: at no extra request (a few KB per work: OpenAlex ids, about 33 bytes each).
FIELDS = ["id", "doi", "title", "display_name", "publication_year", "type", "authorships",
          "primary_location", "biblio", "ids", "is_retracted", "abstract_inverted_index",
          "keywords", "topics", "primary_topic", "referenced_works", "related_works"]


#: What OpenAlex documents (2026, developers.openalex.org/api-reference/authentication) that a
#: call of each kind costs, in millionths of a US dollar: singletons (``/works/W…``,
#: ``/works/doi:…``) free, list and filter calls $0.10 per 1,000, search $1 per 1,000, semantic
#: search $10 per 1,000. A free API key comes with $1 of calls a day.
PRICES_MICRO_USD = {"singleton": 0, "list": 100, "search": 1000, "semantic": 10000}
#: The headers OpenAlex documents on every answer to a keyed call (recorded in 2026: see
#: fixtures/api-examples/SOURCES.md): the cost of this call, and what is left of today's allowance.
COST_HEADER = "x-ratelimit-cost-usd"
REMAINING_HEADER = "x-ratelimit-remaining-usd"


def _micro_usd(value: str | None) -> int | None:
    """A header's amount of US dollars in millionths (None when absent or not a number)."""
    try:
        amount = float(value) if value is not None else float("nan")
    except ValueError:
        return None
    return round(amount * 1_000_000) if 0 <= amount < float("inf") else None


class Spend:
    """What a run spends on OpenAlex's billed calls, and the budget for moving searches to it.

    Every call OpenAlex answers (an answer from the cache costs nothing) is charged at the cost
    its answer announces in ``X-RateLimit-Cost-USD``, else at the documented price of its kind
    (:data:`PRICES_MICRO_USD`). :meth:`hold` lets one more call of a kind go only when what was
    spent, what is held for calls still in flight and that call's price stay within ``budget``
    (and within what the last answer said is left of today's allowance, when it said so);
    the price held is the documented one, or the highest cost an answer of that kind announced
    in this run when that is more. Amounts are kept in millionths of a dollar (no rounding
    drift). Safe to use from several threads.
    """

    def __init__(self, budget_usd: float = 0.0) -> None:
        self.budget = round(budget_usd * 1_000_000)
        self._lock = threading.Lock()
        self._spent = 0
        self._held = 0
        self._calls: dict[str, int] = {}
        self._announced: int | None = None  # the sum of the costs the answers announced
        self._dearest = dict(PRICES_MICRO_USD)  # per kind, the highest cost seen or documented
        self._remaining: int | None = None  # today's allowance left, as last announced

    def hold(self, kind: str) -> int | None:
        """Reserve the price of one call of ``kind``; None when the budget does not allow it.
        Give back what it returns to :meth:`release` once the call is over."""
        with self._lock:
            price = self._dearest.get(kind, 0)
            if self._spent + self._held + price > self.budget:
                return None
            if self._remaining is not None and self._held + price > self._remaining:
                return None  # what is left of today's allowance is for the calls that must go
            self._held += price
            return price

    def release(self, held: int) -> None:
        with self._lock:
            self._held -= held

    def charge(self, kind: str, headers: Mapping[str, str]) -> None:
        """One call of ``kind`` answered by OpenAlex, with its answer's ``headers``."""
        announced = _micro_usd(headers.get(COST_HEADER))
        remaining = _micro_usd(headers.get(REMAINING_HEADER))
        with self._lock:
            self._calls[kind] = self._calls.get(kind, 0) + 1
            if announced is None:
                self._spent += PRICES_MICRO_USD.get(kind, 0)
            else:
                self._spent += announced
                self._announced = (self._announced or 0) + announced
                self._dearest[kind] = max(self._dearest.get(kind, 0), announced)
            if remaining is not None:
                self._remaining = remaining

    @property
    def spent(self) -> float:
        """US dollars charged so far."""
        with self._lock:
            return self._spent / 1_000_000

    def report(self) -> dict[str, object]:
        """For the report's ``stats.openalex``: calls answered by kind, dollars spent (and, when
        OpenAlex announced costs, their sum and what is left of today's allowance), the budget."""
        with self._lock:
            out: dict[str, object] = {"calls": dict(sorted(self._calls.items())),
                                      "spent_usd": self._spent / 1_000_000,
                                      "budget_usd": self.budget / 1_000_000}
            if self._announced is not None:
                out["announced_usd"] = self._announced / 1_000_000
            if self._remaining is not None:
                out["remaining_today_usd"] = self._remaining / 1_000_000
            return out


def accept_answer(response: Response) -> None:
    """A check of an OpenAlex answer: a well-formed work, or list of works; for a look-up by
    ``filter=doi:…``, one that holds only works it was asked for and says how many it found."""
    # pydantic's models: loaded when the first answer is read, not before the first request
    from citelint.service_schema import (
        InvalidShape,
        OpenAlexListAnswer,
        OpenAlexSourceListAnswer,
        OpenAlexWork,
        checked,
    )

    if response.status != 200:
        raise InvalidShape(f"HTTP {response.status} where works were expected")
    parts = urlsplit(response.url)
    if parts.path.rstrip("/").rpartition("/")[2] == "sources":
        checked(OpenAlexSourceListAnswer, response.data)
        return
    if parts.path.rstrip("/").rpartition("/")[2] != "works":
        checked(OpenAlexWork, response.data)
        return
    answer = checked(OpenAlexListAnswer, response.data)
    query = dict(parse_qsl(parts.query))
    if not query.get("filter", "").startswith("doi:"):
        return
    asked = {clean_doi(d) for d in query["filter"].removeprefix("doi:").split("|")}
    results = answer["results"]
    strays = [w.get("doi") for w in results if clean_doi(w.get("doi")) not in asked]
    if strays:
        raise InvalidShape(f"it lists {strays[0]!r}, which was not asked for")
    count = answer["meta"].get("count")
    per_page = int(query.get("per-page") or query.get("per_page") or 25)
    if count is not None and count != len(results) and len(results) < per_page:
        raise InvalidShape(f"it counts {count} works but lists {len(results)}")


def api_key_from_environment() -> str | None:
    """``CITELINT_OPENALEX_API_KEY``, else ``OPENALEX_API_KEY``, else None."""
    return (os.environ.get("CITELINT_OPENALEX_API_KEY") or os.environ.get("OPENALEX_API_KEY")
            or None)


class OpenAlexHTTP:
    """The session pyalex is given: its GETs go through our transport.

    pyalex 0.21 hard-codes ``https://api.openalex.org``; this swaps that root for the configured
    base URL, adds the key and ``mailto``, labels the call (singleton / list / search) for the
    stats, and returns a :class:`requests.Response`, so pyalex's own parsing runs unchanged.
    pyalex's ``auth`` is ignored: it would send the key in a header from a global config.
    """

    def __init__(self, transport: Transport, base_url: str, api_key: Secret,
                 mailto: str | None, spend: Spend | None = None) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.mailto = mailto
        self.spend = spend or Spend()

    def __repr__(self) -> str:
        return f"OpenAlexHTTP(base_url={self.base_url!r})"

    def get(self, url: str, auth: Any = None, **_options: Any) -> requests.Response:
        path_and_query = url.removeprefix(_LIBRARY_ROOT)
        path, _, query = path_and_query.partition("?")
        if re.search(r"(^|&)search\.semantic=", query):
            kind = "semantic"
        elif re.search(r"(^|&)search(\.[a-z]+)?=", query):
            kind = "search"
        elif path.rstrip("/").count("/") <= 1:
            kind = "list"
        else:
            kind = "singleton"
        params = {}
        if self._api_key:
            params["api_key"] = self._api_key.reveal()
        if self.mailto:
            params["mailto"] = self.mailto
        headers = {"User-Agent": user_agent(self.mailto)} if self.mailto else None
        response = self.transport.get(self.base_url + path_and_query, params,
                                      service="OpenAlex", kind=kind, headers=headers,
                                      accept=accept_answer)
        if not response.from_cache:
            self.spend.charge(kind, response.headers)
        return response.to_requests()


class Works(pyalex.Works):
    """pyalex's ``Works`` sending its requests through :class:`OpenAlexHTTP`.

    The class must be called ``Works``: pyalex derives the URL path from the class name.
    """

    http: OpenAlexHTTP

    def _get_from_url(self, url: str, session: Any = None) -> Any:
        return super()._get_from_url(url, session=self.http)


class Sources(pyalex.Sources):
    """pyalex's ``Sources`` (journals and other venues) through :class:`OpenAlexHTTP`."""

    http: OpenAlexHTTP

    def _get_from_url(self, url: str, session: Any = None) -> Any:
        return super()._get_from_url(url, session=self.http)


#: the fields of a source :meth:`OpenAlexSource.journal_works` compares with the cited journal
SOURCE_FIELDS = ["id", "display_name", "abbreviated_title", "alternate_titles", "issn", "type"]


class OpenAlexSource:
    """The OpenAlex API. ``base_url`` defaults to ``CITELINT_OPENALEX_URL`` or the real API; the
    key to ``CITELINT_OPENALEX_API_KEY`` / ``OPENALEX_API_KEY``."""

    name = "openalex"
    authoritative = True

    def __init__(self, transport: Transport, base_url: str | None = None,
                 api_key: str | None = None, mailto: str | None = None,
                 budget_usd: float = 0.0) -> None:
        self.transport = transport
        self.base_url = base_url or os.environ.get("CITELINT_OPENALEX_URL") or DEFAULT_URL
        key = api_key or api_key_from_environment()
        transport.add_secret(key)
        self.has_api_key = bool(key)
        self.mailto = mailto or os.environ.get("CITELINT_MAILTO") or None
        #: what this source's calls cost, and the budget for moving searches here
        self.spend = Spend(budget_usd)
        self.http = OpenAlexHTTP(transport, self.base_url, Secret(key or ""), self.mailto,
                                 self.spend)
        transport.allow(self.base_url)
        transport.presume("OpenAlex", "", *DOCUMENTED_LIMITS)

    def __repr__(self) -> str:
        key = "set" if self.has_api_key else "unset"
        return f"OpenAlexSource(base_url={self.base_url!r}, api_key={key})"

    def _works(self) -> Works:
        works = Works()
        works.http = self.http
        return works

    def _ask(self, query: Works, per_page: int) -> list[dict[str, Any]]:
        """Run a list query; anything but a clean answer becomes :class:`SourceUnavailable`."""
        try:
            return [dict(work) for work in query.get(per_page=per_page)]
        except (requests.HTTPError, pyalex.api.QueryError, ValueError, KeyError) as exc:
            raise SourceUnavailable(self.transport.scrub(
                f"OpenAlex sent an answer citelint cannot read ({exc}).")) from None

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        """One ``filter=doi:a|b|…`` call per 100 DOIs (``per-page`` to match).

        Strings that are not valid DOIs are not asked. If some calls fail, raises
        :class:`~citelint.sources.transport.PartialAnswer` carrying the records that did arrive.
        """
        wanted = {clean_doi(d) or d.lower() for d in dois if d}
        asked = sorted(d for d in wanted if is_valid_doi(d))  # valid DOIs hold no "|" or ","
        found: dict[str, Record] = {}
        failures: dict[str, SourceUnavailable] = {}
        for start in range(0, len(asked), MAX_FILTER_VALUES):
            batch = asked[start:start + MAX_FILTER_VALUES]
            try:
                results = self._ask(self._works().filter_or(doi=batch).select(FIELDS),
                                    len(batch))
            except SourceUnavailable as exc:
                failures.update(dict.fromkeys(batch, exc))
                continue
            for work in results:
                doi = clean_doi(work.get("doi"))
                if doi in batch and doi not in found:
                    found[doi] = record_from_openalex(work, self.name)
        PartialAnswer.check("OpenAlex", len(asked), found, failures)
        return found

    def journal_works(self, journal: str, year: int, rows: int = 20,
                      journal_ids: Sequence[str] = ()) -> list[Record]:
        """Works OpenAlex holds from ``year`` in the cited journal, listed by
        ``/works?filter=primary_location.source.id:S1|S2,publication_year:YEAR`` (OpenAlex
        filters works by a journal's id, not its name). ``journal_ids`` are the journal's
        OpenAlex ids when the caller knows them (from records OpenAlex already gave): then that
        one request is all. Otherwise the journal is first looked up among OpenAlex's sources by
        name (``/sources?search=``), and the sources whose name, abbreviation or ISSN is the
        cited journal's are kept; no such source: no works (the journal is not indexed under
        that name)."""
        ids = list(journal_ids) or self._journal_ids(journal)
        if not ids:
            return []
        works = self._works().filter_or(primary_location={"source": {"id": ids}})
        results = self._ask(works.filter(publication_year=year).select(FIELDS), rows)
        return [record_from_openalex(work, self.name) for work in results[:rows]]

    def _journal_ids(self, journal: str) -> list[str]:
        """The ids of OpenAlex's sources that are the cited journal (one ``/sources?search=``)."""
        from citelint.journals import compare_journals

        found = self._ask(self._sources().search(" ".join(journal.split())[:200])
                          .select(SOURCE_FIELDS), 5)
        return [str(s["id"]).rsplit("/", 1)[-1] for s in found if s.get("id")
                and s.get("type") in (None, "journal")
                and compare_journals(journal, s.get("display_name") or "",
                                     [t for t in (s.get("abbreviated_title"),
                                                  *(s.get("alternate_titles") or [])) if t],
                                     [str(i) for i in s.get("issn") or []]).relation
                != "different"]

    def _sources(self) -> Sources:
        sources = Sources()
        sources.http = self.http
        return sources

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        """OpenAlex's best matches for the cited title (or the citation text): the costly call."""
        text = reference.title or re.sub(r"\b(?:https?://\S+|doi:\s*\S+|10\.\d{4,9}/\S+)", " ",
                                         reference.raw or "")
        text = " ".join(text.split())[:500]
        if not text:
            return []
        results = self._ask(self._works().search(text).select(FIELDS), max(1, min(rows, 200)))
        return [record_from_openalex(work, self.name) for work in results[:rows]]

    def stats(self) -> dict[str, int]:
        """Calls sent to OpenAlex by kind (singleton, list, search); cache hits not counted."""
        calls = self.transport.stats()["calls"]
        return {kind: calls.get(f"openalex.{kind}", 0) for kind in ("singleton", "list", "search")}
