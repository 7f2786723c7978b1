"""A local snapshot of bibliographic records, used as a source offline or alongside the services.

A snapshot is a JSON Lines file (plain or gzip-compressed, told apart by its magic bytes), one
work per line: a Crossref work (the ``message`` of ``/works/{doi}``, or the whole response), or an
OpenAlex work. Each line is read with :func:`citelint.records.record_from_json`. Blank lines and
lines starting with ``//`` or ``#`` are comments. A line that is not valid JSON is skipped and a
located, non-fatal problem is kept in :attr:`SnapshotSource.problems`.

What this module must not do: touch the network, or treat absence as evidence. A snapshot holds
some records, not all of them, so it is not ``authoritative``: a DOI or citation it does not hold
is "not in the snapshot", never "does not exist". Search results are unvalidated candidates (the
matcher judges them), so the search ranks generously instead of filtering hard.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from citelint.doi import clean_doi
from citelint.models import Record, Reference
from citelint.names import record_family_tokens, split_cited_name
from citelint.normalize import comparable
from citelint.readers import InputError
from citelint.records import record_from_json

_GZIP_MAGIC = b"\x1f\x8b"

#: Title similarity (0-100) below which a record is not offered as a candidate at all.
TITLE_FLOOR = 50.0
#: The same floor when a reference without a title is compared by its raw text.
RAW_FLOOR = 45.0
#: Title similarity above which the raw-text comparison is skipped (it costs as much again).
CONFIDENT_TITLE = 90.0
#: Score added when the cited first author's family name is the record's first author's.
AUTHOR_BOOST = 8.0
#: A ranker of more records than this searches through a word index: only records sharing a
#: word with the citation (a word not too common to tell records apart, when the citation has
#: one) are compared, instead of every record. A record sharing no such word is no match.
FULL_SCAN_LIMIT = 5_000
#: The share of records (and the number, for smaller snapshots) above which a word is too common
#: to narrow a search.
COMMON_WORD = 0.05
COMMON_WORD_RECORDS = 1_000
#: Score added when the cited year is one of the record's years (half of it for one year off).
YEAR_BOOST = 4.0


# words that do not tell one journal from another
_JOURNAL_STOP = {"journal", "j", "of", "the", "and", "international", "int", "research", "res",
                 "science", "sci", "review", "reviews", "rev", "letters", "lett", "proceedings",
                 "proc", "in", "for", "on", "a", "an", "annals", "ann", "bulletin", "bull"}


class SnapshotSource:
    """Records read from one or more JSON Lines snapshot files.

    ``works_by_doi`` looks DOIs up case-insensitively; ``search`` ranks records by fuzzy title
    similarity (and, when no title matches closely or none was parsed, by the raw citation against
    each record's title, authors and journal), boosted by first author and year. When several
    lines carry the same DOI, the first one read wins (files in the order given).
    """

    name = "snapshot"
    authoritative = False

    def __init__(self, paths: Sequence[str | Path] | str | Path) -> None:
        if isinstance(paths, (str, Path)):
            paths = [paths]
        self.paths: list[Path] = [Path(p) for p in paths]
        self.problems: list[str] = []
        self.records: list[Record] = []
        self._by_doi: dict[str, Record] = {}
        for path in self.paths:
            for record in self._read(path):
                if record.doi and record.doi in self._by_doi:
                    continue
                if record.doi:
                    self._by_doi[record.doi] = record
                self.records.append(record)
        self._ranker = CandidateRanker(self.records)
        self._by_year: dict[int, list[Record]] | None = None

    def __len__(self) -> int:
        return len(self.records)

    def journal_works(self, journal: str, year: int, rows: int = 20,
                      journal_ids: Sequence[str] = ()) -> list[Record]:
        """Records of ``year`` whose journal (full or short name) shares a word with
        ``journal``; the caller decides which are really in the cited journal. (A snapshot
        finds its journals by name at no cost: ``journal_ids`` are not needed.)"""
        if self._by_year is None:  # built once, on the first question, and shown only whole
            by_year: dict[int, list[Record]] = {}  # (searches run in several threads)
            for record in self.records:
                for each in record.years():
                    by_year.setdefault(each, []).append(record)
            self._by_year = by_year
        words = set(comparable(journal).split()) - _JOURNAL_STOP
        found = [r for r in self._by_year.get(year, []) if words & set(
            comparable(" ".join([r.journal or "", *r.journal_short])).split())]
        return found[:rows]

    # -- reading -----------------------------------------------------------------------------

    def _read(self, path: Path) -> Iterator[Record]:
        try:
            if path.exists() and not path.is_file() and not path.is_dir():
                raise InputError(f"{path}: is not a regular file (a device, pipe or socket); "
                                 "name a snapshot file.")  # it would be read for ever
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise InputError(f"{path}: snapshot file not found.") from exc
        except OSError as exc:
            raise InputError(f"{path}: cannot read the snapshot ({exc.strerror or exc}).") from exc
        if data[:2] == _GZIP_MAGIC:
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as exc:
                raise InputError(f"{path}: not a readable gzip file ({exc}).") from exc
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(f"{path}:{line}: the snapshot is not UTF-8 text.") from exc
        for number, content in enumerate(text.splitlines(), start=1):
            stripped = content.strip()
            if not stripped or stripped.startswith(("//", "#")):
                continue
            try:
                obj = json.loads(stripped)
            except json.JSONDecodeError as exc:
                self.problems.append(f"{path}:{number}: not valid JSON ({exc.msg} at column "
                                     f"{exc.colno}); the line was skipped.")
                continue
            works = works_in(obj)
            if works is None:
                self.problems.append(f"{path}:{number}: not a Crossref or OpenAlex work object; "
                                     "the line was skipped.")
                continue
            for work in works:
                try:
                    record = record_from_json(work, "snapshot")
                except (AttributeError, KeyError, TypeError, ValueError) as exc:
                    self.problems.append(f"{path}:{number}: the work could not be read "
                                         f"({type(exc).__name__}: {exc}); it was skipped.")
                    continue
                if not (record.doi or record.title):
                    self.problems.append(f"{path}:{number}: the work has neither a DOI nor a "
                                         "title; it was skipped.")
                    continue
                record.source = "snapshot"
                yield record

    # -- the Source protocol -----------------------------------------------------------------

    def works_by_doi(self, dois: Sequence[str]) -> dict[str, Record]:
        """Records this snapshot holds for ``dois``, keyed by the cleaned, lower-case DOI."""
        found: dict[str, Record] = {}
        for doi in dois:
            key = clean_doi(doi)
            if key and key in self._by_doi:
                found[key] = self._by_doi[key]
        return found

    def search(self, reference: Reference, rows: int = 5) -> list[Record]:
        """Up to ``rows`` candidate records for a citation, best first (unvalidated); see
        :class:`CandidateRanker`."""
        return self._ranker.rank(reference, rows)


def ranking_texts(record: Record) -> tuple[str, str]:
    """What a record is ranked by: its title, and its title, authors and journal, each folded
    by :func:`~citelint.normalize.comparable`."""
    title = comparable(record.title)
    rest = [comparable(x) for x in (*(a.display() for a in record.authors or []),
                                    record.journal, *record.journal_short)]
    return title, " ".join(filter(None, [title, *rest]))


class CandidateRanker:
    """Ranks a list of records as candidates for a citation, generously (the matcher judges).

    The cited title is compared with each record's title. Unless a title matches closely
    (:data:`CONFIDENT_TITLE`), the raw citation is also compared with each record's title,
    authors and journal, and a record's similarity is the better of the two, so a mis-parsed
    title does not hide the right record. The first author and the year add a little.
    """

    def __init__(self, records: Sequence[Record],
                 texts: Sequence[tuple[str, str]] | None = None) -> None:
        """``texts``, when given, are each record's :func:`ranking_texts`, computed before;
        then only the records that come close to a citation are read from ``records`` (which
        may read them lazily)."""
        self.records = records
        pairs = list(texts) if texts is not None else [ranking_texts(r) for r in self.records]
        self._titles = [title for title, _ in pairs]
        self._texts = [text for _, text in pairs]
        self._first_authors: dict[int, frozenset[str]] = {}  # filled as records are boosted
        self._word_index: tuple[_WordIndex, _WordIndex] | None = None

    def rank(self, reference: Reference, rows: int = 5) -> list[Record]:
        """Up to ``rows`` of the records, best first, leaving out those too unlike the citation."""
        if rows <= 0 or not self._titles:
            return []
        limit = max(rows * 10, 50)
        best: dict[int, float] = {}
        title = comparable(reference.title)
        if title:
            for choice, set_score, index in process.extract(
                    title, self._choices(title, 0), scorer=fuzz.token_set_ratio, processor=None,
                    limit=limit, score_cutoff=TITLE_FLOOR):
                # token_set_ratio forgives extra words; plain ratio keeps a short title from
                # matching every longer title that happens to contain it.
                similarity = 0.7 * set_score + 0.3 * fuzz.ratio(title, choice)
                if similarity >= TITLE_FLOOR:
                    best[index] = similarity
        if max(best.values(), default=0.0) < CONFIDENT_TITLE and (raw := comparable(
                reference.raw)):
            for _, similarity, index in process.extract(
                    raw, self._choices(raw, 1), scorer=fuzz.token_set_ratio, processor=None,
                    limit=limit, score_cutoff=RAW_FLOOR):
                best[index] = max(best.get(index, 0.0), similarity)
        family = (frozenset(split_cited_name(reference.authors[0]).family)
                  if reference.authors else frozenset())
        scored = sorted(((-(sim + self._boost(i, family, reference.year)), i)
                         for i, sim in best.items()))
        return [self.records[index] for _, index in scored[:rows]]

    def _choices(self, query: str, which: int) -> Choices:
        """The titles (``which`` 0) or texts (1) a search compares the folded cited title or
        citation ``query`` with: all of them, or, among more than :data:`FULL_SCAN_LIMIT`
        records, those sharing a word with it (the texts only when the titles found nothing
        close)."""
        if len(self._titles) <= FULL_SCAN_LIMIT:
            return (self._titles, self._texts)[which]
        if self._word_index is None:  # built once, on the first search
            self._word_index = (_WordIndex(self._titles), _WordIndex(self._texts))
        return self._word_index[which].sharing(query)

    def _boost(self, index: int, family: frozenset[str], year: int | None) -> float:
        boost = 0.0
        if family:
            if index not in self._first_authors:
                authors = self.records[index].authors
                self._first_authors[index] = frozenset(
                    record_family_tokens(authors[0]) if authors else ())
            if family <= self._first_authors[index]:
                boost += AUTHOR_BOOST
        if year is not None:
            years = self.records[index].years()
            if year in years:
                boost += YEAR_BOOST
            elif any(abs(year - y) == 1 for y in years):
                boost += YEAR_BOOST / 2
        return boost


Choices = list[str] | dict[int, str]


class _WordIndex:
    """Which of a list of texts (comparable form) hold each word."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.holding: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            for word in set(text.split()):
                self.holding.setdefault(word, []).append(position)
        self.common = max(COMMON_WORD * len(texts), COMMON_WORD_RECORDS)

    def sharing(self, query: str) -> Choices:
        """The texts, by position, that share a word with ``query``: one of its words held by
        fewer than :data:`COMMON_WORD` of the texts (and :data:`COMMON_WORD_RECORDS`), or, when
        it has none, any of its words."""
        postings = [self.holding[w] for w in set(query.split()) if w in self.holding]
        rare = [p for p in postings if len(p) < self.common]
        found: set[int] = set()
        for posting in rare or postings:
            found.update(posting)
        return {position: self.texts[position] for position in sorted(found)}


def works_in(obj: Any) -> list[dict[str, Any]] | None:
    """The work objects one snapshot line holds: a work, a ``/works/{doi}`` response, or a list
    response (Crossref ``message.items``, OpenAlex ``results``). None when it holds none."""
    if not isinstance(obj, dict):
        return None
    message = obj.get("message")
    if "message" in obj and not isinstance(message, dict):
        return None  # a Crossref error body: {"status": "failed", "message": [...]}
    if isinstance(message, dict):
        items = message.get("items")
        if isinstance(items, list):
            return [i for i in items if isinstance(i, dict)]
        return [message]
    results = obj.get("results")
    if isinstance(results, list) and "meta" in obj:
        return [r for r in results if isinstance(r, dict)]
    return [obj]
