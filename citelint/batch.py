"""Check many manuscripts: one report per manuscript, a corpus table, resumable.

:func:`run_batch` checks each manuscript as ``citelint check`` checks it alone (the same reader,
rules and verdicts), writes its reports, and adds its rows to a corpus table: one row per
reference and finding (a reference without findings has one row), in Parquet (pyarrow) and CSV,
with a per-manuscript summary. Layout of the output directory:

- ``reports/<id>.<ext>``: the manuscript's reports, in the formats asked for;
- ``parts/<id>.json``: its rows and summary; written last, atomically: a manuscript whose part
  exists is finished, and a rerun skips it (an input that could not be read gets
  ``parts/<id>.unreadable.json`` instead, and a manuscript whose check failed or overran the
  time limit ``parts/<id>.failed.json``, its summary alone; a rerun tries both again);
- ``corpus.parquet``, ``corpus.csv``, ``summary.parquet``, ``summary.csv``: assembled from the
  parts at the end of every run, so they never hold a manuscript twice or half of one.

The same work cited by many manuscripts is resolved once: every manuscript is checked through
the same sources, each wrapped in a :class:`~citelint.sources.remembered.RememberedSource`.

Engines: ``local`` checks in this process; ``dask`` hands manuscripts to a dask.distributed
cluster (:mod:`citelint.distributed`). Either way only this process writes to the output
directory, and only finished manuscripts.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citelint.config import Config
from citelint.models import Report
from citelint.readers import InputError, read_file
from citelint.sources.pacing import PacerFactory

_BUILDING = threading.Lock()

#: Columns of the corpus table, one row per reference and finding.
ROW_COLUMNS = ("manuscript", "path", "reference", "line", "status", "rule", "severity",
               "message", "field", "cited", "expected", "suppressed", "match_source",
               "match_doi", "reason", "raw")
#: Columns of the per-manuscript summary.
SUMMARY_COLUMNS = ("manuscript", "path", "format", "references", "verified", "problem",
                   "not_found", "unverified", "errors", "warnings", "infos", "timed_out",
                   "unreadable", "failed")
#: Report file extension per format.
REPORT_EXTENSIONS = {"json": ".json", "sarif": ".sarif", "junit": ".xml", "markdown": ".md",
                     "text": ".txt", "github": ".github.txt", "concise": ".concise.txt"}


@dataclass(frozen=True)
class Job:
    """One manuscript of a batch: its input path and the id its outputs are named by."""

    path: str
    id: str


def job_for(path: str | Path) -> Job:
    """The job for an input path: the id is the file's name, made safe, and a short hash of its
    absolute path (two ``refs.bib`` in different folders stay apart)."""
    absolute = os.path.abspath(path)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).name)[:80] or "input"
    digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return Job(str(path), f"{stem}-{digest}")


def read_manifest(manifest: Path) -> list[Path]:
    """The inputs a manifest lists: one path a line, relative to the manifest's folder; blank
    lines and lines starting with ``#`` are skipped."""
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{manifest}: cannot read the manifest ({exc}).") from exc
    paths = []
    for line in text.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            path = Path(entry)
            paths.append(path if path.is_absolute() else manifest.parent / path)
    return paths


@dataclass
class Part:
    """What one finished manuscript adds to the batch: its summary, its rows, its reports."""

    job: Job
    summary: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[str, str] = field(default_factory=dict)  # by format

    def to_json(self) -> str:
        return json.dumps({"path": self.job.path, "id": self.job.id, "summary": self.summary,
                           "rows": self.rows}, ensure_ascii=False)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def rows_of(job: Job, report: Report) -> list[dict[str, Any]]:
    """The corpus-table rows of a checked manuscript: one per reference and finding."""
    rows = []
    for result in report.results:
        ref, record = result.reference, result.match.record
        base = {"manuscript": job.id, "path": job.path, "reference": ref.index,
                "line": ref.location.line, "status": result.status,
                "match_source": record.source if record else None,
                "match_doi": record.doi if record else None, "reason": result.reason,
                "raw": ref.raw}
        empty = dict.fromkeys(("rule", "severity", "message", "field", "cited", "expected",
                               "suppressed"))
        if not result.findings:
            rows.append({**base, **empty})
        for finding in result.findings:
            rows.append({**base, "rule": finding.rule, "severity": finding.severity,
                         "message": finding.message, "field": finding.field,
                         "cited": _text(finding.cited), "expected": _text(finding.expected),
                         "suppressed": finding.suppressed})
    return rows


