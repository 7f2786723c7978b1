"""Spreading searches over OpenAlex (off by default): a search goes to OpenAlex instead of
Crossref while Crossref's list lane would make it wait and the run's OpenAlex budget allows it.

A cold run waits on Crossref's list lane (searches and DOI filters: 3 a second in the polite
pool, 1 in the public pool), while its lane of single records (``/works/{doi}``: 10 and 5 a
second) and OpenAlex (100 a second) sit mostly idle. A reference searched on OpenAlex, whose
candidate Crossref then confirms by DOI on its single lane, takes nothing from that bottleneck.
OpenAlex bills searches ($1 per 1,000 in 2026), so the user sets what a run may spend
(``openalex-budget``), and the policy is simple:

- a search is moved only when Crossref's list lane would make it wait right now (others queue
  for it, it is at its cap of requests in flight, or its rate allows no start yet), and only
  while the run's whole OpenAlex spend (every billed call, not only these searches), the calls
  in flight and this search's price stay within the budget (:class:`~citelint.sources.openalex.
  Spend`);
- it needs an OpenAlex API key (OpenAlex bills searches to a key; without one it allows about
  $0.01 a day): without one, spreading is off and the report says why, once.

What OpenAlex answers is judged by the resolver like any search's candidates; the resolver also
falls back to Crossref's own search when OpenAlex finds nothing convincing. This module decides
and asks; it does not judge candidates.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from citelint.models import Record, Reference


class SearchSpread:
    """The searches of one check that may go to ``openalex`` instead of ``crossref`` (the two
    sources as the resolver holds them), and what became of them."""

    def __init__(self, crossref: Any, openalex: Any) -> None:
        self.crossref = crossref
        self.openalex = openalex
        self._lock = threading.Lock()
        self._counts = {"moved": 0, "confirmed": 0, "fell_back": 0}
        self._budget_reached = False

    def search(self, reference: Reference, rows: int) -> list[Record] | None:
        """OpenAlex's candidates for ``reference`` when its search is moved there now; None when
        it stays with Crossref (the list lane would not make it wait, or the budget is spent).
        Raises :class:`~citelint.sources.SourceUnavailable` when OpenAlex could not answer."""
        if not self.crossref.search_would_wait():
            return None
        spend = self.openalex.spend
        held = spend.hold("search")
        if held is None:
            with self._lock:
                self._budget_reached = True
            return None
        self._count("moved")
        try:
            return self.openalex.search(reference, rows)
        finally:
            spend.release(held)

    def confirm(self, doi: str) -> Record | None:
        """Crossref's record of ``doi``, asked on its lane of single records (None: Crossref
        does not know it)."""
        return self.crossref.work_by_doi(doi)

    def settled(self) -> None:
        """A moved search whose record Crossref confirmed: it settled its reference."""
        self._count("confirmed")

    def fell_back(self) -> None:
        """A moved search that did not settle its reference: Crossref is searched as usual."""
        self._count("fell_back")

    def _count(self, what: str) -> None:
        with self._lock:
            self._counts[what] += 1

    def report(self) -> dict[str, Any]:
        """For the report: searches moved to OpenAlex, those Crossref confirmed by DOI, those
        that fell back to Crossref's search, and whether the budget stopped any."""
        with self._lock:
            return {**self._counts, "budget_reached": self._budget_reached}


def spread_searches(sources: Sequence[Any]) -> tuple[SearchSpread | None, str | None]:
    """The spread for these sources when their OpenAlex source has a budget, else None; and,
    when a budget is set but spreading cannot be done, why (one sentence)."""
    openalex = next((s for s in sources if s.name == "openalex"
                     and getattr(s, "spend", None) is not None), None)
    if openalex is None or openalex.spend.budget <= 0:
        return None, None
    crossref = next((s for s in sources if s.name == "crossref"
                     and hasattr(s, "search_would_wait") and hasattr(s, "work_by_doi")), None)
    if crossref is None:
        return None, ("Spreading searches over OpenAlex is off: it moves searches from Crossref, "
                      "which is not among the sources.")
    if not getattr(openalex, "has_api_key", False):
        return None, ("Spreading searches over OpenAlex is off: it needs an OpenAlex API key, "
                      "to which OpenAlex bills the searches; set CITELINT_OPENALEX_API_KEY (a "
                      "free key at openalex.org/settings/api).")
    return SearchSpread(crossref, openalex), None
