"""A source that remembers its answers, so that a work cited by many manuscripts is looked up once.

:class:`RememberedSource` wraps any :class:`~citelint.sources.Source`: a DOI it has answered (with
a record, or as one it does not hold) is answered again from memory, and so is a search for a
citation it has searched before, keyed by the normalised citation (the raw text without case or
extra white space, and the parsed fields, which the services search by). A failed look-up is never
remembered: the next manuscript asks again. Memory is bounded (least recently used answers go).

What it must not do: change an answer. The inner source gives the same records for the same
question, so a manuscript checked through it gets exactly the findings it gets alone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from citelint.models import Record, Reference
from citelint.sources import PartialAnswer, Source

#: Answers kept per kind (DOIs, searches); the least recently used go first.
MAX_REMEMBERED = 200_000

_ABSENT = None  # a DOI the source answered it does not hold


class BoundedMemory:
    """A thread-safe map that keeps its ``limit`` most recently used entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> tuple[bool, Any]:
        with self.lock:
            if key not in self.items:
                return False, None
            self.items.move_to_end(key)
            return True, self.items[key]

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.limit:
                self.items.popitem(last=False)


def citation_key(reference: Reference, rows: int) -> tuple[int, str, str]:
    """What a search depends on, normalised: two citations with the same key get the same
    candidates (the services fold case and white space themselves)."""
    return rows, " ".join((reference.raw or "").casefold().split()), repr(reference.parsed())


class RememberedSource:
    """``source`` with its answers remembered by DOI and by normalised citation."""

    def __init__(self, source: Source, limit: int = MAX_REMEMBERED) -> None:
        self.source = source
        self.name = source.name
        self.authoritative = source.authoritative
        self.by_doi = BoundedMemory(limit)
        self.searches = BoundedMemory(limit)
        self.hits = 0

    @property
    def problems(self) -> list[str]:
        return list(getattr(self.source, "problems", []))

    def __getattr__(self, name: str) -> Any:  # journal_works and the like: the source's own
        return getattr(self.source, name)

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        todo: list[str] = []
        for doi in dois:
            known, record = self.by_doi.get(doi.lower())
            if not known:
                todo.append(doi)
                continue
            self.hits += 1
            if record is not _ABSENT:
                found[doi.lower()] = record
        if not todo:
            return found
        try:
            answer = self.source.works_by_doi(todo)
        except PartialAnswer as exc:
            failed = {d.lower() for d in exc.failed}
            self._remember(todo, exc.found, failed)
            raise PartialAnswer(str(exc), {**found, **exc.found}, exc.failed,
                                offline=exc.offline) from exc
        self._remember(todo, answer, set())
        return {**found, **answer}

    def _remember(self, asked: list[str], answer: dict[str, Record], failed: set[str]) -> None:
        for doi in asked:
            key = doi.lower()
            if key not in failed:
                self.by_doi.put(key, answer.get(key, _ABSENT))

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        key = citation_key(reference, rows)
        known, records = self.searches.get(key)
        if known:
            self.hits += 1
            return list(records)
        records = self.source.search(reference, rows)
        self.searches.put(key, tuple(records))
        return records
