"""A local index of the Crossref and OpenAlex data files: build it once, check against it offline.

``build(paths, output)`` streams Crossref Public Data File files, OpenAlex snapshot parts (and
its merged_ids) and citelint JSON Lines snapshots (files or folders; see
:mod:`citelint.index.datafiles`) into one on-disk SQLite index (:mod:`citelint.index.store`);
rerun it with newer files to update the works they replace. ``open(path)`` opens an index
read-only (for :class:`citelint.sources.index.IndexSource`); it can be shared by several
processes (dask workers pickle it and reopen the file). Why SQLite FTS5, and the figures:
``docs/index.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from citelint.index.datafiles import Merge, Work, data_files, read_works
from citelint.index.store import Index, IndexWriter

__all__ = ["BuildSummary", "Index", "build", "open"]


@dataclass
class BuildSummary:
    """What a build did: files and works read, works written (new or replacing an older one),
    merged work ids read (OpenAlex's merged_ids), and the located problems (works or files
    skipped)."""

    files: int = 0
    read: int = 0
    written: int = 0
    merged: int = 0
    problems: list[str] = field(default_factory=list)


def build(paths: Iterable[str | Path], output: str | Path,
          progress: Callable[[Path], None] | None = None) -> BuildSummary:
    """Add the works of ``paths`` (files or folders) to the index at ``output``, creating it if
    needed. Memory stays bounded: files are streamed and written in batches. ``progress`` is told
    each file before it is read."""
    summary = BuildSummary()
    writer = IndexWriter(output)
    try:
        def works() -> Iterator[Work | Merge]:
            for path in data_files(paths):
                summary.files += 1
                if progress is not None:
                    progress(path)
                yield from read_works(path, summary.problems)

        summary.read, summary.written, summary.merged = writer.add(works())
    finally:
        writer.close()
    return summary


def open(path: str | Path) -> Index:  # noqa: A001 - the module's verb, as in gzip.open
    """Open the index at ``path`` read-only."""
    return Index(path)