def summary_of(job: Job, report: Report | None, unreadable: str | None = None,
               input_format: str | None = None, failed: str | None = None) -> dict[str, Any]:
    """The manuscript's summary row; ``timed_out`` counts the references the time limit left
    unverified (see :mod:`citelint.sources.limited`)."""
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS, 0)
    row.update(manuscript=job.id, path=job.path, format=input_format, unreadable=unreadable,
               failed=failed)
    if report is None:
        return row
    statuses, counts = report.status_counts(), report.counts()
    row.update(format=report.manuscript.format, references=len(report.results),
               verified=statuses["verified"], problem=statuses["problem"],
               not_found=statuses["not-found"], unverified=statuses["unverified"],
               errors=counts.get("error", 0), warnings=counts.get("warning", 0),
               infos=counts.get("info", 0),
               timed_out=report.stats.get("time_limit", {}).get("unverified", 0))
    return row


@dataclass(frozen=True)
class Failed:
    """A manuscript whose check did not finish: it failed with an internal error (``bug``, a
    bug in citelint), or was stopped past its time limit. A rerun tries it again."""

    job: Job
    reason: str
    bug: bool = True


@dataclass
class Checker:
    """Checks one manuscript as ``citelint check`` does, through sources built once and
    remembered (see the module docstring). ``built`` is made on first use, so a checker can be
    sent to another process before it has any connection."""

    config: Config
    formats: Sequence[str] = ("json",)
    input_format: str | None = None
    #: the pacers of the services' lanes, when several processes share them (the dask engine)
    pacers: PacerFactory | None = None
    built: Any = None

    def sources(self) -> Any:
        """The sources, built once (a worker's threads may ask together), each remembered."""
        from citelint.api import build_sources
        from citelint.sources.remembered import RememberedSource

        with _BUILDING:
            if self.built is None:
                sources, handles, transport = build_sources(self.config, self.pacers)
                self.built = ([RememberedSource(s) for s in sources], handles, transport)
        return self.built

    def __getstate__(self) -> dict[str, Any]:  # sent to a worker without its connections
        return {**self.__dict__, "built": None}

    def check(self, job: Job) -> Part:
        """The manuscript's part; an input that cannot be read gives a part that says why.
        The manuscript's time limit (``manuscript_timeout``) runs from here."""
        from citelint.api import check
        from citelint.report import render
        from citelint.sources.limited import TimeLimit

        seconds = self.config.manuscript_timeout
        limit = TimeLimit.starting_now(seconds) if seconds else None
        try:
            manuscript = read_file(job.path, self.input_format,
                                   allow_outside=self.config.allow_outside_files)
            if not manuscript.references:
                raise InputError("; ".join(manuscript.problems) or (
                    f"{job.path}: no reference was found in it ({manuscript.format}); check "
                    "that it is a manuscript or reference list, or name its format with "
                    "--input-format."))
        except InputError as exc:
            return Part(job, summary_of(job, None, unreadable=str(exc)))
        report = check(manuscript, config=self.config, built=self.sources(), time_limit=limit)
        reports = {fmt: render(fmt, report, fail_on=self.config.fail_on) for fmt in self.formats}
        return Part(job, summary_of(job, report), rows_of(job, report), reports)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class BatchOutput:
    """The output directory: which manuscripts are finished, and writing what they add."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.parts = self.directory / "parts"
        self.reports = self.directory / "reports"
        for folder in (self.parts, self.reports):
            folder.mkdir(parents=True, exist_ok=True)

    def finished(self, job: Job) -> bool:
        return (self.parts / f"{job.id}.json").is_file()

    def _part_files(self, job: Job) -> list[Path]:
        """The files a manuscript's part may be in: finished, unreadable, failed."""
        return [self.parts / f"{job.id}{kind}.json" for kind in ("", ".unreadable", ".failed")]

    def commit(self, part: Part) -> None:
        """Write the manuscript's reports, then its part (which marks it finished, unless it
        says the input could not be read or the check failed); the part of an earlier run's
        attempt goes."""
        for fmt, text in part.reports.items():
            _write_atomically(self.reports / f"{part.job.id}{REPORT_EXTENSIONS[fmt]}", text)
        finished, unreadable, failed = self._part_files(part.job)
        mine = failed if part.summary["failed"] else (
            unreadable if part.summary["unreadable"] else finished)
        _write_atomically(mine, part.to_json())
        for path in (unreadable, failed):
            if path != mine:
                path.unlink(missing_ok=True)

    def commit_failure(self, failure: Failed) -> None:
        """Record a manuscript whose check failed (its summary says why; no rows)."""
        self.commit(Part(failure.job, summary_of(failure.job, None, failed=failure.reason)))

    def _stored(self, jobs: Iterable[Job]) -> Iterator[dict[str, Any]]:
        for job in jobs:
            for path in self._part_files(job):
                if path.is_file():
                    yield json.loads(path.read_text(encoding="utf-8"))
                    break

    def assemble(self, jobs: Sequence[Job]) -> tuple[list[dict[str, Any]], int]:
        """Write the corpus table and the summary from the finished manuscripts' parts, in the
        order of ``jobs``; returns the summaries and the number of rows. Parts are read one at
        a time."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        row_schema = pa.schema([(c, pa.int64() if c in ("reference", "line") else pa.string())
                                for c in ROW_COLUMNS])
        numbers = set(SUMMARY_COLUMNS) - {"manuscript", "path", "format", "unreadable", "failed"}
        summary_schema = pa.schema([(c, pa.int64() if c in numbers else pa.string())
                                    for c in SUMMARY_COLUMNS])
        tmp = {name: self.directory / f".{name}.{os.getpid()}.tmp" for name in
               ("corpus.parquet", "corpus.csv", "summary.parquet", "summary.csv")}
        rows = 0
        summaries: list[dict[str, Any]] = []
        with (pq.ParquetWriter(tmp["corpus.parquet"], row_schema) as table,
              tmp["corpus.csv"].open("w", encoding="utf-8", newline="") as corpus_csv):
            writer = csv.DictWriter(corpus_csv, ROW_COLUMNS)
            writer.writeheader()
            buffered: list[dict[str, Any]] = []
            for part in self._stored(jobs):
                summaries.append(part["summary"])
                writer.writerows(part["rows"])
                buffered += part["rows"]
                rows += len(part["rows"])
                if len(buffered) >= 50_000:
                    table.write_table(pa.Table.from_pylist(buffered, row_schema))
                    buffered = []
            if buffered or rows == 0:
                table.write_table(pa.Table.from_pylist(buffered, row_schema))
        pq.write_table(pa.Table.from_pylist(summaries, summary_schema), tmp["summary.parquet"])
        with tmp["summary.csv"].open("w", encoding="utf-8", newline="") as summary_csv:
            writer = csv.DictWriter(summary_csv, SUMMARY_COLUMNS)
            writer.writeheader()
            writer.writerows(summaries)
        for name, path in tmp.items():
            os.replace(path, self.directory / name)
        return summaries, rows


@dataclass
class BatchResult:
    """What a batch run did: manuscripts in the batch, finished before this run, checked now,
    and those that failed, by path (not finished: a rerun tries them again)."""

    total: int
    skipped: int
    checked: int
    failed: dict[str, Failed]
    rows: int
    summaries: list[dict[str, Any]]


#: Runs the checker over jobs, yielding each finished part (or why the job failed).
Engine = Callable[[Checker, list[Job]], Iterator["Part | Failed"]]


def local_engine(checker: Checker, jobs: list[Job]) -> Iterator[Part | Failed]:
    """Check the jobs one after another in this process (a manuscript's time limit is kept
    cooperatively: no look-up starts after it; see docs/batch.md)."""
    for job in jobs:
        try:
            yield checker.check(job)
        except Exception as exc:  # a bug on one manuscript must not sink the batch
            yield Failed(job, f"{type(exc).__name__}: {exc}")


def freeze_heap() -> None:
    """For citelint's own programs only (the command line, the dask workers citelint starts),
    once their first manuscript is checked and before the next: collect the garbage, then keep
    every object alive now (the modules, the sources, the tables the first manuscript loaded)
    out of the garbage collector's later passes (``gc.freeze``), which would otherwise walk them
    again at every full collection: about 5 % of a local batch's CPU time (docs/benchmarks.md). A
    library must not do this to the heap of the program that imports it: a frozen object is
    still freed when nothing refers to it, but never by the collector."""
    import gc

    gc.collect()
    gc.freeze()


def run_batch(paths: Sequence[str | Path], output_dir: Path, checker: Checker,
              engine: Engine = local_engine,
              progress: Callable[[int, int], Any] | None = None) -> BatchResult:
    """Check every input not finished in ``output_dir`` yet, then assemble the corpus table.

    ``progress(done, total)`` is told before the first and after each manuscript."""
    jobs = list({job.id: job for job in map(job_for, paths)}.values())
    output = BatchOutput(output_dir)
    todo = [job for job in jobs if not output.finished(job)]
    done = len(jobs) - len(todo)
    failed: dict[str, Failed] = {}
    if progress:
        progress(done, len(jobs))
    for outcome in engine(checker, todo):
        if isinstance(outcome, Part):
            output.commit(outcome)
        else:
            output.commit_failure(outcome)
            failed[outcome.job.path] = outcome
        done += 1
        if progress:
            progress(done, len(jobs))
    summaries, rows = output.assemble(jobs)
    return BatchResult(len(jobs), len(jobs) - len(todo), len(todo) - len(failed), failed, rows,
                       summaries)
