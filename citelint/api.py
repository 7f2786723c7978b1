"""The Python API: ``check()`` runs read → resolve → check → report and returns a Report.

Each stage is also usable alone: :func:`citelint.readers.read_file`,
:func:`citelint.resolve.resolve_references`, :func:`citelint.engine.check_matches`, and the writers
in :mod:`citelint.report`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING

from citelint import __version__
from citelint.baseline import apply_suppressions, load_baseline
from citelint.config import Config, resolve_config
from citelint.engine import assign_verdicts, check_matches, prepare_rules
from citelint.models import Manuscript, Match, Report
from citelint.readers import read_file
from citelint.resolve import DoiChecker, DoiExpander, Progress, resolve_references
from citelint.sources import Source
from citelint.sources.limited import LimitedSource, TimeLimit
from citelint.sources.snapshot import SnapshotSource

if TYPE_CHECKING:
    from citelint.sources.doiorg import DoiHandleSource
    from citelint.sources.pacing import PacerFactory

#: Threads that resolve references side by side when a service is asked: enough to keep every
#: lane (Crossref's single records and lists, OpenAlex, doi.org) busy up to its own limit,
#: which the transport's pacers hold each lane to.
SEARCH_WORKERS = 8

#: the sources, doi.org's handle API (or None), and the transport (or None)
BuiltSources = tuple[list[Source], "DoiHandleSource | None", object | None]


def build_sources(config: Config, pacers: PacerFactory | None = None) -> BuiltSources:
    """Snapshots and the index first (local and cheap), then the online sources the config
    enables.

    Returns the sources, doi.org's handle API (when the config enables it: whether a DOI is
    registered, which DOI a shortDOI stands for), and the transport (for its stats).
    ``pacers`` paces the services' lanes (default: each transport its own, see
    :mod:`citelint.sources.pacing`); processes that share one rate limit share pacers.
    """
    sources: list[Source] = []
    if config.snapshots:
        sources.append(SnapshotSource(config.snapshots))
    if config.index:
        from citelint.sources.index import index_sources

        sources += index_sources(config.index)
    online = [s for s in config.sources if s in ("crossref", "openalex")]
    if not online:
        return sources, None, None
    from citelint.sources.crossref import CrossrefSource
    from citelint.sources.doiorg import DoiHandleSource
    from citelint.sources.openalex import OpenAlexSource
    from citelint.sources.transport import Transport

    transport = Transport(cache_dir=config.cache_dir, offline=config.offline, mailto=config.mailto,
                          request_budget=config.request_budget,
                          source_budget=config.source_budget, run_budget=config.run_budget,
                          max_retry_after=config.max_retry_after, pacers=pacers)
    built: dict[str, Callable[[], Source]] = {
        "crossref": lambda: CrossrefSource(transport, config.crossref_url, config.mailto),
        "openalex": lambda: OpenAlexSource(transport, config.openalex_url,
                                           config.openalex_api_key, config.mailto,
                                           budget_usd=config.openalex_budget)}
    sources += [built[name]() for name in online]
    handles = DoiHandleSource(transport, config.doi_url) if "doi" in config.sources else None
    return sources, handles, transport


def _states(settled: SimpleQueue[tuple[int, Match] | None],
            count: int) -> Iterator[list[Match | None]]:
    """The list as its references settle (None: not yet), once per batch of news from
    ``settled``, until it says None (resolving is over)."""
    resolved: list[Match | None] = [None] * count
    while True:
        news = [settled.get()]
        while not settled.empty():
            news.append(settled.get())
        for item in news:
            if item is None:
                yield resolved
                return
            resolved[item[0]] = item[1]
        yield resolved


def check(manuscript: str | Path | Manuscript, *, config: Config | None = None,
          snapshots: Sequence[str | Path] = (), offline: bool | None = None,
          sources: Sequence[Source] | None = None, input_format: str | None = None,
          doi_checker: DoiChecker | None = None, progress: Progress | None = None,
          built: BuiltSources | None = None, time_limit: TimeLimit | None = None) -> Report:
    """Check a manuscript's references and return the :class:`~citelint.models.Report`.

    ``manuscript`` is a path or an already read :class:`Manuscript`. Pass ``sources`` to use your
    own (e.g. a :class:`~citelint.sources.snapshot.SnapshotSource`); otherwise they are built from
    ``config`` (snapshots, then Crossref and OpenAlex unless offline), or taken from ``built``
    (what :func:`build_sources` returned, kept to check many manuscripts). Without ``config``,
    settings come from the config file found from the manuscript's folder and the ``CITELINT_*``
    variables. ``time_limit`` (else one of ``config.manuscript_timeout`` seconds from now, when
    set) is when look-ups stop: the references not resolved by then are unverified, and the
    report says so (a problem of the manuscript, and ``stats["time_limit"]``).
    """
    started = time.monotonic()
    if config is None:  # as the CLI would: config file found from the input, then environment
        start = Path(manuscript.path or ".") if isinstance(manuscript, Manuscript) else manuscript
        config = resolve_config(Path(start))
    if snapshots:
        config.snapshots = [Path(p) for p in snapshots]
    if offline is not None:
        config.offline = offline
    if not isinstance(manuscript, Manuscript):
        manuscript = read_file(manuscript, input_format,
                               allow_outside=config.allow_outside_files)
    entries = load_baseline(config.baseline) if config.baseline else []  # before any request
    transport = None
    doi_expander: DoiExpander | None = None
    if sources is None:
        sources, handles, transport = built or build_sources(config)
        if handles is not None:  # doi.org: DOIs no other source knows, and shortDOIs
            doi_checker = doi_checker or handles.is_registered
            doi_expander = handles.full_doi
    if time_limit is None and config.manuscript_timeout:
        time_limit = TimeLimit(config.manuscript_timeout, started + config.manuscript_timeout)
    if time_limit is not None:
        sources = [LimitedSource(s, time_limit) for s in sources]
        doi_checker = doi_checker and time_limit.guard(doi_checker)
        doi_expander = doi_expander and time_limit.guard(doi_expander)
    # Searches run side by side when a service is involved: the transport keeps each host
    # within its announced concurrency and rate limits.
    workers = SEARCH_WORKERS if transport is not None else 1
    from citelint.sources.spread import spread_searches

    spread, spread_off = spread_searches(sources)  # off unless OpenAlex has a budget
    # the rules' models and tables load, and their work on each settled reference is done,
    # while the references are resolved (mostly waiting on the network), not after the last
    # answer
    settled: SimpleQueue[tuple[int, Match] | None] = SimpleQueue()
    preparing = threading.Thread(
        target=prepare_rules, args=(config, _states(settled, len(manuscript.references))),
        name="citelint-prepare", daemon=True)
    preparing.start()
    try:
        matches = resolve_references(manuscript.references, sources, doi_checker=doi_checker,
                                     progress=progress, workers=workers,
                                     doi_expander=doi_expander, spread=spread,
                                     settled=lambda position, match: settled.put(
                                         (position, match)))
    finally:
        settled.put(None)
        preparing.join()
    results = check_matches(manuscript, matches, config)
    report = Report(manuscript, results, tool_version=__version__)
    apply_suppressions(report, entries)
    assign_verdicts(report.results)
    stats = getattr(transport, "stats", None)
    report.stats = dict(stats() if callable(stats) else stats or {})
    report.stats["seconds"] = round(time.monotonic() - started, 3)
    spend = next((getattr(s, "spend", None) for s in sources if s.name == "openalex"
                  and getattr(s, "spend", None) is not None), None)
    if spend is not None:  # what OpenAlex's billed calls cost (for the whole run of sources)
        report.stats["openalex"] = spend.report()
        if spread is not None:
            report.stats["openalex"]["spread"] = spread.report()
        elif spread_off:
            report.stats["openalex"]["spread_off"] = spread_off
    problems = [p for s in sources for p in getattr(s, "problems", [])]
    if time_limit is not None:
        problems += _cut_short(report, time_limit)
    manuscript.problems.extend(p for p in problems if p not in manuscript.problems)
    return report


def _cut_short(report: Report, limit: TimeLimit) -> list[str]:
    """Mark a report whose references the time limit left unverified; the problem it states."""
    cut = sum(1 for r in report.results if r.status == "unverified"
              and limit.reason in (r.reason or ""))
    if not cut:
        return []
    report.stats["time_limit"] = {"seconds": limit.seconds, "unverified": cut}
    return [f"{limit.described} ran out before every reference was looked up: {cut} of "
            f"{len(report.results)} were not, and are unverified; raise the limit to check them."]
