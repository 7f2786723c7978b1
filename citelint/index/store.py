"""The on-disk index: one SQLite file with the works, their identifiers and an FTS5 search table.

Layout (``FORMAT`` is stored in the ``meta`` table and checked on opening):

- ``works``: one row per (origin, key), origin "crossref" or "openalex"; the work's DOI, PMID
  and arXiv id (each indexed for exact look-up), when the service last changed it
  (``updated``), its folded title and its folded title, authors and journal (``others``, the
  words the snapshot's ranker compares), and its full JSON, zlib-compressed.
- ``merged``: OpenAlex's merged_ids, one row per work id merged away (``key``), the work it was
  merged into (``kept``) and the merge's date. A merged work is not held as a work of its own:
  the merge removes it, and a record of it read later is not added, unless the record is newer
  than the merge (so files can be read in any order). Looking up a merged id gives the kept work.
  (Indexes built before this table existed have none, and are read as holding no merges.)
- ``search``: an FTS5 table over ``works`` (external content, kept in step by triggers), ranked
  by BM25 with the title weighing more; ``terms`` holds each word's document frequency (counted
  from fts5vocab when a build ends), so a search asks only for the citation's rarest words.

Writing (:class:`IndexWriter`) inserts in batches inside transactions; a work already held is
replaced only by one at least as new (``updated``), so files can be added in any order and an
older file never undoes a newer one. Reading (:class:`Index`) opens the file read-only, so any
number of processes (e.g. dask workers) can share one index. What this module must not do: hold
more than a batch of works in memory, or touch the network.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from citelint.index.datafiles import Merge, Work
from citelint.models import Record, Reference
from citelint.names import split_cited_name
from citelint.normalize import comparable
from citelint.readers import InputError
from citelint.records import record_from_json
from citelint.sources.remembered import BoundedMemory
from citelint.sources.snapshot import CandidateRanker, ranking_texts

FORMAT = "citelint-index 3"
ORIGINS = ("crossref", "openalex")
#: works written per transaction while building
BATCH = 2000
#: how many of the citation's rarest words a search asks for
SEARCH_WORDS = 6
#: how many of the cited title's rarest words a work's title must all hold to be found first
ALL_OF = 3
#: how many works a search reads before they are ranked field by field
SEARCH_LIMIT = 20
#: how much of the index file a reader maps into memory: its pages are then read from the
#: operating system's cache without a system call and a copy each (a third less system time
#: checking plain-text lists against 10^6 works); the mapped pages count toward the process's
#: resident memory as they are read, are shared by every process reading the file and are
#: given back under memory pressure
MMAP_BYTES = 256 << 20
#: words too common in titles to find anything by
_STOP = {"a", "an", "the", "of", "in", "on", "for", "and", "or", "to", "with", "by", "at",
         "from", "as", "into", "via", "its", "their", "is", "are", "be", "et", "al"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS works (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    key TEXT NOT NULL,
    doi TEXT, pmid TEXT, arxiv TEXT,
    updated TEXT NOT NULL,
    title TEXT NOT NULL,
    others TEXT NOT NULL,
    json BLOB NOT NULL,
    UNIQUE (origin, key));
CREATE INDEX IF NOT EXISTS works_doi ON works (doi) WHERE doi IS NOT NULL;
CREATE INDEX IF NOT EXISTS works_pmid ON works (pmid) WHERE pmid IS NOT NULL;
CREATE INDEX IF NOT EXISTS works_arxiv ON works (arxiv) WHERE arxiv IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    title, others, content='works', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS search_terms USING fts5vocab (search, 'row');
CREATE TABLE IF NOT EXISTS merged (
    origin TEXT NOT NULL, key TEXT NOT NULL, kept TEXT NOT NULL, date TEXT NOT NULL,
    PRIMARY KEY (origin, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS works_added AFTER INSERT ON works BEGIN
    INSERT INTO search (rowid, title, others) VALUES (new.id, new.title, new.others);
END;
CREATE TRIGGER IF NOT EXISTS works_removed AFTER DELETE ON works BEGIN
    INSERT INTO search (search, rowid, title, others)
        VALUES ('delete', old.id, old.title, old.others);
END;
CREATE TRIGGER IF NOT EXISTS works_changed AFTER UPDATE ON works BEGIN
    INSERT INTO search (search, rowid, title, others)
        VALUES ('delete', old.id, old.title, old.others);
    INSERT INTO search (rowid, title, others) VALUES (new.id, new.title, new.others);
END;
"""

