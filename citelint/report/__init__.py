"""Writers: pure functions from a :class:`~citelint.models.Report` to text, one per format.

``FORMATS`` names every ``--format``; :func:`render` dispatches to the format's module, passing
the options that format uses. Adding a format is one module and one entry here.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from citelint.models import Report
from citelint.report.junit import FailOn

FORMATS = ("json", "sarif", "junit", "markdown", "text")


def render(fmt: str, report: Report, *, fail_on: str = "error", source_root: Path | None = None,
           color: bool = False, verbose: bool = False, include_suppressed: bool = True) -> str:
    """The report in format ``fmt``; ``fail_on`` grades JUnit failures, ``source_root`` makes
    SARIF locations relative, ``include_suppressed=False`` leaves accepted findings out of
    SARIF, ``color``/``verbose`` shape the text summary."""
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "sarif":
        from citelint.report.sarif import write_sarif

        return write_sarif(report, source_root=source_root, include_suppressed=include_suppressed)
    if fmt == "junit":
        from citelint.report.junit import write_junit

        return write_junit(report, fail_on=cast(FailOn, fail_on))
    if fmt == "markdown":
        from citelint.report.markdown import write_markdown

        return write_markdown(report)
    if fmt == "text":
        from citelint.report.text import write_text

        return write_text(report, color=color, verbose=verbose)
    raise ValueError(f"Unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}.")
