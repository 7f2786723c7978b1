from factories import matched, record, ref

from citelint.models import Finding, Manuscript, ReferenceResult, Report
from citelint.report.text import write_text


def test_summary_shows_cited_and_record_values_and_source():
    reference = ref(3, title="A title")
    finding = Finding("pages-mismatch", "error", "Cited pages 5-9, but the record gives 5-8.",
                      cited="5-9", expected="5-8", evidence={"source": "crossref",
                                                             "doi": "10.1000/x"})
    result = ReferenceResult(reference, matched(reference, record()), "problem", [finding])
    text = write_text(Report(Manuscript("m.txt", "text", [reference]), [result]))
    assert "[3] problem  refs.txt:3" in text
    assert "cited: 5-9   record: 5-8" in text and "source: crossref (doi:10.1000/x)" in text
    assert "1 references: 0 verified, 1 problem" in text
