"""Cold online runs of the command line against the rate limits Crossref announced in 2026, with a
real network's latency, measured against the least time those limits allow.

The fake services (tests/fakeapi.py, on 127.0.0.1) answer each request after 0.3–0.8 s (uniform,
seeded) and enforce Crossref's limits per lane, with 429 + ``Retry-After: 1`` beyond them and the
limits announced in ``x-rate-limit-*`` headers:

- polite pool (``CITELINT_MAILTO`` set): single records 10/s and 3 in flight, lists (filters,
  searches) 3/s and 3 in flight;
- public pool: single records 5/s and 1 in flight, lists 1/s and 1 in flight.

Each run is the real ``citelint check`` command in a fresh process on a cold cache, over a
synthetic list (bench/bench_online.py's generator) of ``--references`` references of which about a
third cite their DOI. Reported per run: wall time ÷ bound, requests ÷ needed, 429s, and the time
from the last answer to the process's exit (definitions in docs/benchmarks.md, "Cold runs at the
rate-limit bound"). A last run points every service at a closed port (no network): its wall
time, and whether every reference came out ``unverified`` with one reason.

    .venv/bin/python bench/bench_coldrun.py [--pool polite|public|both] [--runs 3]
                                            [--references 60] [--citelint DIR]
                                            [--off-topic auto|tfidf|embedding]
                                            [--reports DIR] [--openalex-budget USD]

``--citelint DIR`` runs another checkout's citelint against the same fake (to compare with an
earlier commit); ``--reports DIR`` keeps each run's JSON report there (``POOL-SEED.json``), to
compare the findings of two checkouts. ``--openalex-budget USD`` runs with searches spread over
OpenAlex within that budget (and an API key for the fake): the table then also gives the
searches moved and what the run spent on OpenAlex, and the bound stays that of the requests a
perfect tool sends to Crossref alone (so spreading can take a run below 1.0). No traffic leaves
127.0.0.1 and the whole script is bounded by ``--timeout``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from bench_online import synthetic  # noqa: E402
from fakeapi import FakeAPI  # noqa: E402

LATENCY = (0.3, 0.5)  # least seconds, and the spread above it
MEAN_LATENCY = LATENCY[0] + LATENCY[1] / 2
DOI_BATCH = 25  # DOIs per Crossref filter request (citelint.sources.crossref.BATCH_SIZE)
# Crossref lanes: (requests per second, requests in flight)
POOLS = {"polite": {"single": (10, 3), "list": (3, 3), "mailto": "bench@example.org"},
         "public": {"single": (5, 1), "list": (1, 1), "mailto": None}}


def needed(refs: int, planted: dict[str, list[int]]) -> dict[str, int]:
    """The requests a perfect tool sends: one Crossref DOI batch per 25 cited DOIs, and one
    search per reference that does not cite its work's DOI (none cited, or a wrong one)."""
    cited = len(planted["cites-doi"])
    batches = math.ceil(cited / DOI_BATCH)
    searches = refs - cited + len(planted["doi-typo"])
    return {"list": batches + searches, "single": 0}


def lane_time(n: int, rate: int, in_flight: int) -> float:
    """The least time for ``n`` requests in a lane that starts at most ``rate`` a second and
    holds ``in_flight`` at once, each taking the mean latency."""
    if n == 0:
        return 0.0
    by_rate = (math.ceil(n / rate) - 1) * 1.0 + MEAN_LATENCY
    by_flight = math.ceil(n / in_flight) * MEAN_LATENCY
    return max(by_rate, by_flight)


def bound(need: dict[str, int], pool: dict[str, Any]) -> float:
    return max(lane_time(need[lane], *pool[lane]) for lane in ("single", "list"))


