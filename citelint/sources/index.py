"""A local index (:mod:`citelint.index`) as sources: one for its Crossref records, one for its
OpenAlex records, so that a work both services hold is seen twice, as it is online.

The index holds what its data files held, not everything: like a snapshot it is not
``authoritative``, so a DOI or citation it lacks is "not in the index", never "does not exist".
Records keep their origin's name ("crossref", "openalex") as their ``source``, since the rules
read them as that service's records (e.g. Crossref's retraction notices); the sources are named
``index:crossref`` and ``index:openalex``. A cited PMID or arXiv id is looked up exactly before
the citation is searched. What this module must not do: touch the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from citelint.doi import clean_doi
from citelint.index.store import ORIGINS, Index
from citelint.models import Record, Reference


class IndexSource:
    """The records of one origin ("crossref" or "openalex") in an opened :class:`Index`."""

    authoritative = False

    def __init__(self, index: Index, origin: str) -> None:
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}, not {origin!r}")
        self.index = index
        self.origin = origin
        self.name = f"index:{origin}"

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        """Records this index holds for ``dois``, keyed by the cleaned, lower-case DOI."""
        keys = [k for k in (clean_doi(d) for d in dois) if k]
        return self.index.by_doi(keys, self.origin)

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        """Candidates for a citation: the works its PMID or arXiv id names, then those the
        search finds (unvalidated: the matcher judges them)."""
        exact: list[Record] = []
        if reference.pmid:
            exact += self.index.by_pmid([reference.pmid], self.origin).values()
        if reference.arxiv:
            exact += self.index.by_arxiv([reference.arxiv.lower()], self.origin).values()
        found = self.index.search(reference, self.origin, rows)
        held = {(r.doi, r.id) for r in exact}
        return exact + [r for r in found if (r.doi, r.id) not in held][:max(0, rows - len(exact))]


def index_sources(path: str | Path) -> list[IndexSource]:
    """The Crossref then OpenAlex sources of the index file at ``path`` (opened read-only)."""
    index = Index(path)
    return [IndexSource(index, origin) for origin in ORIGINS]
