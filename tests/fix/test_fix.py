"""Which fixes findings carry, which ones citelint fix applies, and how a file is fixed."""

from __future__ import annotations

from factories import authors, matched, record, ref, run_rule
from factories import cited as cited_names

from citelint.engine import check_matches
from citelint.fix import chosen_fixes, fix_file, unfixed
from citelint.matching import score_candidate
from citelint.models import (
    Finding,
    Fix,
    Location,
    Manuscript,
    Match,
    ReferenceResult,
    Report,
)
from citelint.rules import (
    author_mismatch,
    doi_missing,
    issue_mismatch,
    journal_mismatch,
    pages_mismatch,
    volume_mismatch,
    year_mismatch,
)

TITLE = "Effects of adipose-derived stem cells and their conditioned medium"


def _findings(cited, rec) -> list[Finding]:
    match = matched(cited, rec, field_scores=score_candidate(cited, rec).fields)
    manuscript = Manuscript(path="refs.bib", format="bibtex", references=[cited])
    [result] = check_matches(manuscript, [match])
    return result.findings


def _fixes(findings: list[Finding]) -> dict[str, tuple[str, object, str]]:
    return {f.rule: (f.fix.field, f.fix.value, f.fix.safety) for f in findings if f.fix}


def test_additions_and_invented_ranges_are_safe_fixes_from_a_sound_match():
    cited = ref(1, title=TITLE, authors=cited_names("Guo X", "Vogt A"), year=2022, journal="Cells",
                first_page="1198", last_page="1221")
    rec = record(title=TITLE, authors=authors("Guo X", "Vogt A"), year=2022, journal="Cells",
                 volume="11", article_number="1198", doi="10.3390/cells11071198")
    assert _fixes(_findings(cited, rec)) == {
        "pages-article-number": ("pages", "1198", "safe"),
        "volume-mismatch": ("volume", "11", "safe"),
        "doi-missing": ("doi", "10.3390/cells11071198", "safe"),
    }


def test_overwriting_what_the_author_wrote_is_an_unsafe_fix():
    cited = ref(1, title=TITLE, authors=cited_names("Guo X", "Vogt A", "Medicine C"), year=2015,
                journal="Ecol Lett", volume="12", issue="4", first_page="5", last_page="9")
    rec = record(title=TITLE, authors=authors("Guo X", "Vogt A"), year=2012, year_print=2012,
                 year_online=2011, journal="Global Change Biology", volume="11", issue="7",
                 first_page="15", last_page="19")
    match = matched(cited, rec)
    rules = (author_mismatch, year_mismatch, volume_mismatch, issue_mismatch, pages_mismatch,
             journal_mismatch)
    fixes = _fixes([f for rule in rules for f in run_rule(rule, match)])
    assert {rule: (field, safety) for rule, (field, _, safety) in fixes.items()} == {
        "author-mismatch": ("authors", "unsafe"), "year-mismatch": ("year", "unsafe"),
        "volume-mismatch": ("volume", "unsafe"), "issue-mismatch": ("issue", "unsafe"),
        "pages-mismatch": ("pages", "unsafe"), "journal-mismatch": ("journal", "unsafe")}
    assert fixes["year-mismatch"][1] == 2012 and fixes["pages-mismatch"][1] == "15-19"
    assert [a.display() for a in fixes["author-mismatch"][1]] == ["Guo X", "Vogt A"]


def test_a_malformed_doi_is_replaced_only_as_an_unsafe_fix():
    match = matched(ref(1, title=TITLE, doi="10.3390/cells 1107"),
                    record(title=TITLE, doi="10.3390/cells11071198"))
    [finding] = run_rule(doi_missing, match)
    assert (finding.fix.value, finding.fix.safety) == ("10.3390/cells11071198", "unsafe")


def test_a_year_that_may_be_the_other_publication_date_gets_no_fix():
    cited = ref(1, title=TITLE, authors=cited_names("Guo X"), year=2023, journal="Cells")
    rec = record(title=TITLE, authors=authors("Guo X"), year=2022, journal="Cells")
    [year] = [f for f in _findings(cited, rec) if f.rule == "year-mismatch"]
    assert year.severity == "warning" and year.fix is None


def test_an_uncertain_match_gives_no_fix_but_keeps_its_evidence():
    # a sibling paper: near-identical title, but other authors, year, volume and pages
    cited = ref(1, title="Conditioned medium heals wounds in diabetic rats",
                authors=cited_names("Guo X"),
                year=2021, volume="12", first_page="100", last_page="110")
    rec = record(title="Conditioned medium heals wounds in diabetic mice",
                 authors=authors("Ortiz L"), year=2020, volume="11", first_page="5",
                 last_page="9", doi="10.1000/sibling")
    findings = _findings(cited, rec)
    assert {f.rule for f in findings} >= {"volume-mismatch", "doi-missing"}
    assert all(f.fix is None for f in findings)
    assert next(f for f in findings if f.rule == "doi-missing").expected == "10.1000/sibling"


def _result(*findings: Finding, index: int = 1) -> ReferenceResult:
    cited = ref(index, location=Location("refs.bib", line=1, key=f"k{index}"))
    return ReferenceResult(cited, Match(cited), "problem", list(findings))


