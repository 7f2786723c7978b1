"""Writers: pure functions from a :class:`~citelint.models.Report` (one input) or a
:class:`~citelint.models.Run` (several inputs, one document) to text, one per format.

``FORMATS`` names every ``--format``; ``EXTENSIONS`` the format an ``--output`` file's extension
implies. :func:`render` dispatches to the format's module, passing the options that format uses.
Adding a format is one module and one entry here.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from citelint.config import fail_on_parts
from citelint.models import Report, Run
from citelint.report.junit import FailOn

FORMATS = ("json", "sarif", "junit", "markdown", "text", "github", "concise")
EXTENSIONS = {".json": "json", ".sarif": "sarif", ".xml": "junit", ".junit": "junit",
              ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def format_for(path: Path) -> str | None:
    """The format an output file's extension implies (``report.sarif`` → ``sarif``), if any."""
    return EXTENSIONS.get(path.suffix.lower())


def render(fmt: str, report: Report | Run, *, fail_on: str = "error",
           source_root: Path | None = None, color: bool = False, verbose: bool = False,
           quiet: bool = False, include_suppressed: bool = True) -> str:
    """The report (or the run) in format ``fmt``; ``fail_on`` grades JUnit failures,
    ``source_root`` makes SARIF and annotation paths relative, ``include_suppressed=False``
    leaves accepted findings out of SARIF, ``color``/``verbose``/``quiet`` shape the text
    summary. A :class:`Run` given one input is written as that input's report."""
    if isinstance(report, Run) and report.single and len(report.reports) == 1:
        report = report.reports[0]
    if fmt == "json":
        if isinstance(report, Report):
            return report.to_json() + "\n"
        from citelint.report.json import dumps, run_to_dict

        return dumps(run_to_dict(report)) + "\n"
    if fmt == "sarif":
        from citelint.report.sarif import write_sarif

        return write_sarif(report, source_root=source_root, include_suppressed=include_suppressed)
    if fmt == "junit":
        from citelint.report.junit import write_junit

        return write_junit(report, fail_on=cast(FailOn, fail_on_parts(fail_on)[0]))
    if fmt == "markdown":
        from citelint.report.markdown import write_markdown

        return write_markdown(report)
    if fmt == "text":
        from citelint.report.text import write_text

        return write_text(report, color=color, verbose=verbose, quiet=quiet)
    if fmt == "github":
        from citelint.report.lines import write_github

        return write_github(report, source_root=source_root)
    if fmt == "concise":
        from citelint.report.lines import write_concise

        return write_concise(report, source_root=source_root)
    raise ValueError(f"Unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}.")