def environment(base: str, cache: Path, mailto: str | None, citelint: Path,
                budget: float = 0.0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CITELINT_") and k != "OPENALEX_API_KEY"}
    if budget:  # spreading needs a key; the fake's answers to keyed calls announce their cost
        env.update({"CITELINT_OPENALEX_BUDGET": str(budget),
                    "CITELINT_OPENALEX_API_KEY": "bench-key"})
    host = base.rsplit(":", 1)[1]  # Crossref at 127.0.0.1, the others at localhost
    env.update({"CITELINT_CROSSREF_URL": f"http://127.0.0.1:{host}/crossref",
                "CITELINT_OPENALEX_URL": f"http://localhost:{host}/openalex",
                "CITELINT_DOI_URL": f"http://localhost:{host}/doi",
                "CITELINT_CACHE_DIR": str(cache), "PYTHONPATH": str(citelint)})
    if mailto:
        env["CITELINT_MAILTO"] = mailto
    return env


def run_cli(path: Path, env: dict[str, str], folder: Path) -> tuple[float, float, dict]:
    """Start time, exit time and the JSON report of one ``citelint check`` process."""
    out = folder / "report.json"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "citelint", "check", str(path), "--format", "json",
                    "--output", str(out), "--fail-on", "never"], env=env, cwd=folder,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    ended = time.monotonic()
    return started, ended, json.loads(out.read_text("utf-8"))


def write_list(folder: Path, citations: list[str], method: str) -> Path:
    """The reference list, and a citelint.toml choosing the off-topic rule's method."""
    (folder / "citelint.toml").write_text(f'[options.off-topic]\nmethod = "{method}"\n',
                                         encoding="utf-8")
    path = folder / "references.txt"
    path.write_text("References\n\n" + "\n".join(citations) + "\n", encoding="utf-8")
    return path


def pool_fake(records: Any, pool: dict[str, Any], seed: int) -> FakeAPI:
    """The fake services holding ``records``, answering after the bench's latency and enforcing
    ``pool``'s limits on Crossref's two lanes (with 429 and ``Retry-After: 1`` beyond them)."""
    api = FakeAPI(records)
    api.latency(LATENCY[0], spread=LATENCY[1], seed=seed)
    for lane in ("single", "list"):
        rate, in_flight = pool[lane]
        api.rate_limit("crossref", limit=rate, interval=1.0, concurrency=in_flight,
                       retry_after=1, lane=lane)
    return api


def cold_run(pool_name: str, refs: int, seed: int, citelint: Path,
             method: str, reports: Path | None = None, budget: float = 0.0) -> dict[str, Any]:
    pool = POOLS[pool_name]
    records, citations, planted = synthetic(refs, seed=seed, cite_doi=1 / 3)
    need = needed(refs, planted)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = write_list(folder, citations, method)
        with pool_fake(records, pool, seed) as api:
            env = environment(api.url, folder / "cache", pool["mailto"], citelint, budget)
            started, ended, report = run_cli(path, env, folder)
            log = list(api.requests)
    if reports is not None:
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{pool_name}-{seed}.json").write_text(json.dumps(report, indent=1),
                                                          encoding="utf-8")
    last = max((r.answered for r in log), default=started)
    first = min((r.at for r in log), default=started)
    lanes = {lane: sum(r.service == "crossref" and _lane(r.path) == lane for r in log)
             for lane in ("single", "list")}
    wall = ended - started
    least = bound(need, pool)
    openalex = report.get("stats", {}).get("openalex", {})
    return {"pool": pool_name, "seed": seed, "refs": refs, "cited": len(planted["cites-doi"]),
            "requests": len(log), "needed": sum(need.values()),
            "crossref_list": lanes["list"], "crossref_single": lanes["single"],
            "openalex": sum(r.service == "openalex" for r in log),
            "doi": sum(r.service == "doi" for r in log),
            "http_429": sum(r.status == 429 for r in log),
            "wall": wall, "bound": least, "ratio": wall / least,
            "to_first_request": first - started, "after_last_answer": ended - last,
            "statuses": _count(r["status"] for r in report["references"]),
            "spent": openalex.get("spent_usd", 0.0),
            "moved": openalex.get("spread", {}).get("moved", 0),
            "refused": [(r.service, _lane(r.path), round(r.at - started, 2)) for r in log
                        if r.status == 429]}