_UPSERT = """
INSERT INTO works (origin, key, doi, pmid, arxiv, updated, title, others, json)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (origin, key) DO UPDATE SET
    doi = excluded.doi, pmid = excluded.pmid, arxiv = excluded.arxiv,
    updated = excluded.updated, title = excluded.title, others = excluded.others,
    json = excluded.json
WHERE excluded.updated >= works.updated
"""

_MERGE = """
INSERT INTO merged (origin, key, kept, date) VALUES (?, ?, ?, ?)
ON CONFLICT (origin, key) DO UPDATE SET kept = excluded.kept, date = excluded.date
WHERE excluded.date >= merged.date
"""
#: a work merged away on or after the day its record was last changed
_MERGED_AWAY = "DELETE FROM works WHERE origin = ? AND key = ? AND substr(updated, 1, 10) <= ?"
#: how many hops of merges (A into B, B into C) a look-up follows
MAX_MERGE_HOPS = 8


class IndexWriter:
    """Adds works to an index file, creating it when it does not exist."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise InputError(f"{self.path}: cannot write the index ({exc}).") from exc
        held = dict(self._db.execute("SELECT key, value FROM meta"))
        if held.get("format", FORMAT) != FORMAT:
            raise InputError(f"{self.path}: an index of another format ({held['format']}); "
                             f"build a new one.")
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
        # a build can be rerun from its files, so a crash may lose the last batch but never
        # corrupts what was committed; the page cache stays bounded (about 64 MB)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA cache_size = -65536")

    def add(self, works: Iterable[Work | Merge], batch: int = BATCH) -> tuple[int, int, int]:
        """Write ``works`` (and the merges of merged_ids files) in batches; returns (works read,
        works written or replaced, merges read).

        A work already held (same origin and key) is replaced only by one whose ``updated`` is
        the same or later. A merge removes the merged work unless its record is newer than the
        merge, and keeps such a record from being added later."""
        read = written = merges = 0
        rows: list[tuple[Any, ...]] = []
        merged: list[tuple[str, str, str, str]] = []
        for work in works:
            if isinstance(work, Merge):  # after the works read before it
                if rows:
                    written += self._write(rows)
                    rows = []
                merges += 1
                merged.append((work.origin, work.key, work.kept, work.date))
                if len(merged) >= batch:
                    self._merge(merged)
                    merged = []
                continue
            if merged:  # before the works read after them
                self._merge(merged)
                merged = []
            read += 1
            title, others = ranking_texts(work.record)
            blob = zlib.compress(json.dumps(work.data, ensure_ascii=False,
                                            separators=(",", ":")).encode(), 6)
            rows.append((work.origin, work.key, work.record.doi, work.record.pmid, work.arxiv,
                         work.updated, title, others, blob))
            if len(rows) >= batch:
                written += self._write(rows)
                rows = []
        if merged:
            self._merge(merged)
        if rows:
            written += self._write(rows)
        return read, written, merges

    def _write(self, rows: list[tuple[Any, ...]]) -> int:
        self._db.execute("BEGIN")
        rows = self._not_merged_away(rows)
        written = self._db.executemany(_UPSERT, rows).rowcount if rows else 0
        self._db.execute("COMMIT")
        return max(written, 0)  # a skipped older work is 0

    def _not_merged_away(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The rows less the works merged away on or after their record's last change."""
        by_origin: dict[str, list[str]] = {}
        for row in rows:
            by_origin.setdefault(row[0], []).append(row[1])
        merges: dict[tuple[str, str], str] = {}
        for origin, keys in by_origin.items():
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                merges.update(((origin, key), date) for key, date in self._db.execute(
                    f"SELECT key, date FROM merged WHERE origin = ? AND key IN "
                    f"({','.join('?' * len(chunk))})", (origin, *chunk)))
        if not merges:
            return rows
        return [row for row in rows if not (
            (row[0], row[1]) in merges and row[5][:10] <= merges[row[0], row[1]])]

    def _merge(self, merged: list[tuple[str, str, str, str]]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany(_MERGE, merged)
        self._db.executemany(_MERGED_AWAY, [(origin, key, date)
                                            for origin, key, _kept, date in merged])
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Merge the search table's segments, count each word's works once (``terms``: asking
        fts5vocab at search time reads a common word's whole list), and checkpoint, so readers
        open a compact file."""
        self._db.execute("INSERT INTO search (search) VALUES ('optimize')")
        self._db.execute("BEGIN")
        self._db.execute("DELETE FROM terms")
        self._db.execute("INSERT INTO terms SELECT term, doc FROM search_terms")
        self._db.execute("COMMIT")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("PRAGMA journal_mode = DELETE")
        self._db.close()


class Index:
    """An index opened read-only: exact look-ups by DOI, PMID and arXiv id, and search.

    Safe to share between threads (queries are serialised) and to pickle: an unpickled index
    reopens the same file, so dask workers each get their own read-only connection.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"{self.path}: index file not found.")
        try:
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            held = dict(self._db.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as exc:
            raise InputError(f"{self.path}: not a citelint index ({exc}).") from exc
        if held.get("format") != FORMAT:
            raise InputError(f"{self.path}: not a citelint index of format {FORMAT!r} "
                             f"(it says {held.get('format')!r}); build it again.")
        self._merges = bool(self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'merged'").fetchone())
        self._lock = threading.Lock()
        self._searched = BoundedMemory(64)  # the citations searched last, by (raw, title)
        self._counts = BoundedMemory(1 << 16)  # how many works hold a word (None: none)

    def __getstate__(self) -> dict[str, Any]:
        return {"path": str(self.path)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM works").fetchone()[0])

    def counts(self) -> dict[str, int]:
        """How many works the index holds from each origin."""
        with self._lock:
            return dict(self._db.execute("SELECT origin, count(*) FROM works GROUP BY origin"))

    def close(self) -> None:
        self._db.close()

    # -- exact look-ups ----------------------------------------------------------------------

    def by_doi(self, dois: Sequence[str], origin: str) -> dict[str, Record]:
        """``origin``'s records for these DOIs (lower case, as cleaned), keyed by DOI."""
        return self._by("doi", dois, origin)

    def by_pmid(self, pmids: Sequence[str], origin: str) -> dict[str, Record]:
        """``origin``'s records for these PubMed ids, keyed by PMID."""
        return self._by("pmid", pmids, origin)

    def by_arxiv(self, ids: Sequence[str], origin: str) -> dict[str, Record]:
        """``origin``'s records for these arXiv ids (no version, lower case), keyed by id."""
        return self._by("arxiv", ids, origin)

    def work_json(self, origin: str, key: str) -> dict[str, Any] | None:
        """The full JSON the data file gave for a work (Crossref: by DOI; OpenAlex: by W-id);
        for a work merged away, the JSON of the work it was merged into."""
        key = self.kept(origin, key)
        with self._lock:
            row = self._db.execute("SELECT json FROM works WHERE origin = ? AND key = ?",
                                   (origin, key)).fetchone()
        return json.loads(zlib.decompress(row[0])) if row else None

    def kept(self, origin: str, key: str) -> str:
        """The id a work is held under: ``key`` itself when the index holds a work of that id,
        else, for a work merged away (OpenAlex's merged_ids), the work it was merged into,
        following merges of merges."""
        if not self._merges:
            return key
        seen = {key}
        with self._lock:
            for _ in range(MAX_MERGE_HOPS):
                if self._db.execute("SELECT 1 FROM works WHERE origin = ? AND key = ?",
                                    (origin, key)).fetchone():
                    break
                row = self._db.execute("SELECT kept FROM merged WHERE origin = ? AND key = ?",
                                       (origin, key)).fetchone()
                if row is None or row[0] in seen:
                    break
                key = row[0]
                seen.add(key)
        return key

    def _by(self, column: str, values: Sequence[str], origin: str) -> dict[str, Record]:
        found: dict[str, Record] = {}
        wanted = list(dict.fromkeys(v for v in values if v))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            with self._lock:
                rows = self._db.execute(
                    # "+origin": look up by the identifier's index, never by origin's
                    f"SELECT {column}, json FROM works WHERE {column} IN ({marks}) "
                    f"AND +origin = ? ORDER BY updated DESC", (*chunk, origin)).fetchall()
            for value, blob in rows:
                if value not in found:  # the most recently changed work with that id
                    found[value] = _record(blob, origin)
        return found

    # -- search ------------------------------------------------------------------------------

    def search(self, reference: Reference, origin: str, rows: int = 5) -> list[Record]:
        """Candidate records of ``origin`` for a citation, best first (unvalidated).

        The citation's rarest words (title words, or the raw text's when no title was parsed,
        and the first author's family name) are looked up in the search table; the best
        :data:`SEARCH_LIMIT` works by BM25 are ranked as a snapshot ranks its records
        (:class:`~citelint.sources.snapshot.CandidateRanker`). Both origins are searched at once
        and the answer kept for the citation's other origin.
        """
        key = (reference.raw, reference.title or "")
        known, found = self._searched.get(key)
        if not known:
            found = self._candidates(reference)
            self._searched.put(key, found)
        held = [(blob, texts) for kind, blob, texts in found if kind == origin]
        records = _Records(origin, [blob for blob, _ in held])
        return CandidateRanker(records, [t for _, t in held]).rank(reference, rows)

    def _candidates(self, reference: Reference) -> list[tuple[str, bytes, tuple[str, str]]]:
        """Works for a citation, first those whose title holds the cited title's
        :data:`ALL_OF` rarest words (fast: the rarest words' lists are short), else those
        holding any of its :data:`SEARCH_WORDS` rarest words (title, authors, journal), best
        :data:`SEARCH_LIMIT` by BM25."""
        title = _words(reference.title)
        words = list(title) or _words(reference.raw)
        if reference.authors:
            words += _words(" ".join(split_cited_name(reference.authors[0]).family))[:1]
        words = list(dict.fromkeys(words))
        if not words:
            return []
        with self._lock:
            frequency = self._frequencies(words)
            rarest = sorted((w for w in words if w in frequency), key=frequency.__getitem__)
            rare_title = [w for w in rarest if w in title][:ALL_OF]
            rows = []
            if len(rare_title) == ALL_OF:
                rows = self._match("{title}: (" + " AND ".join(f'"{w}"' for w in rare_title)
                                   + ")")
            if not rows and rarest:
                rows = self._match(" OR ".join(f'"{w}"' for w in rarest[:SEARCH_WORDS]))
        return [(origin, blob, (title, text)) for origin, blob, title, text in rows]

    def _frequencies(self, words: list[str]) -> dict[str, int]:
        """How many works hold each of ``words`` (those no work holds are left out), from the
        ``terms`` table, remembered for the last 65,536 words asked about."""
        frequency: dict[str, int] = {}
        unknown = []
        for word in words:
            known, docs = self._counts.get(word)
            if not known:
                unknown.append(word)
            elif docs is not None:
                frequency[word] = docs
        if unknown:
            marks = ",".join("?" * len(unknown))
            found = dict(self._db.execute(
                f"SELECT term, docs FROM terms WHERE term IN ({marks})", unknown))
            for word in unknown:
                self._counts.put(word, found.get(word))
            frequency.update(found)
        return frequency

    def _match(self, query: str) -> list[tuple[str, bytes, str, str]]:
        """The best :data:`SEARCH_LIMIT` works for an FTS5 query by BM25. BM25 reads each
        word's whole list to count the works holding it, so the works are first only listed
        (cheap): none or one needs no ranking, and most searches find one."""
        select = ("SELECT works.origin, works.json, works.title, works.others FROM search JOIN "
                  "works ON works.id = search.rowid WHERE search MATCH ? ")
        found = self._db.execute(select + "LIMIT 2", (query,)).fetchall()
        if len(found) < 2:
            return found
        return self._db.execute(select + "ORDER BY bm25(search, 2.0, 1.0) LIMIT ?",
                                (query, SEARCH_LIMIT)).fetchall()


def _words(text: str | None) -> list[str]:
    """A text's searchable words: folded, without stop words, single letters or numbers."""
    return [w for w in comparable(text).split()
            if w not in _STOP and len(w) > 1 and not w.isdigit()]


class _Records(Sequence[Record]):
    """A search's candidate works, each read (decompressed and validated) only when the ranker
    asks for it: most candidates are ranked out by their stored texts alone."""

    def __init__(self, origin: str, blobs: list[bytes]) -> None:
        self.origin = origin
        self.blobs = blobs
        self.read: dict[int, Record] = {}

    def __len__(self) -> int:
        return len(self.blobs)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index not in self.read:
            self.read[index] = _record(self.blobs[index], self.origin)
        return self.read[index]


def _record(blob: bytes, origin: str) -> Record:
    return record_from_json(json.loads(zlib.decompress(blob)), origin)
