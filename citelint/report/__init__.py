"""Writers: pure functions from a :class:`~citelint.models.Report` to text, one per format.

``WRITERS`` maps each ``--format`` name to its writer; adding a format is one module and one line.
"""

from __future__ import annotations

from collections.abc import Callable

from citelint.models import Report


def _json(report: Report) -> str:
    return report.to_json() + "\n"


def _sarif(report: Report) -> str:
    from citelint.report.sarif import write_sarif

    return write_sarif(report)


def _junit(report: Report) -> str:
    from citelint.report.junit import write_junit

    return write_junit(report)


def _markdown(report: Report) -> str:
    from citelint.report.markdown import write_markdown

    return write_markdown(report)


def _text(report: Report) -> str:
    from citelint.report.text import write_text

    return write_text(report)


WRITERS: dict[str, Callable[[Report], str]] = {
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "markdown": _markdown,
    "text": _text,
}
