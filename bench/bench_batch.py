"""citelint batch over many synthetic manuscripts, offline against a local index: references per
second per worker, with the local engine and with 1 and 2 dask workers.

Writes a deterministic synthetic data file (bench/synthetic.py) in Crossref's format, builds an
index of it (citelint index build), writes ``--manuscripts`` numbered lists of ``--references``
references citing those works, and runs ``citelint batch --offline --index`` over them, each run
into a fresh output directory. Prints wall seconds, references per second, and references per
second per worker. While a run goes, a line every ``--every`` seconds gives the rate so far (and
the load average), so a run stopped before its end still gives a measured figure. Figures:
docs/benchmarks.md (section "Batch").

    python bench/bench_batch.py                          # 10,000 manuscripts of 40 references
    python bench/bench_batch.py --manuscripts 1000 --engines local dask1
    python bench/bench_batch.py --off-topic embedding    # the off-topic rule's model included
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

from citelint.batch import Checker, local_engine, run_batch  # noqa: E402
from citelint.config import Config  # noqa: E402
from citelint.index import build  # noqa: E402


class Progress:
    """run_batch's progress callback: prints the rate so far every ``every`` seconds."""

    def __init__(self, name: str, workers: int, references: int, every: float,
                 started: float) -> None:
        self.name, self.workers, self.references = name, workers, references
        self.every, self.started, self.last = every, started, started

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last, seconds = now, max(now - self.started, 1e-9)
        rate = done * self.references / seconds
        print(f"  {self.name:<6} {done:,}/{total:,} manuscripts after {seconds:8.1f} s: "
              f"{rate:6.0f} refs/s, {rate / self.workers:6.0f} per worker; load average "
              + " ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manuscripts", type=int, default=10_000)
    parser.add_argument("--references", type=int, default=40)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=["local", "dask1", "dask2"],
                        choices=["local", "dask1", "dask2"])
    parser.add_argument("--keep", type=Path, help="keep the data, index and lists here")
    parser.add_argument("--off-topic", choices=["tfidf", "embedding", "off"], default="tfidf",
                        help="the off-topic rule's method (default tfidf, as bench_index.py; "
                        "the embedding model dominates the time when chosen)")
    parser.add_argument("--every", type=float, default=60.0,
                        help="seconds between progress lines (default 60)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="citelint-batch-"))
    folder.mkdir(parents=True, exist_ok=True)
    data, index, lists = folder / "works.jsonl", folder / "works.idx", folder / "lists"
    works = list(synthetic.works(args.works))
    if not data.exists():
        data.write_text("".join(json.dumps(w) + "\n" for w in works), encoding="utf-8")
    if not index.exists():
        started = time.monotonic()
        build([data], index)
        print(f"index of {len(works):,} works built in {time.monotonic() - started:.1f} s",
              flush=True)
    missing = list(synthetic.works(max(len(works) // 50, 1), seed=10_003))
    lists.mkdir(exist_ok=True)
    inputs = []
    for m in range(args.manuscripts):
        path = lists / f"ms{m:06d}.txt"
        if not path.exists():
            path.write_text(synthetic.numbered(synthetic.reference_list(
                works, args.references, 3_000_017 * m + 3, missing), f"Manuscript {m}"),
                encoding="utf-8")
        inputs.append(path)
    config = Config()
    config.offline, config.index = True, index
    if args.off_topic == "off":
        config.disable = set(config.disable) | {"off-topic"}
    else:
        config.options = {"off-topic": {"method": args.off_topic}}
    total = args.manuscripts * args.references
    print(f"{args.manuscripts:,} manuscripts of {args.references} references "
          f"({total:,} references), offline against the index"
          + f", off-topic: {args.off_topic}", flush=True)
    for name in args.engines:
        out = folder / f"out-{name}"
        shutil.rmtree(out, ignore_errors=True)
        workers = 1 if name in ("local", "dask1") else 2
        if name == "local":
            engine = local_engine
            client = None
        else:
            from citelint.distributed import dask_engine, local_client

            client = local_client(n_workers=workers, threads_per_worker=1)
            engine = dask_engine(client=client)
        started = time.monotonic()
        progress = Progress(name, workers, args.references, args.every, started)
        result = run_batch(inputs, out, Checker(config), engine, progress=progress)
        seconds = time.monotonic() - started
        if client is not None:
            client.shutdown()  # and its cluster
        rate = total / seconds
        print(f"  {name:<6} {workers} worker(s): {seconds:8.1f} s, {rate:8.0f} refs/s, "
              f"{rate / workers:8.0f} refs/s per worker; {result.rows:,} rows, "
              f"{len(result.failed)} failed", flush=True)
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
