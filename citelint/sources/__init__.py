"""Sources of bibliographic records: Crossref, OpenAlex, and local snapshots.

A source answers two questions: "which records do these DOIs name?" and "which records look like
this citation?". All network I/O of citelint lives in this package. A source that cannot answer
raises :class:`SourceUnavailable`; it never pretends a failed lookup found nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from citelint.models import Record, Reference


class SourceUnavailable(Exception):
    """The source could not answer (network error, HTTP 5xx, timeout, bad JSON, offline...).

    ``str(exc)`` is the reason in a sentence and never contains a secret.
    """


class NotInCache(SourceUnavailable):
    """Offline, and the answer is not in the cache: the source was not asked at all."""


class PartialAnswer(SourceUnavailable):
    """A batch lookup that failed part-way: ``found`` holds the records that did arrive.

    ``failed`` lists the lower-case DOIs whose lookup failed (neither found nor known-absent);
    ``offline`` is True when every failure was a :class:`NotInCache` (nothing was asked).
    """

    def __init__(self, message: str, found: dict[str, Record], failed: list[str],
                 offline: bool = False) -> None:
        super().__init__(message)
        self.found = found
        self.failed = failed
        self.offline = offline

    @classmethod
    def check(cls, service: str, asked: int, found: dict[str, Record],
              failures: dict[str, SourceUnavailable]) -> None:
        """Raise when any of the ``asked`` DOIs failed (``failures`` maps DOI → its failure)."""
        if failures:
            first = next(iter(failures.values()))
            message = (str(first) if len(failures) == asked else
                       f"{service} could not be asked about {len(failures)} of {asked} DOIs: "
                       f"{first}")
            raise cls(message, found, sorted(failures),
                      offline=all(isinstance(f, NotInCache) for f in failures.values()))


class Source(Protocol):
    name: str
    #: True when a missing record means the service does not know the work (Crossref, OpenAlex);
    #: False when absence only means "not held here" (a snapshot).
    authoritative: bool

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        """Records for the DOIs this source knows, keyed by the lower-case DOI asked for.

        A DOI missing from the result is not known to this source.
        """
        ...

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        """Candidate records for a citation, best first (unvalidated: the matcher judges them)."""
        ...
