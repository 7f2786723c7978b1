"""Stream the works out of the services' bulk data files, one work at a time.

Three kinds of file are read, told apart by their content, plain or gzip-compressed (by magic
bytes), whatever they are named:

- Crossref's Public Data File: each file one JSON object with an ``items`` array of work objects
  (the ``message`` of ``/works/{doi}``). The array is read item by item with ijson, so a file is
  never held whole in memory.
- The OpenAlex snapshot: gzipped JSON Lines of work objects, in ``updated_date=YYYY-MM-DD/``
  partition folders. Manifest files (``manifest``, ``manifest.json``) are not works and are
  passed over.
- citelint's JSON Lines snapshots (:mod:`citelint.sources.snapshot`): a work, or a service's
  whole answer holding works, per line.
- The OpenAlex snapshot's ``merged_ids`` (``data/merged_ids/works/YYYY-MM-DD.csv.gz``): CSV with
  the header ``merge_date,id,merge_into_id``, one row per entity merged away on that date and the
  entity it was merged into. Each work row becomes a :class:`Merge`; rows of other entities
  (authors, institutions, ...: ids that are not W-ids) are passed over.

A folder stands for every file under it, in name order (so older OpenAlex partitions come
before newer ones). What this module must not do: stop at a bad file or a bad work. A work that
cannot be read, or a file that breaks off, becomes a located problem in ``problems`` and the
rest is still read; only a path that does not exist or cannot be opened is an
:class:`~citelint.readers.InputError`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from citelint.doi import ARXIV_PREFIX
from citelint.models import Record
from citelint.normalize import comparable
from citelint.readers import InputError
from citelint.records import is_crossref_work, record_from_json
from citelint.sources.snapshot import works_in

_GZIP_MAGIC = b"\x1f\x8b"
_DATA_FILE = re.compile(rb'^\s*\{\s*"items"\s*:')
_MERGED_IDS = re.compile(rb"^\s*merge_date\s*,\s*id\s*,\s*merge_into_id\s*$", re.M)
_PARTITION = re.compile(r"updated_date=(\d{4}-\d{2}-\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ENTITY_ID = re.compile(r"[A-Z]\d+")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?$", re.I)
#: file names in a snapshot folder that hold no works
_NOT_WORKS = {"manifest", "manifest.json", "_success", "readme", "readme.md", "readme.txt",
              "license", "licence"}


@dataclass
class Work:
    """One work read from a data file: its service's JSON and what the index keys it by."""

    origin: str  # "crossref" or "openalex": whose record this is
    key: str  # the record's identity within its origin (Crossref: DOI; OpenAlex: W-id)
    updated: str  # when the service last changed it (ISO date-time); a newer one replaces it
    record: Record  # the JSON read as citelint reads it online (validated)
    data: dict[str, Any]  # the full JSON, as the data file gave it
    arxiv: str | None = None


@dataclass
class Merge:
    """One row of OpenAlex's merged_ids: the work ``key`` (a W-id) was merged into the work
    ``kept`` on ``date`` (YYYY-MM-DD); OpenAlex no longer serves ``key`` as a work of its own."""

    key: str
    kept: str
    date: str
    origin: str = "openalex"


