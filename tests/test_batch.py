"""citelint batch: each manuscript gets exactly the findings ``check`` gives it alone; the corpus
table holds one row per reference and finding; a rerun resumes without losing or repeating a
manuscript; a work cited by many manuscripts is looked up once."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI

from citelint.api import check
from citelint.batch import Checker, job_for, local_engine, run_batch
from citelint.cli import main
from citelint.config import Config, resolve_config
from citelint.readers import read_file
from citelint.sources.remembered import RememberedSource
from citelint.sources.snapshot import SnapshotSource

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures" / "seed"
FORMATS = REPO / "fixtures" / "formats"


def outcome(results) -> dict[int, tuple[str, list[tuple[str, str, str]]]]:
    """Per reference: its status and every finding (rule, severity, message)."""
    return {r.reference.index: (r.status, sorted((f.rule, f.severity, f.message)
                                                 for f in r.findings)) for r in results}


def outcome_of_rows(rows: list[dict[str, Any]]) -> dict[int, tuple[str, list[tuple]]]:
    found: dict[int, tuple[str, list[tuple]]] = {}
    for row in rows:
        status, findings = found.setdefault(int(row["reference"]), (row["status"], []))
        if row["rule"]:
            findings.append((row["rule"], row["severity"], row["message"]))
    return {index: (status, sorted(findings)) for index, (status, findings) in found.items()}


def split_seed(folder: Path) -> list[Path]:
    """Two lists cut from the seed manuscript's references, overlapping in five works."""
    raws = [r.raw for r in read_file(SEED / "manuscript.txt").references]
    paths = []
    for name, part in (("first.txt", raws[:16]), ("second.txt", raws[11:28])):
        path = folder / name
        path.write_text("References\n\n" + "\n".join(f"{n}. {raw}" for n, raw in
                                                     enumerate(part, 1)) + "\n", "utf-8")
        paths.append(path)
    return paths


def corpus_rows(out: Path) -> list[dict[str, Any]]:
    with (out / "corpus.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_offline_batch_gives_each_manuscript_the_findings_check_gives_it_alone(tmp_path):
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", *split_seed(tmp_path)]
    out = tmp_path / "out"
    code = main(["batch", *map(str, inputs), "--snapshot", str(SEED / "snapshot.jsonl"),
                 "--offline", "--output-dir", str(out), "-f", "json", "-f", "sarif"])
    assert code == 1  # the seed's references have errors
    rows = corpus_rows(out)
    import pyarrow.parquet as pq

    assert pq.read_table(out / "corpus.parquet").to_pylist() == [
        {**r, "reference": int(r["reference"]), "line": int(r["line"]) if r["line"] else None,
         **{k: (v or None) for k, v in r.items() if k not in ("reference", "line")}}
        for r in rows]
    summary = {s["path"]: s for s in pq.read_table(out / "summary.parquet").to_pylist()}
    for path in inputs:
        config = resolve_config(path, flags={"snapshots": [SEED / "snapshot.jsonl"],
                                             "offline": True})
        alone = check(path, config=config)
        job = job_for(path)
        mine = [r for r in rows if r["manuscript"] == job.id]
        assert outcome_of_rows(mine) == outcome(alone.results), path.name
        report = json.loads((out / "reports" / f"{job.id}.json").read_text("utf-8"))
        assert [r["status"] for r in report["references"]] == [
            r.status for r in alone.results]
        assert (out / "reports" / f"{job.id}.sarif").is_file()
        assert summary[str(path)]["references"] == len(alone.results)
        assert summary[str(path)]["errors"] == alone.counts()["error"]


def test_unreadable_input_is_summarised_and_the_others_are_checked(tmp_path, capsys):
    bad = tmp_path / "empty.bib"
    bad.write_text("nothing here\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", str(bad), str(FORMATS / "refs.ris"), "--snapshot",
                 str(SEED / "snapshot.jsonl"), "--offline", "--output-dir", str(out)])
    assert code == 1
    assert "empty.bib" in capsys.readouterr().err
    with (out / "summary.csv").open(encoding="utf-8") as f:
        summary = {Path(s["path"]).name: s for s in csv.DictReader(f)}
    assert summary["empty.bib"]["unreadable"] and summary["refs.ris"]["references"] == "5"


class Crash(Exception):
    pass


def test_the_batch_program_freezes_its_heap_after_the_first_manuscript(monkeypatch, tmp_path):
    import citelint.batch

    events = []
    check = Checker.check
    monkeypatch.setattr(citelint.batch, "freeze_heap", lambda: events.append("freeze"))
    monkeypatch.setattr(Checker, "check", lambda self, job: (
        events.append(Path(job.path).name), check(self, job))[1])
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", SEED / "manuscript.txt"]
    code = main(["batch", *map(str, inputs), "--snapshot", str(SEED / "snapshot.jsonl"),
                 "--offline", "--output-dir", str(tmp_path / "out")], program=True)
    assert code == 1
    assert events == ["refs.bib", "freeze", "refs.ris", "manuscript.txt"]


