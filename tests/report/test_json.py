import json

import jsonschema
import pytest
from factories import matched, record, ref

from citelint.models import Finding, Manuscript, ReferenceResult, Report
from citelint.report.json import report_to_dict, schema, validate


def _report():
    reference = ref(1, title="A title", year=2020)
    result = ReferenceResult(reference, matched(reference, record(title="A title", doi="10.1/x")),
                             "problem", [Finding("year-mismatch", "error", "Cited year 2020, but "
                                                 "the record gives 2019.", field="year",
                                                 cited=2020, expected=2019)])
    return Report(Manuscript("m.txt", "text", [reference], title="T"), [result],
                  tool_version="0.1.0")


def test_report_follows_the_shipped_schema():
    document = json.loads(_report().to_json())
    validate(document)
    assert document["schema_version"] == 2
    assert document["summary"]["findings"] == {"error": 1, "warning": 0, "info": 0}
    assert document["references"][0]["findings"][0]["expected"] == 2019


def test_schema_rejects_an_unknown_status():
    document = report_to_dict(_report())
    document["references"][0]["status"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_relatedness_with_citing_sections_follows_the_schema():
    from citelint.models import CitingSection
    from citelint.relatedness import score_relatedness

    report = _report()
    result = report.results[0]
    result.reference.cited_in = [CitingSection("Methods > Software", True, "We used R [1]."),
                                 CitingSection("", False)]
    result.relatedness = score_relatedness(report.manuscript, [result.match], "tfidf")[0]
    document = report_to_dict(report)
    validate(document)
    assert document["references"][0]["relatedness"]["cited_in"][0] == {
        "heading": "Methods > Software", "methods": True, "excerpt": "We used R [1]."}
    document["references"][0]["relatedness"]["cited_in"] = ["Methods"]
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_version_2_carries_provenance_structured_authors_and_compared_fields():
    from factories import cited

    from citelint.engine import assign_verdicts
    from citelint.models import Provenance

    reference = ref(1, title="A title", year=2020, authors=cited("van der Berg A"),
                    provenance=Provenance("text", "text", {"title": 0.8, "year": 0.8}))
    result = ReferenceResult(reference, matched(reference, record(title="A title", year=2020)),
                             "unverified")
    assign_verdicts([result])
    document = report_to_dict(Report(Manuscript("m.txt", "text", [reference]), [result]))
    validate(document)
    entry = document["references"][0]
    assert entry["provenance"] == {"origin": "text", "format": "text",
                                   "confidence": {"title": 0.8, "year": 0.8}}
    assert entry["parsed"]["authors"] == [{"family": "Berg", "given": "A", "particle": "van der",
                                           "written": "van der Berg A"}]
    assert entry["compared"] == ["title", "year"]
    assert entry["not_compared"]["authors"] == "not in the record"
    assert entry["not_compared"]["doi"] == "not cited"
    entry["parsed"]["authors"] = ["van der Berg A"]  # v1's flat strings no longer pass
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_a_run_over_several_inputs_is_one_document_with_totals():
    from citelint.models import Run, UnreadableInput
    from citelint.report.json import run_to_dict

    document = run_to_dict(Run([_report(), UnreadableInput("b.bib", "b.bib: no entry.")]))
    validate(document)
    assert [i["path"] for i in document["inputs"]] == ["m.txt", "b.bib"]
    assert document["inputs"][1] == {"path": "b.bib", "error": "b.bib: no entry."}
    assert document["summary"]["findings"] == {"error": 1, "warning": 0, "info": 0}
    assert (document["summary"]["read"], document["summary"]["unreadable"]) == (1, 1)
    del document["inputs"][0]["report"]["references"]  # each report is a whole report
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_an_accepted_problem_is_marked_and_counted():
    report = _report()
    report.results[0].findings[0].suppressed = "erratum"
    document = report_to_dict(report)
    validate(document)
    assert document["references"][0]["status"] == "problem"
    assert document["references"][0]["accepted"] is True
    assert document["summary"]["problem_accepted"] == 1 == document["summary"]["suppressed"]


def test_advisory_findings_are_counted_apart_in_the_summary():
    report = _report()
    report.results[0].findings.append(Finding("off-topic", "warning", "Advisory: unrelated."))
    document = report_to_dict(report)
    validate(document)
    assert document["summary"]["findings"] == {"error": 1, "warning": 1, "info": 0}
    assert document["summary"]["advisory"] == 1
    assert report_to_dict(_report())["summary"]["advisory"] == 0