def data_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files the given paths stand for: a file itself, a folder every file under it in name
    order (hidden files and manifests left out)."""
    for each in paths:
        path = Path(each)
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                name = found.name.lower()
                if name.startswith(".") or name in _NOT_WORKS or name.endswith(".md5"):
                    continue
                yield found
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: data file not found.")


def read_works(path: Path, problems: list[str]) -> Iterator[Work | Merge]:
    """The works in one data file (or the merges of a merged_ids file), in file order;
    unreadable ones become ``problems``."""
    partition = _PARTITION.search(path.as_posix())
    fallback = partition.group(1) if partition else ""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the data file ({exc.strerror or exc}).") from exc
    with raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw) if gzipped else raw  # type: ignore[assignment]
        try:
            head = stream.peek(256)  # type: ignore[attr-defined]  # both kinds of stream peek
            head = head.lstrip(b"\xef\xbb\xbf")
            if _DATA_FILE.match(head):
                yield from _read_items(path, stream, fallback, problems)
            elif _MERGED_IDS.match(head.split(b"\n", 1)[0]):
                yield from _read_merges(path, stream, problems)
            else:
                yield from _read_lines(path, stream, fallback, problems)
        except (OSError, EOFError, zlib.error) as exc:
            problems.append(f"{path}: the file breaks off or is not readable gzip ({exc}); "
                            "the works after that point were skipped.")


def _read_items(path: Path, stream: BinaryIO, fallback: str,
                problems: list[str]) -> Iterator[Work]:
    """A Crossref Public Data File: ``{"items": [work, ...]}``, read item by item."""
    import ijson

    number = 0
    try:
        for number, obj in enumerate(ijson.items(stream, "items.item", use_float=True),
                                     start=1):
            work = _work(obj, fallback, f"{path}: item {number}", problems)
            if work is not None:
                yield work
    except ijson.JSONError as exc:
        problems.append(f"{path}: not valid JSON after item {number} ({exc}); the rest of the "
                        "file was skipped.")


def _read_lines(path: Path, stream: BinaryIO, fallback: str,
                problems: list[str]) -> Iterator[Work]:
    """JSON Lines: an OpenAlex snapshot part, or a citelint snapshot."""
    for number, line in enumerate(stream, start=1):
        stripped = line.strip()
        if number == 1:
            stripped = stripped.removeprefix(b"\xef\xbb\xbf")
        if not stripped or stripped.startswith((b"//", b"#")):
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(stripped)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"{where}: not valid JSON ({exc}); the line was skipped.")
            continue
        works = works_in(obj)
        if works is None:
            problems.append(f"{where}: not a Crossref or OpenAlex work; the line was skipped.")
            continue
        for obj in works:
            work = _work(obj, fallback, where, problems)
            if work is not None:
                yield work


def _read_merges(path: Path, stream: BinaryIO, problems: list[str]) -> Iterator[Merge]:
    """OpenAlex's merged_ids CSV: ``merge_date,id,merge_into_id``, the works' rows as merges."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    try:
        for number, row in enumerate(csv.reader(text), start=1):
            if number == 1 or not row or not "".join(row).strip():
                continue  # the header, a blank line
            where = f"{path}:{number}"
            if len(row) != 3:
                problems.append(f"{where}: a merged_ids row needs 3 columns (merge_date, id, "
                                f"merge_into_id), this one has {len(row)}; it was skipped.")
                continue
            date, merged_cell, kept_cell = (cell.strip() for cell in row)
            merged, kept = _entity_id(merged_cell), _entity_id(kept_cell)
            if not (_DATE.fullmatch(date) and merged and kept):
                problems.append(f"{where}: not a merged_ids row (a date, then two OpenAlex ids): "
                                f"{','.join(row)[:120]!r}; it was skipped.")
                continue
            if merged.startswith("W") and kept.startswith("W"):
                yield Merge(merged, kept, date)
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{path}: not readable as merged_ids CSV ({exc}); the rest of the file "
                        "was skipped.")
    finally:
        text.detach()  # the caller closes the file


def _entity_id(value: str) -> str | None:
    """``W2741809807`` from ``W2741809807`` or ``https://openalex.org/W2741809807``."""
    key = value.rsplit("/", 1)[-1].upper()
    return key if _ENTITY_ID.fullmatch(key) else None


def _work(obj: Any, fallback: str, where: str, problems: list[str]) -> Work | None:
    """A :class:`Work` for one work object, or None (with a problem) when it cannot be read."""
    if not isinstance(obj, dict):
        problems.append(f"{where}: not a work object; it was skipped.")
        return None
    crossref = is_crossref_work(obj)
    try:
        record = record_from_json(obj)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        problems.append(f"{where}: the work could not be read ({type(exc).__name__}: "
                        f"{str(exc)[:200]}); it was skipped.")
        return None
    if not (record.doi or record.title):
        problems.append(f"{where}: the work has neither a DOI nor a title; it was skipped.")
        return None
    if crossref:
        key, updated = record.doi, _crossref_updated(obj)
    else:
        key = str(obj.get("id") or "").rsplit("/", 1)[-1] or record.doi
        updated = str(obj.get("updated_date") or fallback)
    if not key:  # a hand-made snapshot's work with no identifier: known by title and year
        key = f"title:{comparable(record.title)}|{record.year or ''}"
    return Work("crossref" if crossref else "openalex", key, updated, record, obj,
                arxiv=_arxiv_id(record, obj))


def _crossref_updated(obj: dict[str, Any]) -> str:
    """When Crossref last changed the work: ``indexed``, else ``deposited`` (ISO date-time)."""
    for name in ("indexed", "deposited"):
        stamp = obj.get(name)
        if isinstance(stamp, dict) and isinstance(stamp.get("date-time"), str):
            return str(stamp["date-time"])
    return ""


def _arxiv_id(record: Record, obj: dict[str, Any]) -> str | None:
    """The arXiv id a work carries: in an arXiv DOI, or (OpenAlex) an arxiv.org location."""
    if record.doi and record.doi.startswith(ARXIV_PREFIX):
        return record.doi[len(ARXIV_PREFIX):]
    for location in obj.get("locations") or []:
        if not isinstance(location, dict):
            continue
        for name in ("landing_page_url", "pdf_url"):
            found = _ARXIV_URL.search(str(location.get(name) or ""))
            if found:
                return found.group(1).lower()
    return None
