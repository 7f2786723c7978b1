"""citelint batch --engine dask, on a small dask.distributed LocalCluster (two workers of one
thread: this machine has two cores): the same findings as the local engine, a worker that dies
loses no manuscript, and two workers online together keep to the rate the service announces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakeapi import FakeAPI
from test_batch import FORMATS, SEED, corpus_rows, outcome, outcome_of_rows, split_seed

from citelint.api import check
from citelint.batch import Checker, job_for, local_engine, run_batch
from citelint.config import Config, resolve_config

distributed = pytest.importorskip("distributed")

from citelint.distributed import dask_engine  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as connected:
        yield connected


def offline_checker() -> Checker:
    config = Config()
    config.snapshots, config.offline = [SEED / "snapshot.jsonl"], True
    return Checker(config)


def per_manuscript(out: Path) -> dict[str, dict]:
    found: dict[str, list] = {}
    for row in corpus_rows(out):
        found.setdefault(row["manuscript"], []).append(row)
    return {k: outcome_of_rows(v) for k, v in found.items()}


def test_dask_batch_gives_the_findings_of_the_local_batch(client, tmp_path):
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", *split_seed(tmp_path)]
    run_batch(inputs, tmp_path / "local", offline_checker(), local_engine)
    result = run_batch(inputs, tmp_path / "dask", offline_checker(), dask_engine(client=client))
    assert (result.checked, result.failed) == (len(inputs), {})
    assert per_manuscript(tmp_path / "dask") == per_manuscript(tmp_path / "local")
    assert len(per_manuscript(tmp_path / "dask")) == len(inputs)


class DiesOnce(Checker):
    """Kills its worker process the first time it meets the marked manuscript."""

    def check(self, job):
        marker = Path(job.path).with_suffix(".died")
        if job.path.endswith("first.txt") and not marker.exists():
            marker.write_text("died here once", encoding="utf-8")
            os._exit(1)  # the worker process dies mid-task, as an out-of-memory kill would
        return super().check(job)


def test_a_worker_that_dies_loses_no_manuscript(client, tmp_path):
    inputs = [FORMATS / "refs.bib", FORMATS / "refs.ris", *split_seed(tmp_path)]
    config = offline_checker().config
    result = run_batch(inputs, tmp_path / "out", DiesOnce(config), dask_engine(client=client))
    assert (tmp_path / "first.died").exists()  # a worker did die
    assert (result.checked, result.failed) == (len(inputs), {})
    rows = corpus_rows(tmp_path / "out")
    assert {r["manuscript"] for r in rows} == {job_for(p).id for p in inputs}
    keys = [(r["manuscript"], r["reference"], r["rule"], r["message"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_two_workers_online_keep_to_the_announced_rate(client, fake_api: FakeAPI, tmp_path):
    fake_api.load_jsonl(SEED / "snapshot.jsonl")
    fake_api.rate_limit("crossref", limit=4, interval=1.0, lane="list", retry_after=1)
    fake_api.rate_limit("crossref", limit=4, interval=1.0, lane="single", retry_after=1)
    inputs = split_seed(tmp_path)
    config = resolve_config(inputs[0])
    result = run_batch(inputs, tmp_path / "out", Checker(config), dask_engine(client=client))
    assert result.failed == {}
    crossref = sorted(r.at for r in fake_api.requests if r.service == "crossref")
    assert len(crossref) > 8  # enough requests to run into the limit
    assert fake_api.rejected_by_rate_limit == 0
    rows = corpus_rows(tmp_path / "out")
    for path in inputs:
        alone = check(path, config=resolve_config(path))
        mine = [r for r in rows if r["manuscript"] == job_for(path).id]
        assert outcome_of_rows(mine) == outcome(alone.results), path.name
