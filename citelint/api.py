"""The Python API: ``check()`` runs read → resolve → check → report and returns a Report.

Each stage is also usable alone: :func:`citelint.readers.read_file`,
:func:`citelint.resolve.resolve_references`, :func:`citelint.engine.check_matches`, and the writers
in :mod:`citelint.report`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from citelint import __version__
from citelint.baseline import apply_suppressions, load_baseline
from citelint.config import Config
from citelint.engine import assign_verdicts, check_matches
from citelint.models import Manuscript, Report
from citelint.readers import read_file
from citelint.resolve import DoiChecker, resolve_references
from citelint.sources import Source
from citelint.sources.snapshot import SnapshotSource


def build_sources(config: Config) -> tuple[list[Source], DoiChecker | None, object | None]:
    """Snapshots first (local and cheap), then the online sources the config enables.

    Returns the sources, the DOI registration checker, and the transport (for its stats).
    """
    sources: list[Source] = []
    if config.snapshots:
        sources.append(SnapshotSource(config.snapshots))
    online = [s for s in config.sources if s in ("crossref", "openalex")]
    if not online:
        return sources, None, None
    from citelint.sources.online import doi_handles_for, sources_from_environment

    remote = [s for s in sources_from_environment(
        offline=config.offline, mailto=config.mailto, cache_dir=config.cache_dir,
        api_key=config.openalex_api_key) if s.name in online]
    handles = doi_handles_for(remote) if "doi" in config.sources else None
    checker = handles.is_registered if handles else None
    return sources + remote, checker, getattr(remote[0], "transport", None)


def check(manuscript: str | Path | Manuscript, *, config: Config | None = None,
          snapshots: Sequence[str | Path] = (), offline: bool | None = None,
          sources: Sequence[Source] | None = None, input_format: str | None = None,
          doi_checker: DoiChecker | None = None) -> Report:
    """Check a manuscript's references and return the :class:`~citelint.models.Report`.

    ``manuscript`` is a path or an already read :class:`Manuscript`. Pass ``sources`` to use your
    own (e.g. a :class:`~citelint.sources.snapshot.SnapshotSource`); otherwise they are built from
    ``config`` (snapshots, then Crossref and OpenAlex unless offline).
    """
    started = time.monotonic()
    config = config or Config()
    if snapshots:
        config.snapshots = [Path(p) for p in snapshots]
    if offline is not None:
        config.offline = offline
    if not isinstance(manuscript, Manuscript):
        manuscript = read_file(manuscript, input_format)
    transport = None
    if sources is None:
        sources, built_checker, transport = build_sources(config)
        doi_checker = doi_checker or built_checker
    matches = resolve_references(manuscript.references, sources, doi_checker=doi_checker)
    results = check_matches(manuscript, matches, config)
    report = Report(manuscript, results, tool_version=__version__)
    entries = load_baseline(config.baseline) if config.baseline else []
    apply_suppressions(report, entries)
    assign_verdicts(report.results)
    stats = getattr(transport, "stats", None)
    report.stats = dict(stats() if callable(stats) else stats or {})
    report.stats["seconds"] = round(time.monotonic() - started, 3)
    problems = [p for s in sources for p in getattr(s, "problems", [])]
    manuscript.problems.extend(p for p in problems if p not in manuscript.problems)
    return report
