"""A time limit on one manuscript's look-ups (``manuscript-timeout``; see docs/batch.md).

:class:`TimeLimit` is the deadline a check carries. Once it has passed no look-up starts: a
source wrapped by :class:`LimitedSource` (and a DOI checker or expander wrapped by
:meth:`TimeLimit.guard`) fails at once with :class:`~citelint.sources.SourceUnavailable` and a
reason that names the limit, so the references not yet resolved come out ``unverified`` with
that reason, never "not found". A look-up already under way when the limit passes finishes
(each request within the request budget), and the rules still run on what was resolved.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from citelint.models import Record, Reference
from citelint.sources import Source, SourceUnavailable

Answer = TypeVar("Answer")


@dataclass(frozen=True)
class TimeLimit:
    """``seconds`` allowed to one manuscript, ending at ``deadline`` (``time.monotonic``)."""

    seconds: float
    deadline: float

    @classmethod
    def starting_now(cls, seconds: float) -> TimeLimit:
        return cls(seconds, time.monotonic() + seconds)

    def passed(self) -> bool:
        return time.monotonic() >= self.deadline

    @property
    def described(self) -> str:
        """"The manuscript's time limit of 30 s (--manuscript-timeout)"."""
        from citelint.sources.transport import _duration

        return f"The manuscript's time limit of {_duration(self.seconds)} (--manuscript-timeout)"

    @property
    def reason(self) -> str:
        """Why a look-up was not made (a failure's reason: the same for every reference)."""
        return (f"{self.described[0].lower()}{self.described[1:]} had run out, so it was not "
                "asked; rerun with a longer limit (or none) to verify it")

    def check(self) -> None:
        """Raise :class:`SourceUnavailable` when the limit has passed."""
        if self.passed():
            raise SourceUnavailable(self.reason)

    def guard(self, ask: Callable[..., Answer]) -> Callable[..., Answer]:
        """``ask`` (a DOI checker or expander, a source's look-up), not asked once the limit has
        passed."""

        def guarded(*args: Any, **kwargs: Any) -> Answer:
            self.check()
            return ask(*args, **kwargs)

        return guarded


#: The look-ups some sources offer beyond the protocol's two (the venue evidence's journal
#: works; Crossref's single record, which the search spread asks).
LOOKUPS = ("journal_works", "work_by_doi")


class LimitedSource:
    """``source``, not asked once ``limit`` has passed."""

    def __init__(self, source: Source, limit: TimeLimit) -> None:
        self.source, self.limit = source, limit
        self.name = source.name
        self.authoritative = source.authoritative

    @property
    def problems(self) -> list[str]:
        return list(getattr(self.source, "problems", []))

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.source, name)
        return self.limit.guard(found) if name in LOOKUPS else found

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        self.limit.check()
        return self.source.works_by_doi(dois)

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        self.limit.check()
        return self.source.search(reference, rows)
