"""Markdown step summary: the counts table, per-reference findings, and safe escaping."""

from __future__ import annotations

from factories import cited

from citelint.models import (
    Finding,
    Location,
    Manuscript,
    Match,
    Record,
    Reference,
    ReferenceResult,
    Report,
)
from citelint.report.markdown import escape_cell, write_markdown


def sample_report() -> Report:
    piped = Reference(index=1, raw="Guo X. A | piped <i>title</i>. 2022.",
                      location=Location(line=17), authors=cited("Guo X"),
                      title="A | piped <i>title</i>", year=2022)
    clean = Reference(index=2, raw="Li Y. Fine. 2021.", authors=cited("Li Y"), title="Fine",
                      year=2021)
    lost = Reference(index=3, raw="Doe A. Lost. 2019.", authors=cited("Doe A"), title="Lost",
                     year=2019)
    record = Record(source="crossref", doi="10.3390/cells11071198")
    results = [
        ReferenceResult(piped, Match(piped, record=record), "problem", [
            Finding("fake-pages", "error", "Cited pages 1198-1221 | record 1198.", field="pages",
                    cited="1198-1221", expected="1198"),
            Finding("fake-hint", "info", "Accepted.", suppressed="house style"),
        ]),
        ReferenceResult(clean, Match(clean), "verified"),
        ReferenceResult(lost, Match(lost), "unverified", reason="OpenAlex timed out."),
    ]
    manuscript = Manuscript(path="paper/refs.txt", format="text",
                            references=[r.reference for r in results])
    return Report(manuscript, results)


def table_rows(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def test_summary_table_counts_verdicts_and_severities() -> None:
    rows = table_rows(write_markdown(sample_report()))
    assert rows[0] == ["References", "Verified", "Problem", "Not found", "Unverified",
                       "Errors", "Warnings", "Info", "Suppressed"]
    assert rows[2] == ["3", "1", "1", "0", "1", "1", "0", "0", "1"]


def test_only_references_with_findings_get_a_section() -> None:
    text = write_markdown(sample_report())
    assert "### [1] Guo X (2022)" in text
    assert "### [2]" not in text and "### [3]" not in text
    assert "`paper/refs.txt:17`" in text


def test_finding_row_has_rule_severity_message_cited_record_and_source() -> None:
    text = write_markdown(sample_report())
    row = next(line for line in text.splitlines() if "`fake-pages`" in line)
    assert "error" in row
    assert "Cited pages 1198-1221 \\| record 1198." in row
    assert "| 1198-1221 | 1198 |" in row
    assert "[10.3390/cells11071198](https://doi.org/10.3390/cells11071198)" in row
    assert row.count(" | ") == 5  # six cells: escaped pipes do not split it


def test_suppressed_findings_and_unverified_references_are_listed_apart() -> None:
    text = write_markdown(sample_report())
    assert "`fake-hint`: Accepted. \u2014 house style" in text
    assert "1 unverified reference " in text and "OpenAlex timed out." in text
    assert "| `fake-hint`" not in text


def test_escape_cell_neutralises_pipes_html_and_newlines() -> None:
    assert escape_cell("a|b") == "a\\|b"
    assert escape_cell("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert escape_cell("one\ntwo") == "one two"
    assert escape_cell(["Guo X", "Li Y"]) == "Guo X; Li Y"
    assert escape_cell(None) == ""


def test_long_lists_are_capped() -> None:
    report = sample_report()
    text = write_markdown(report, max_references=0)
    assert "### [1]" not in text
    assert "\u2026 and 1 more reference with findings" in text


def test_clean_report_says_no_findings() -> None:
    report = sample_report()
    report.results = report.results[1:2]
    assert "No findings." in write_markdown(report)


def test_escape_cell_stops_markdown_injection_and_drops_terminal_escapes() -> None:
    cell = escape_cell("![x](https://tracker.example/p.png) **bold** `code` \x1b]0;title\x07end")
    assert cell == ("!\\[x\\](https://tracker.example/p.png) \\*\\*bold\\*\\* \\`code\\` end")
    assert escape_cell("[click](javascript:alert(1))").startswith("\\[click\\]")


def test_a_run_is_one_summary_and_a_shared_unverified_reason_is_said_once() -> None:
    from citelint.models import Run, UnreadableInput

    refs = [Reference(index=n, raw=f"Doe A. Work {n}. 2019.") for n in (1, 2, 3)]
    down = "A lookup failed: crossref: the network could not be reached."
    report = Report(Manuscript("a.bib", "bibtex", refs),
                    [ReferenceResult(r, Match(r), "unverified", reason=down) for r in refs])
    text = write_markdown(Run([report, UnreadableInput("b.bib", "b.bib: no entry.")]))
    assert text.count(down) == 1 and "3 references ([1], [2], [3])" in text
    assert "## citelint: a.bib" in text and "## citelint: b.bib" in text
    assert "Could not be read: b.bib: no entry." in text