def _finding(rule: str, fix: Fix, suppressed: str | None = None) -> Finding:
    return Finding(rule, "error", "m", field=fix.field, fix=fix, suppressed=suppressed)


def test_safe_fixes_are_chosen_and_unsafe_ones_held_back_unless_asked():
    safe = Fix("pages", "1198", "safe")
    unsafe = Fix("journal", "Cells", "unsafe")
    result = _result(_finding("pages-article-number", safe), _finding("journal-mismatch", unsafe))
    assert chosen_fixes(result, unsafe=False) == ([safe], [unsafe])
    assert chosen_fixes(result, unsafe=True) == ([safe, unsafe], [])


def test_accepted_findings_are_not_fixed_and_one_fix_per_field_is_applied():
    authors_fix = Fix("authors", authors("Guo X"), "unsafe")
    result = _result(_finding("doi-missing", Fix("doi", "10.1/x", "safe"), suppressed="ok"),
                     _finding("author-mismatch", authors_fix),
                     _finding("author-mismatch", Fix("authors", authors("Vogt A"), "unsafe")))
    assert chosen_fixes(result, unsafe=True) == ([authors_fix], [])


def test_a_format_without_an_editor_is_left_alone_with_a_sentence(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text("1. Guo X. Effects. Cells 2022; 11:1198-1221.\n", "utf-8")
    outcome = fix_file(path, "text", [_result(_finding("pages-article-number",
                                                       Fix("pages", "1198", "safe")))])
    assert not outcome.changed and outcome.applied == []
    assert "edits BibTeX, CSL-JSON and RIS files" in outcome.skipped[0]


def test_two_fixes_on_the_same_text_write_the_first_and_say_why_not_the_second(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("\ufeff@article{k1,\n  pages = {1198--1221}\n}\n", "utf-8")
    first = _result(_finding("pages-article-number", Fix("pages", "1198", "safe")))
    second = _result(_finding("pages-mismatch", Fix("pages", "1198-1200", "safe")))
    second.reference.location = first.reference.location
    outcome = fix_file(path, "bibtex", [first, second])
    assert outcome.fixed == "@article{k1,\n  pages = {1198}\n}\n"
    assert "another fix changes the same text" in outcome.skipped[0]
    outcome.write()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf@article")  # the BOM is kept
    assert outcome.diff().startswith(f"--- {path}\n+++ {path}\n")


def test_unfixed_lists_the_findings_no_applied_fix_corrected(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@article{k1,\n  pages = {1198--1221}\n}\n", "utf-8")
    pages = _finding("pages-article-number", Fix("pages", "1198", "safe"))
    journal = _finding("journal-mismatch", Fix("journal", "Cells", "unsafe"))
    result = _result(pages, journal)
    report = Report(Manuscript(str(path), "bibtex", [result.reference]), [result])
    outcome = fix_file(path, "bibtex", [result])
    assert [f.rule for _, f in unfixed(report, [outcome])] == ["journal-mismatch"]


def test_the_json_report_carries_each_fix_and_stays_schema_valid():
    from citelint.report.json import report_to_dict, validate

    result = _result(_finding("author-mismatch", Fix("authors", authors("Guo X"), "unsafe",
                                                     "replace the author list")))
    document = report_to_dict(Report(Manuscript("refs.bib", "bibtex", [result.reference]),
                                     [result]))
    validate(document)
    assert document["references"][0]["findings"][0]["fix"] == {
        "field": "authors", "value": ["Guo X"], "safety": "unsafe",
        "description": "replace the author list"}


def test_a_file_that_no_longer_parses_gets_no_fix_and_a_sentence(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text('[{"id": "k1", "page": "1198-1221"', "utf-8")
    outcome = fix_file(path, "csl-json", [_result(_finding("pages-article-number",
                                                           Fix("pages", "1198", "safe")))])
    assert not outcome.changed and "no fix was written" in outcome.skipped[0]


def test_a_match_backed_by_the_title_alone_gives_no_fix():
    cited = ref(1, title=TITLE)
    findings = _findings(cited, record(title=TITLE, doi="10.3390/cells11071198"))
    [doi] = [f for f in findings if f.rule == "doi-missing"]
    assert doi.expected == "10.3390/cells11071198" and doi.fix is None


def test_an_unverified_reference_is_not_fixed():
    result = _result(_finding("doi-missing", Fix("doi", "10.1/x", "safe")))
    result.status = "unverified"
    assert chosen_fixes(result, unsafe=True) == ([], [])


def test_a_fixed_file_is_replaced_whole_keeping_its_mode_and_its_symlink(tmp_path):
    real = tmp_path / "real.bib"
    real.write_text("@article{k1,\n  pages = {1198--1221}\n}\n", "utf-8")
    real.chmod(0o640)
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    outcome = fix_file(link, "bibtex", [_result(_finding("pages-article-number",
                                                         Fix("pages", "1198", "safe")))])
    outcome.write()
    assert link.is_symlink() and real.read_text("utf-8") == "@article{k1,\n  pages = {1198}\n}\n"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.bib", "refs.bib"]
