"""SARIF output: valid against the official 2.1.0 schema, with rules, levels and locations right."""

from __future__ import annotations

import json
import types
from pathlib import Path

import jsonschema
import pytest
from factories import cited

from citelint.baseline import fingerprint
from citelint.models import (
    Finding,
    Location,
    Manuscript,
    Match,
    Record,
    Reference,
    ReferenceResult,
    Report,
    Suppression,
)
from citelint.report.sarif import FINGERPRINT_KEY, report_to_sarif, write_sarif

SCHEMA_PATH = (Path(__file__).resolve().parents[2] / "fixtures" / "schemas"
               / "sarif-schema-2.1.0.json")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def fake_rule(rule_id: str, severity: str, doc: str) -> types.ModuleType:
    module = types.ModuleType(f"fake_{rule_id}", doc)
    module.ID = rule_id
    module.SEVERITY = severity
    return module


STYLE_DOC = "fake-style: journal name is not the standard abbreviation."
RULES = [
    fake_rule("fake-pages", "error", "Cited pages differ from the record.\n\nLonger *docs*."),
    fake_rule("fake-style", "warning", STYLE_DOC),
    fake_rule("fake-hint", "info", "\n    A DOI could be added.\n\n    More text.\n"),
]


def sample_report() -> Report:
    on_line = Reference(index=1, raw="Guo X, Li Y. A title. Cells. 2022;11(7):1198-1221.",
                        location=Location(path="paper/refs.txt", line=17),
                        authors=cited("Guo X", "Li Y"), title="A title", year=2022,
                        doi="10.3390/cells11071198")
    in_xml = Reference(index=2, raw="Smith J. Another. 2020.",
                       location=Location(element="ref-list/ref[@id='B2']"),
                       authors=cited("Smith J"), title="Another", year=2020,
                       suppressions=[Suppression("fake-style", "house style")])
    unverified = Reference(index=3, raw="Doe A. Third. 2019.", location=Location(line=19),
                           authors=cited("Doe A"), title="Third", year=2019)
    record = Record(source="crossref", doi="10.3390/cells11071198", first_page="1198")
    return Report(
        manuscript=Manuscript(path="paper/refs.txt", format="text",
                              references=[on_line, in_xml, unverified]),
        results=[
            ReferenceResult(on_line, Match(on_line, record=record, score=0.97), "problem", [
                Finding("fake-pages", "error", "Cited pages 1198-1221, but the record gives "
                        "article number 1198.", field="pages", cited="1198-1221", expected="1198",
                        evidence={"source": "crossref", "years": {2022, 2021}}),
                Finding("fake-hint", "info", "Add the DOI."),
            ]),
            ReferenceResult(in_xml, Match(in_xml), "problem", [
                Finding("fake-style", "warning", "Use the ISO 4 abbreviation.",
                        suppressed="house style"),
                Finding("plugin-rule", "warning", "A rule the registry does not know."),
            ]),
            ReferenceResult(unverified, Match(unverified), "unverified",
                            reason="Crossref timed out after 3 attempts."),
        ],
        tool_version="9.9.9",
    )


def test_output_is_valid_sarif_2_1_0(validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(write_sarif(sample_report()))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0"


def test_valid_with_the_registered_rules(validator: jsonschema.Draft4Validator) -> None:
    log = report_to_sarif(sample_report())  # whatever rule modules exist now
    validator.validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "citelint" and driver["version"] == "9.9.9"


def test_one_descriptor_per_rule_with_docs_and_mapped_level() -> None:
    rules = report_to_sarif(sample_report(), rules=RULES)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["fake-pages", "fake-style", "fake-hint", "plugin-rule"]
    pages, style, hint, plugin = rules
    assert pages["name"] == "FakePages"
    assert pages["shortDescription"]["text"] == "Cited pages differ from the record."
    assert "Longer *docs*." in pages["fullDescription"]["text"]
    assert pages["help"]["markdown"] == pages["help"]["text"]
    assert [r["defaultConfiguration"]["level"] for r in rules[:3]] == ["error", "warning", "note"]
    assert hint["shortDescription"]["text"] == "A DOI could be added."
    assert style["shortDescription"]["text"] == "Journal name is not the standard abbreviation."
    assert style["fullDescription"]["text"].startswith("fake-style: journal name")
    assert plugin["defaultConfiguration"]["level"] == "warning"


def test_results_carry_rule_level_message_and_line_location() -> None:
    results = report_to_sarif(sample_report(), rules=RULES)["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("fake-pages", 0, "error"), ("fake-hint", 2, "note"),
        ("fake-style", 1, "warning"), ("plugin-rule", 3, "warning")]
    first = results[0]
    assert first["message"]["text"].startswith("Cited pages 1198-1221")
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "paper/refs.txt", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 17}
    assert first["properties"]["cited"] == "1198-1221"
    assert first["properties"]["expected"] == "1198"
    assert first["properties"]["evidence"]["years"] == [2021, 2022]
    assert first["partialFingerprints"] == {
        FINGERPRINT_KEY: fingerprint(sample_report().results[0].reference)}
    assert "suppressions" not in first


