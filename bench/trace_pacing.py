"""How late Crossref requests reach the fake after citelint's pacer let them go: one cold run of
the real command (as in bench/bench_coldrun.py), traced request by request.

For each Crossref request it pairs three clocks (``time.monotonic``, shared by the processes of
one machine): when the pacer let it start (``acquire``), when its bytes were written (the moment
the transport tells the pacer, ``LanePacer.sent``), and when the fake saw it arrive. It reports,
per lane, the delay from writing to arrival for the requests that opened a connection (the
first ``concurrency`` of the lane) and for the others, and the least slack of any window: how
much longer than the interval the fake saw between a request and the one ``limit`` requests
later (a negative slack is a 429). ``--hogs N`` keeps N busy processes running beside it (load).

    .venv/bin/python bench/trace_pacing.py [--pool polite|public] [--seed 20261131] [--hogs 0]

The tracing is done by a wrapper around the command (this file, run with ``--wrap``), which
patches the transport's connections to note each request's URL and times; citelint itself is
not changed. No traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]


def _wrap(trace: str, argv: list[str]) -> None:
    """Run ``citelint argv`` noting, for every request written, its URL and pacer times."""
    import atexit
    import runpy

    from citelint.sources import pacing, transport

    noted: list[dict[str, Any]] = []
    mine = threading.local()
    acquire = pacing.LanePacer.acquire

    def acquiring(self: pacing.LanePacer) -> None:
        acquire(self)
        mine.acquired = time.monotonic()

    def requesting(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        super(transport._NotingConnection, self).request(method, url, *args, **kwargs)
        noted.append({"url": url, "acquired": getattr(mine, "acquired", None),
                      "sent": time.monotonic()})
        transport._on_the_wire()

    pacing.LanePacer.acquire = acquiring  # type: ignore[method-assign]
    transport._NotingConnection.request = requesting  # type: ignore[method-assign]
    atexit.register(lambda: Path(trace).write_text(json.dumps(noted), encoding="utf-8"))
    sys.argv = ["citelint", *argv]
    runpy.run_module("citelint", run_name="__main__")


def _key(service: str, path: str, query: dict[str, str]) -> tuple[Any, ...]:
    return (service, path, tuple(sorted((k, v) for k, v in query.items() if k != "mailto")))


def _hog(stop: Any) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def trace(pool_name: str, seed: int, refs: int, hogs: int) -> dict[str, Any]:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]
    from bench_coldrun import POOLS, environment, pool_fake, write_list
    from bench_online import synthetic
    from fakeapi import _lane

    pool = POOLS[pool_name]
    records, citations, _ = synthetic(refs, seed=seed, cite_doi=1 / 3)
    stop = multiprocessing.Event()
    workers = [multiprocessing.Process(target=_hog, args=(stop,), daemon=True)
               for _ in range(hogs)]
    for worker in workers:
        worker.start()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            path = write_list(folder, citations, "tfidf")
            with pool_fake(records, pool, seed) as api:
                env = environment(api.url, folder / "cache", pool["mailto"], ROOT)
                subprocess.run([sys.executable, __file__, "--wrap", str(folder / "trace.json"),
                                "check", str(path), "--format", "json", "--output",
                                str(folder / "report.json"), "--fail-on", "never"],
                               env=env, cwd=folder, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
                log = list(api.requests)
            noted = json.loads((folder / "trace.json").read_text("utf-8"))
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    sent: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for note in noted:
        parts = urlsplit(note["url"])
        service, _, rest = parts.path.lstrip("/").partition("/")
        key = _key(service, unquote("/" + rest), dict(parse_qsl(parts.query,
                                                                keep_blank_values=True)))
        sent.setdefault(key, []).append(note)
    out: dict[str, Any] = {"pool": pool_name, "seed": seed, "hogs": hogs,
                           "429s": sum(r.status == 429 for r in log)}
    for lane in ("list", "single"):
        rate, in_flight = pool[lane]
        rows = []
        for rec in sorted((r for r in log if r.service == "crossref"
                           and _lane("crossref", r.path) == lane), key=lambda r: r.at):
            notes = sent.get(_key("crossref", rec.path, rec.query))
            if notes:
                note = notes.pop(0)
                start = max(note["sent"], note["acquired"] or note["sent"])
                rows.append((rec.at, rec.at - note["sent"], start - (note["acquired"] or start)))
        if not rows:
            continue
        opening = [d for _, d, _ in rows[:in_flight]]
        others = [d for _, d, _ in rows[in_flight:]]
        arrivals = [a for a, _, _ in rows]
        slack = [arrivals[i + rate] - arrivals[i] - 1.0 for i in range(len(arrivals) - rate)]
        out[lane] = {
            "requests": len(rows),
            "opening ms (write to arrival)": [round(d * 1000, 1) for d in opening],
            "others ms median/p90/max": [round(x * 1000, 1) for x in (
                statistics.median(others), sorted(others)[int(0.9 * (len(others) - 1))],
                max(others))] if others else None,
            "acquire to write ms max": round(max(w for _, _, w in rows) * 1000, 1),
            "least window slack ms": round(min(slack) * 1000, 1) if slack else None,
            "first windows' slack ms": [round(s * 1000, 1) for s in slack[:in_flight]]}
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--wrap":
        return _wrap(sys.argv[2], sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", choices=("polite", "public"), default="polite")
    parser.add_argument("--seed", type=int, default=20261131)
    parser.add_argument("--references", type=int, default=60)
    parser.add_argument("--hogs", type=int, default=0, help="busy processes beside the run")
    args = parser.parse_args()
    print(json.dumps(trace(args.pool, args.seed, args.references, args.hogs), indent=1))


if __name__ == "__main__":
    main()