def test_a_batch_killed_half_way_resumes_without_losing_or_repeating_a_manuscript(tmp_path):
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", FORMATS / "refs.json",
              FORMATS / "article.xml", *split_seed(tmp_path)]
    config = Config()
    config.snapshots, config.offline = [SEED / "snapshot.jsonl"], True
    checker = Checker(config)
    seen: list[str] = []

    def dies_after_three(checker, jobs):
        for n, part in enumerate(local_engine(checker, jobs)):
            if n == 3:
                raise Crash  # as Ctrl-C or a killed process would, mid-run
            seen.append(part.job.path)
            yield part

    out = tmp_path / "out"
    with pytest.raises(Crash):
        run_batch(inputs, out, checker, dies_after_three)
    assert len(list((out / "parts").glob("*.json"))) == 3
    assert not (out / "corpus.csv").exists()
    rerun: list[str] = []

    def counting(checker, jobs):
        for part in local_engine(checker, jobs):
            rerun.append(part.job.path)
            yield part

    result = run_batch(inputs, out, checker, counting)
    assert (result.skipped, result.checked) == (3, len(inputs) - 3)
    assert sorted(rerun) == sorted(str(p) for p in inputs if str(p) not in seen)
    rows = corpus_rows(out)
    per_manuscript = {}
    for row in rows:
        per_manuscript.setdefault(row["manuscript"], set()).add(int(row["reference"]))
    expected = {job_for(p).id: len(read_file(p).references) for p in inputs}
    assert {k: len(v) for k, v in per_manuscript.items()} == expected
    findings = [(r["manuscript"], r["reference"], r["rule"], r["message"]) for r in rows]
    assert len(findings) == len(set(findings))  # nothing twice
    assert run_batch(inputs, out, checker, counting).checked == 0  # a third run has nothing to do


def test_online_batch_through_the_fake_api_matches_check_alone(fake_api: FakeAPI, tmp_path):
    fake_api.load_jsonl(SEED / "snapshot.jsonl")
    inputs = split_seed(tmp_path)
    out = tmp_path / "out"
    main(["batch", *map(str, inputs), "--output-dir", str(out)])
    rows = corpus_rows(out)
    asked_in_batch = len(fake_api.requests)
    for path in inputs:
        alone = check(path, config=resolve_config(path))
        mine = [r for r in rows if r["manuscript"] == job_for(path).id]
        assert outcome_of_rows(mine) == outcome(alone.results), path.name
        assert any(r.status == "verified" for r in alone.results)
    assert asked_in_batch > 0


class CountingSource:
    name, authoritative = "counting", True

    def __init__(self, inner):
        self.inner, self.dois, self.searches = inner, [], 0

    def works_by_doi(self, dois):
        self.dois += list(dois)
        return self.inner.works_by_doi(dois)

    def search(self, reference, rows=5):
        self.searches += 1
        return self.inner.search(reference, rows)


def test_a_work_cited_by_many_manuscripts_is_looked_up_once(tmp_path):
    counting = CountingSource(SnapshotSource(SEED / "snapshot.jsonl"))
    remembered = RememberedSource(counting)
    first, second = split_seed(tmp_path)
    config = Config()
    results = [check(p, config=config, built=([remembered], None, None)).results
               for p in (first, second)]
    assert len(counting.dois) == len(set(counting.dois))  # no DOI asked twice
    shared = {r.reference.raw for r in results[0]} & {r.reference.raw for r in results[1]}
    assert len(shared) == 5 and remembered.hits >= 5
    plain = CountingSource(SnapshotSource(SEED / "snapshot.jsonl"))
    for p, got in zip((first, second), results, strict=True):
        assert outcome(check(p, config=config, sources=[plain]).results) == outcome(got)
    assert counting.searches < plain.searches


def verdict(outcome: tuple[str, list[tuple[str, str, str]]]) -> tuple[str, list[tuple[str, str]]]:
    """A reference's status and findings (rule, severity), without the messages."""
    status, findings = outcome
    return status, [(rule, severity) for rule, severity, _message in findings]


def test_a_manuscript_past_its_time_limit_asks_nothing_more_and_says_so(fake_api: FakeAPI,
                                                                         tmp_path, capsys):
    """Against a slow service, the references not looked up when the limit runs out are
    unverified with a reason naming it; the report is written and marked; every other reference
    gets what check gives it alone (the limit never makes a verdict worse than unverified)."""
    fake_api.load_jsonl(SEED / "snapshot.jsonl")
    fake_api.latency(0.4)
    inputs = split_seed(tmp_path)
    out = tmp_path / "out"
    code = main(["batch", *map(str, inputs), "--output-dir", str(out),
                 "--manuscript-timeout", "1"])
    assert code == 1  # the seed's references have errors
    assert "2 manuscripts ran out of their time limit" in capsys.readouterr().err
    asked = len(fake_api.requests)
    rows = corpus_rows(out)
    with (out / "summary.csv").open(encoding="utf-8") as f:
        summary = {Path(s["path"]).name: s for s in csv.DictReader(f)}
    limited = [r for r in rows if "time limit of 1.0 s (--manuscript-timeout)" in r["reason"]]
    assert limited and {r["status"] for r in limited} == {"unverified"}
    for path in inputs:
        job = job_for(path)
        cut = {int(r["reference"]) for r in limited if r["manuscript"] == job.id}
        assert int(summary[path.name]["timed_out"]) == len(cut) > 0
        assert summary[path.name]["failed"] == ""
        report = json.loads((out / "reports" / f"{job.id}.json").read_text("utf-8"))
        assert report["stats"]["time_limit"] == {"seconds": 1.0, "unverified": len(cut)}
        assert any("time limit" in p for p in report["manuscript"]["problems"])
        fake_api.latency(0.0)
        alone = outcome(check(path, config=resolve_config(path)).results)
        mine = outcome_of_rows([r for r in rows if r["manuscript"] == job.id])
        # (a message may say less: e.g. a not-found whose journal look-up the limit cut says
        # that whether the journal is indexed could not be checked)
        assert {i: verdict(v) for i, v in mine.items() if i not in cut} == {
            i: verdict(v) for i, v in alone.items() if i not in cut}
    assert len(fake_api.requests) > asked  # what the limit cut was asked for alone
