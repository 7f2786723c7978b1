"""JUnit output: one test case per reference, outcomes and counts that CI systems can trust."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from factories import cited

from citelint.models import (
    Finding,
    Location,
    Manuscript,
    Match,
    Reference,
    ReferenceResult,
    Report,
)
from citelint.report.junit import write_junit


def reference(index: int, **fields: object) -> Reference:
    return Reference(index=index, raw=f"Author{index} A. Title {index}. 2020.",
                     location=Location(line=10 + index), authors=cited(f"Author{index} A"),
                     title=f"Title {index}", year=2020, **fields)


def result(index: int, status: str, findings: list[Finding] | None = None,
           reason: str | None = None) -> ReferenceResult:
    ref = reference(index)
    return ReferenceResult(ref, Match(ref), status, findings or [], reason=reason)


def sample_report() -> Report:
    results = [
        result(1, "verified"),
        result(2, "problem", [Finding("fake-error", "error", "Cited year 2019, record says 2020.",
                                      field="year", cited=2019, expected=2020),
                              Finding("fake-warning", "warning", "Abbreviation is non-standard.")]),
        result(3, "unverified", reason="Crossref returned HTTP 503."),
        result(4, "problem", [Finding("fake-warning", "warning", "Abbreviation is non-standard.")]),
        result(5, "problem", [Finding("fake-error", "error", "Accepted problem.",
                                      suppressed="known erratum")]),
        result(6, "problem", [Finding("fake-error", "error", "Bad \x0b control & <tags>.")]),
    ]
    manuscript = Manuscript(path="paper/refs.bib", format="bibtex",
                            references=[r.reference for r in results])
    return Report(manuscript, results, stats={"seconds": 1.5}, tool_version="9.9.9")


def parse(report: Report, **kwargs: object) -> ET.Element:
    return ET.fromstring(write_junit(report, **kwargs))


def outcome(case: ET.Element) -> str:
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "passed"


def test_one_testcase_per_reference_named_by_index_and_citation() -> None:
    suite = parse(sample_report()).find("testsuite")
    assert suite is not None
    assert suite.get("name") == "citelint: paper/refs.bib"
    cases = suite.findall("testcase")
    assert len(cases) == 6
    assert {c.get("classname") for c in cases} == {"references"}
    assert cases[0].get("name") == "[1] Author1 A (2020) Title 1"
    assert cases[1].get("file") == "paper/refs.bib" and cases[1].get("line") == "12"


def test_errors_fail_unverified_skips_and_the_rest_pass() -> None:
    cases = parse(sample_report()).find("testsuite").findall("testcase")
    assert [outcome(c) for c in cases] == [
        "passed", "failure", "skipped", "passed", "passed", "failure"]
    failure = cases[1].find("failure")
    assert failure.get("type") == "fake-error"
    assert failure.get("message") == "Cited year 2019, record says 2020."
    assert "cited year: 2019" in failure.text and "record year: 2020" in failure.text
    assert "fake-warning" in cases[1].find("system-out").text
    assert cases[2].find("skipped").get("message") == "Crossref returned HTTP 503."
    assert "known erratum" in cases[4].find("system-out").text


def test_counts_match_the_testcases() -> None:
    root = parse(sample_report())
    for element in (root, root.find("testsuite")):
        assert element.get("tests") == "6"
        assert element.get("failures") == "2"
        assert element.get("errors") == "0"
        assert element.get("skipped") == "1"
        assert element.get("time") == "1.500"


def test_fail_on_warning_fails_warning_only_references() -> None:
    root = parse(sample_report(), fail_on="warning")
    cases = root.find("testsuite").findall("testcase")
    assert [outcome(c) for c in cases] == [
        "passed", "failure", "skipped", "failure", "passed", "failure"]
    assert root.get("failures") == "3"


def test_fail_on_never_fails_nothing() -> None:
    root = parse(sample_report(), fail_on="never")
    assert root.get("failures") == "0"


def test_text_that_xml_cannot_carry_is_replaced_not_fatal() -> None:
    case = parse(sample_report()).find("testsuite").findall("testcase")[5]
    assert case.find("failure").get("message") == "Bad \ufffd control & <tags>."


def test_empty_report_is_an_empty_suite() -> None:
    report = Report(Manuscript(path=None, format="text", references=[]), results=[])
    suite = parse(report).find("testsuite")
    assert suite.get("name") == "citelint: <input>"
    assert suite.get("tests") == "0" and suite.findall("testcase") == []


def test_a_missing_cited_value_is_not_printed_as_none() -> None:
    missing = result(1, "verified", [Finding("doi-missing", "info", "Add the DOI.", field="doi",
                                             cited=None, expected="10.1000/x")])
    report = Report(Manuscript("refs.bib", "bibtex", [missing.reference]), [missing])
    text = write_junit(report)
    assert "record doi: 10.1000/x" in text and "None" not in text


def test_a_run_has_a_suite_per_input_and_an_unreadable_input_is_an_error() -> None:
    from citelint.models import Run, UnreadableInput

    run = Run([sample_report(), UnreadableInput("notes.txt", "notes.txt: no reference list.")])
    root = ET.fromstring(write_junit(run))
    first, second = root.findall("testsuite")
    assert first.get("tests") == "6" and second.get("errors") == "1"
    error = second.find("testcase/error")
    assert error is not None and error.get("message") == "notes.txt: no reference list."
    assert root.get("tests") == "7" and root.get("errors") == "1"
    assert root.get("failures") == first.get("failures")
