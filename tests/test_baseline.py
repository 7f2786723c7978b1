"""Baselines: accepted findings are suppressed, new problems are not, fingerprints are stable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import cited

from citelint.baseline import (
    BaselineEntry,
    BaselineError,
    apply_suppressions,
    fingerprint,
    load_baseline,
    short_citation,
    write_baseline,
)
from citelint.models import (
    Finding,
    Manuscript,
    Match,
    Reference,
    ReferenceResult,
    Report,
    Suppression,
)


def ref(index: int, **fields: object) -> Reference:
    fields.setdefault("raw", f"raw citation {index}")
    return Reference(index=index, **fields)


GUO = dict(authors=cited("Guo X", "Li Y"), title="Hair loss in mice", year=2022,
           doi="10.3390/cells11071198")
SMITH = dict(authors=cited("Smith, John"), title="Another study", year=2020)


def make_report(references: list[Reference], findings: dict[str, list[str]]) -> Report:
    """A report whose references (keyed by first author) have findings of the given rules."""
    results = []
    for reference in references:
        key = reference.author_names[0] if reference.authors else reference.raw
        rules = findings.get(key, [])
        results.append(ReferenceResult(
            reference, Match(reference), "problem" if rules else "verified",
            [Finding(rule, "error", f"{rule} on {key}.") for rule in rules]))
    return Report(Manuscript(path="refs.txt", format="text", references=references), results)


def unsuppressed(report: Report) -> list[tuple[int, str]]:
    return [(r.reference.index, f.rule) for r, f in report.findings()]


def test_fingerprint_ignores_position_and_cosmetic_differences() -> None:
    assert fingerprint(ref(1, **GUO)) == fingerprint(ref(7, **GUO))
    assert fingerprint(ref(1, doi="10.3390/CELLS11071198")) == fingerprint(
        ref(2, doi="https://doi.org/10.3390/cells11071198."))
    assert fingerprint(ref(1, **SMITH)) == fingerprint(
        ref(2, authors=cited("Smith J"), title="ANOTHER   study.", year=2020))
    assert fingerprint(ref(1, authors=cited("Müller K"), title="Über", year=2001)) == fingerprint(
        ref(2, authors=cited("Muller, Karl"), title="uber", year=2001))
    assert len(fingerprint(ref(1, **GUO))) == 16


def test_fingerprint_separates_different_works() -> None:
    prints = {fingerprint(ref(1, **GUO)), fingerprint(ref(1, **SMITH)),
              fingerprint(ref(1, **{**SMITH, "year": 2021})),
              fingerprint(ref(1, raw="unparseable one")), fingerprint(ref(1, raw="another"))}
    assert len(prints) == 5


def test_baseline_suppresses_exactly_the_accepted_findings(tmp_path: Path) -> None:
    baseline = tmp_path / "citelint-baseline.json"
    before = make_report([ref(1, **GUO), ref(2, **SMITH)],
                         {"Guo X": ["fake-pages"], "Smith, John": ["fake-year"]})
    assert write_baseline(before, baseline, reason="known erratum") == 2

    after = make_report([ref(1, **GUO), ref(2, **SMITH)],
                        {"Guo X": ["fake-pages"], "Smith, John": ["fake-year"]})
    apply_suppressions(after, load_baseline(baseline))
    assert unsuppressed(after) == []
    assert {f.suppressed for _, f in after.findings(include_suppressed=True)} == {"known erratum"}
    assert after.counts() == {"error": 0, "warning": 0, "info": 0}


def test_new_rule_or_new_reference_still_counts(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    write_baseline(make_report([ref(1, **GUO)], {"Guo X": ["fake-pages"]}), baseline)
    new_ref = ref(3, authors=cited("Doe A"), title="Fabricated", year=2024)
    later = make_report([ref(1, **GUO), ref(2, **SMITH), new_ref],
                        {"Guo X": ["fake-pages", "fake-title"], "Smith, John": ["fake-pages"],
                         "Doe A": ["fake-not-found"]})
    apply_suppressions(later, load_baseline(baseline))
    assert unsuppressed(later) == [(1, "fake-title"), (2, "fake-pages"), (3, "fake-not-found")]


def test_reordering_references_keeps_them_accepted(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    write_baseline(make_report([ref(1, **GUO), ref(2, **SMITH)],
                               {"Guo X": ["fake-pages"], "Smith, John": ["fake-year"]}), baseline)
    reordered = make_report([ref(1, **SMITH), ref(2, raw="new one"), ref(3, **GUO)],
                            {"Guo X": ["fake-pages"], "Smith, John": ["fake-year"]})
    apply_suppressions(reordered, load_baseline(baseline))
    assert unsuppressed(reordered) == []


def test_inline_suppressions_honour_rule_and_star() -> None:
    one_rule = ref(1, **GUO, suppressions=[Suppression("fake-pages", "publisher typo")])
    every_rule = ref(2, **SMITH, suppressions=[Suppression("*", "grey literature")])
    report = make_report([one_rule, every_rule],
                         {"Guo X": ["fake-pages", "fake-year"],
                          "Smith, John": ["fake-pages", "fake-year"]})
    apply_suppressions(report)
    assert unsuppressed(report) == [(1, "fake-year")]
    reasons = [f.suppressed for _, f in report.findings(include_suppressed=True)]
    assert reasons == ["publisher typo", None, "grey literature", "grey literature"]


def test_baseline_file_format_and_regeneration(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    report = make_report([ref(1, **GUO), ref(2, **SMITH, suppressions=[Suppression("*", "ok")])],
                         {"Guo X": ["fake-pages"], "Smith, John": ["fake-year"]})
    write_baseline(report, baseline)
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data == {"version": 1, "entries": [{
        "fingerprint": fingerprint(report.results[0].reference), "rule": "fake-pages",
        "reason": "accepted", "reference": "Guo X et al. (2022) Hair loss in mice"}]}

    # Regenerating after applying the old baseline keeps its reasons for findings still present.
    again = make_report([ref(1, **GUO)], {"Guo X": ["fake-pages", "fake-title"]})
    apply_suppressions(again, [BaselineEntry(fingerprint(ref(1, **GUO)), "fake-pages", "erratum")])
    write_baseline(again, baseline, reason="new")
    reasons = {e.rule: e.reason for e in load_baseline(baseline)}
    assert reasons == {"fake-pages": "erratum", "fake-title": "new"}


def test_plain_dict_entries_are_accepted() -> None:
    report = make_report([ref(1, **GUO)], {"Guo X": ["fake-pages"]})
    apply_suppressions(report, [{"fingerprint": fingerprint(ref(1, **GUO)), "rule": "fake-pages",
                                 "reason": "ok"}])
    assert unsuppressed(report) == []


@pytest.mark.parametrize(("content", "message"), [
    (None, "baseline file not found"),
    ("{not json", "baseline.json:1: baseline file is not valid JSON"),
    ('{"version": 2, "entries": []}', 'not a citelint baseline'),
    ('{"version": 1, "entries": [{"rule": "x"}]}', r"entries\[0\]: missing or non-string"),
])
def test_bad_baseline_files_are_named(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=message):
        load_baseline(path)


def test_short_citation_labels() -> None:
    assert short_citation(ref(1, **GUO)) == "Guo X et al. (2022) Hair loss in mice"
    doe = ref(1, authors=cited("Doe A"), et_al=True, year=2001)
    assert short_citation(doe) == "Doe A et al. (2001)"
    assert short_citation(ref(4, raw="  Some\n raw   text ")) == "Some raw text"
    long = short_citation(ref(1, title="x" * 200), width=40)
    assert len(long) == 40 and long.endswith("\u2026")


def test_one_baseline_for_several_manuscripts(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = make_report([ref(1, **GUO)], {"Guo X": ["fake-pages"]})
    second = make_report([ref(1, **SMITH)], {"Smith, John": ["fake-year"]})
    assert write_baseline([first, second], baseline) == 2
    again = make_report([ref(1, **SMITH)], {"Smith, John": ["fake-year"]})
    apply_suppressions(again, load_baseline(baseline))
    assert unsuppressed(again) == []
