"""The one-line formats: concise (path:line:col: rule message) and GitHub workflow commands."""

from __future__ import annotations

from pathlib import Path

from factories import matched, record, ref

from citelint.models import (
    Finding,
    Location,
    Manuscript,
    ReferenceResult,
    Report,
    Run,
    UnreadableInput,
)
from citelint.report.lines import write_concise, write_github


def sample() -> Report:
    on_line = ref(1, title="A", location=Location(path="/repo/paper/refs.bib", line=7, column=3))
    no_line = ref(2, title="B", location=Location(key="smith2020"))
    error = Finding("pages-mismatch", "error", "Cited pages 5-9,\nbut the record gives 5-8: 100%.",
                    cited="5-9", expected="5-8", evidence={"source": "crossref"})
    accepted = Finding("year-mismatch", "error", "Cited 2020.", suppressed="erratum")
    hint = Finding("doi-missing", "info", "Add the DOI.")
    results = [ReferenceResult(on_line, matched(on_line, record()), "problem", [error, accepted]),
               ReferenceResult(no_line, matched(no_line, record()), "verified", [hint])]
    return Report(Manuscript("/repo/paper/refs.bib", "bibtex", [on_line, no_line],
                             problems=["/repo/paper/refs.bib:40: an entry has no closing brace."]),
                  results)


def test_concise_is_one_line_per_finding_not_accepted() -> None:
    lines = write_concise(sample(), source_root=Path("/repo")).splitlines()
    assert lines == [
        "paper/refs.bib:7:3: pages-mismatch Cited pages 5-9, but the record gives 5-8: 100%.",
        "paper/refs.bib: doi-missing Add the DOI.",
        "/repo/paper/refs.bib:40: an entry has no closing brace.",
    ]


def test_github_annotations_are_escaped_and_graded() -> None:
    run = Run([sample(), UnreadableInput("notes.txt", "notes.txt: no reference list, 1 line.")])
    lines = write_github(run, source_root=Path("/repo")).splitlines()
    assert lines[0] == ("::error file=paper/refs.bib,line=7,col=3,title=citelint pages-mismatch::"
                        "[1] Cited pages 5-9,%0Abut the record gives 5-8: 100%25. "
                        "(cited: 5-9; record: 5-8; source: crossref)")
    assert lines[1] == ("::notice file=paper/refs.bib,title=citelint doi-missing::"
                        "[2] Add the DOI.")
    assert lines[2].startswith("::warning file=paper/refs.bib,title=citelint%3A input problem::")
    assert lines[3] == ("::error file=notes.txt,title=citelint%3A unreadable::"
                        "notes.txt: no reference list, 1 line.")
    assert len(lines) == 4  # the accepted finding is not annotated


def test_terminal_escapes_from_inputs_never_reach_the_log() -> None:
    hostile = ref(1, title="A", location=Location(path="refs.bib", line=2))
    finding = Finding("title-mismatch", "error", "Cited title A\x1b]0;owned\x07\x1b[2J.")
    report = Report(Manuscript("refs.bib", "bibtex", [hostile]),
                    [ReferenceResult(hostile, matched(hostile, record()), "problem", [finding])])
    for text in (write_concise(report), write_github(report)):
        assert "\x1b" not in text and "owned" not in text and "Cited title A." in text
