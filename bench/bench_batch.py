"""citelint batch over many synthetic manuscripts, offline against a local index: references per
second per worker, with the local engine and with 1 and 2 dask workers.

Writes a deterministic synthetic data file (bench/synthetic.py) in Crossref's format, builds an
index of it (citelint index build), writes ``--manuscripts`` numbered lists of ``--references``
references citing those works, and runs ``citelint batch --offline --index`` over them, each run
into a fresh output directory. Prints wall seconds, references per second, and references per
second per worker. Figures: docs/benchmarks.md (section "Batch").

    python bench/bench_batch.py                          # 10,000 manuscripts of 40 references
    python bench/bench_batch.py --manuscripts 1000 --engines local dask1
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manuscripts", type=int, default=10_000)
    parser.add_argument("--references", type=int, default=40)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=["local", "dask1", "dask2"],
                        choices=["local", "dask1", "dask2"])
    parser.add_argument("--keep", type=Path, help="keep the data, index and lists here")
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
        print(f"index of {len(works):,} works built in {time.monotonic() - started:.1f} s")
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
    total = args.manuscripts * args.references
    print(f"{args.manuscripts:,} manuscripts of {args.references} references "
          f"({total:,} references), offline against the index")
    for name in args.engines:
        out = folder / f"out-{name}"
        shutil.rmtree(out, ignore_errors=True)
        workers = 1 if name in ("local", "dask1") else 2
        if name == "local":
            engine = local_engine
            client = None
        else:
            from distributed import Client, LocalCluster

            from citelint.distributed import dask_engine

            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
            engine = dask_engine(client=client)
        started = time.monotonic()
        result = run_batch(inputs, out, Checker(config), engine)
        seconds = time.monotonic() - started
        if client is not None:
            client.close()
            cluster.close()
        rate = total / seconds
        print(f"  {name:<6} {workers} worker(s): {seconds:8.1f} s, {rate:8.0f} refs/s, "
              f"{rate / workers:8.0f} refs/s per worker; {result.rows:,} rows, "
              f"{len(result.failed)} failed")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