def test_element_location_has_no_region_but_a_logical_location() -> None:
    results = report_to_sarif(sample_report(), rules=RULES)["runs"][0]["results"]
    location = results[2]["locations"][0]
    assert "region" not in location["physicalLocation"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "paper/refs.txt"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "ref-list/ref[@id='B2']"
    assert location["logicalLocations"][0]["kind"] == "element"


def test_suppressed_finding_is_kept_with_an_external_suppression() -> None:
    results = report_to_sarif(sample_report(), rules=RULES)["runs"][0]["results"]
    assert results[2]["suppressions"] == [{"kind": "external", "justification": "house style"}]


def test_unverified_reference_is_a_notification_not_a_result() -> None:
    run = report_to_sarif(sample_report(), rules=RULES)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1
    assert "Reference 3 could not be verified: Crossref timed out" in notes[0]["message"]["text"]


@pytest.mark.parametrize(("path", "expected"), [
    ("paper\\refs list.bib", {"uri": "paper/refs%20list.bib", "uriBaseId": "%SRCROOT%"}),
    ("./refs.bib", {"uri": "refs.bib", "uriBaseId": "%SRCROOT%"}),
    ("/home/ci/repo/refs.bib", {"uri": "file:///home/ci/repo/refs.bib"}),
    ("C:\\work\\refs.bib", {"uri": "file:///C:/work/refs.bib"}),
])
def test_artifact_uri_is_relative_with_forward_slashes(path: str, expected: dict) -> None:
    report = sample_report()
    report.manuscript.path = path
    report.results[0].reference.location.path = None
    result = report_to_sarif(report, rules=RULES)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == expected


def test_source_root_makes_absolute_paths_relative(validator: jsonschema.Draft4Validator) -> None:
    report = sample_report()
    report.manuscript.path = "/home/ci/repo/paper/refs.txt"
    report.results[0].reference.location.path = None
    log = report_to_sarif(report, rules=RULES, source_root=Path("/home/ci/repo"))
    validator.validate(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "paper/refs.txt", "uriBaseId": "%SRCROOT%"}


def test_empty_report_is_valid(validator: jsonschema.Draft4Validator) -> None:
    report = Report(Manuscript(path=None, format="text", references=[]), results=[])
    log = report_to_sarif(report, rules=RULES)
    validator.validate(log)
    assert log["runs"][0]["results"] == []


def test_schema_check_is_not_vacuous(validator: jsonschema.Draft4Validator) -> None:
    log = report_to_sarif(sample_report(), rules=RULES)
    del log["runs"][0]["results"][0]["message"]
    assert not validator.is_valid(log)


def test_suppressed_findings_can_be_left_out() -> None:
    results = report_to_sarif(sample_report(), rules=RULES,
                              include_suppressed=False)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["fake-pages", "fake-hint", "plugin-rule"]
    assert results[2]["ruleIndex"] == 3


def test_a_run_over_several_inputs_is_one_log_with_a_run_each(
        validator: jsonschema.Draft4Validator) -> None:
    from citelint.models import Run, UnreadableInput
    from citelint.report.sarif import run_to_sarif

    log = run_to_sarif(Run([sample_report(), UnreadableInput("notes.txt", "notes.txt: no list.")]))
    validator.validate(log)
    checked, unreadable = log["runs"]
    assert checked["results"] and checked["invocations"][0]["executionSuccessful"] is True
    assert unreadable["results"] == []
    invocation = unreadable["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["level"] == "error" and note["message"]["text"] == "notes.txt: no list."
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "notes.txt"


def test_unverified_references_sharing_a_reason_share_one_notification(
        validator: jsonschema.Draft4Validator) -> None:
    refs = [Reference(index=n, raw=f"Doe A. Work {n}. 2019.", location=Location(line=n))
            for n in (1, 2, 3)]
    down = "A lookup failed: crossref: the network could not be reached."
    report = Report(Manuscript("refs.txt", "text", refs),
                    [ReferenceResult(r, Match(r), "unverified", reason=down) for r in refs])
    log = report_to_sarif(report, rules=RULES)
    validator.validate(log)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1
    assert notes[0]["message"]["text"] == f"3 references (1, 2, 3) could not be verified: {down}"
    assert len(notes[0]["locations"]) == 3
