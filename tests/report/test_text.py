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


def test_escape_sequences_from_citations_and_records_never_reach_the_terminal():
    hostile = "Title\x1b[2J\x1b]0;owned\x07\nfake line\u202e"
    reference = ref(1, raw=f"Smith J. {hostile}. Nature. 2020.", title=hostile)
    finding = Finding("title-mismatch", "error", f"Cited title {hostile!s}", cited=hostile,
                      expected="Record\x9b31m title\x1b]8;;http://x\x1b\\",
                      evidence={"source": "crossref\x1bc"})
    result = ReferenceResult(reference, matched(reference, record()), "problem", [finding],
                             reason="why\x1b[1A")
    manuscript = Manuscript("m\x1b[31m.txt", "text", [reference], problems=["bad\x1b[2K"])
    for color in (False, True):
        text = write_text(Report(manuscript, [result]), color=color)
        visible = text.replace("\x1b[0m", "").replace("\x1b[31m", "").replace("\x1b[33m", "")
        assert "\x1b" not in visible and "\x9b" not in visible and "\u202e" not in visible
        assert "owned" not in text and "\nfake line" not in text
        assert "Title fake line" in text and "Record title" in text


def test_a_fixable_finding_shows_its_fix_and_the_summary_counts_fixes_by_safety():
    from citelint.models import Fix, Location

    reference = ref(1, title="A title", location=Location("refs.bib", line=1, key="k"))
    findings = [Finding("doi-missing", "info", "Add the DOI.", field="doi", expected="10.1/x",
                        fix=Fix("doi", "10.1/x", "safe", "add doi 10.1/x")),
                Finding("journal-mismatch", "error", "Other journal.", field="journal",
                        fix=Fix("journal", "Cells", "unsafe", 'replace journal "X" with "Cells"'))]
    result = ReferenceResult(reference, matched(reference, record()), "problem", findings)
    text = write_text(Report(Manuscript("refs.bib", "bibtex", [reference]), [result]))
    assert "fix (safe): add doi 10.1/x" in text
    assert "Fixable: 1 with 'citelint fix', 1 more with 'citelint fix --unsafe-fixes'" in text
    reference.location = Location("refs.txt", line=1)
    plain = write_text(Report(Manuscript("refs.txt", "text", [reference]), [result]))
    assert "Fixable" not in plain  # citelint fix does not edit plain text


def _unverified(index: int, reason: str) -> ReferenceResult:
    reference = ref(index, title=f"Title {index}")
    return ReferenceResult(reference, matched(reference, None), "unverified", reason=reason)


def test_a_reason_shared_by_unverified_references_is_said_once():
    down = "A lookup failed: crossref: the network could not be reached."
    results = [_unverified(n, down) for n in range(1, 6)]
    report = Report(Manuscript("m.txt", "text", [r.reference for r in results]), results)
    text = write_text(report)
    assert text.count(down) == 1
    assert "m.txt: no reference could be verified: " + down in text
    assert "[3]" not in text  # no block per reference for it
    assert write_text(report, verbose=True).count("[3] unverified") == 1


def test_quiet_keeps_problems_only_and_accepted_problems_say_so():
    bad, fine = ref(1, title="A"), ref(2, title="B")
    error = Finding("pages-mismatch", "error", "Cited pages 5-9, but the record gives 5-8.")
    accepted = Finding("year-mismatch", "error", "Cited 2020, record 2021.", suppressed="erratum")
    hint = Finding("doi-missing", "info", "Add the DOI.")
    results = [ReferenceResult(bad, matched(bad, record()), "problem", [error, hint]),
               ReferenceResult(fine, matched(fine, record()), "problem", [accepted])]
    report = Report(Manuscript("m.txt", "text", [bad, fine]), results)
    quiet = write_text(report, quiet=True)
    assert "pages-mismatch" in quiet and "doi-missing" not in quiet and "[2]" not in quiet
    assert "references:" not in quiet
    full = write_text(report)
    assert "[2] problem, accepted" in full and "accepted: erratum" in full
    assert "1 problem" not in full and "2 problem (1 accepted)" in full
    assert "Findings: 1 errors, 0 warnings, 1 info; 1 accepted" in full