def _lane(path: str) -> str:
    return "list" if path.rstrip("/") == "/works" else "single"


def _count(values: Any) -> dict[str, int]:
    counted: dict[str, int] = {}
    for value in values:
        counted[value] = counted.get(value, 0) + 1
    return dict(sorted(counted.items()))


def unreachable_run(refs: int, citelint: Path, method: str) -> dict[str, Any]:
    """Every service at a closed port: how long the run takes, and what it reports."""
    _, citations, _ = synthetic(refs, cite_doi=1 / 3)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = write_list(folder, citations, method)
        env = environment(f"http://127.0.0.1:{port}", folder / "cache", None, citelint)
        started, ended, report = run_cli(path, env, folder)
    references = report["references"]
    return {"refs": len(references), "wall": ended - started,
            "unverified": sum(r["status"] == "unverified" for r in references),
            "reasons": len({r.get("reason") for r in references})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", choices=[*POOLS, "both"], default="both")
    parser.add_argument("--runs", type=int, default=3, help="manuscripts (seeds) per pool")
    parser.add_argument("--references", type=int, default=60)
    parser.add_argument("--citelint", type=Path, default=ROOT,
                        help="the checkout whose citelint runs (default: this one)")
    parser.add_argument("--off-topic", choices=("auto", "tfidf", "embedding"), default="auto",
                        help="the off-topic rule's method (auto: embedding when installed)")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--reports", type=Path, help="keep each run's JSON report here")
    parser.add_argument("--openalex-budget", type=float, default=0.0, metavar="USD",
                        help="spread searches over OpenAlex within this budget (default: 0, off)")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"bench: gave up after {args.timeout} s"))
    signal.alarm(int(args.timeout))
    pools = list(POOLS) if args.pool == "both" else [args.pool]
    spread = " | searches moved | OpenAlex spend" if args.openalex_budget else ""
    print("| pool | seed | refs (DOIs cited) | requests (Crossref lists / singles, OpenAlex, "
          "doi.org) | needed | requests ÷ needed | 429s | wall | bound | wall ÷ bound "
          f"| first request after | exit after last answer | verdicts{spread} |")
    print("|" + "---|" * (15 if spread else 13))
    for pool in pools:
        for seed in range(20261130, 20261130 + args.runs):
            r = cold_run(pool, args.references, seed, args.citelint.resolve(), args.off_topic,
                         args.reports, args.openalex_budget)
            moved = f" {r['moved']} | ${r['spent']:.4f} |" if spread else ""
            print(f"| {r['pool']} | {r['seed']} | {r['refs']} ({r['cited']}) | {r['requests']} "
                  f"({r['crossref_list']} / {r['crossref_single']}, {r['openalex']}, "
                  f"{r['doi']}) | {r['needed']} | {r['requests'] / r['needed']:.2f} | "
                  f"{r['http_429']} | {r['wall']:.1f} s | {r['bound']:.1f} s | "
                  f"{r['ratio']:.2f} | {r['to_first_request']:.2f} s | "
                  f"{r['after_last_answer']:.2f} s | {r['statuses']} |{moved}", flush=True)
            if r["refused"]:
                print(f"<!-- 429s (service, lane, seconds after start): {r['refused']} -->")
    down = unreachable_run(args.references, args.citelint.resolve(), args.off_topic)
    print(f"\nNo network ({down['refs']} references, every service at a closed port): "
          f"{down['wall']:.2f} s; {down['unverified']} unverified; {down['reasons']} distinct "
          "reason(s).")
    signal.alarm(0)


if __name__ == "__main__":
    main()
