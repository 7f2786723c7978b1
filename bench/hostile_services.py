"""Hostile services, timed: how long a run takes when Crossref, OpenAlex and doi.org misbehave.

Each case runs the real command line (``citelint check``, off-topic disabled) on a CSL-JSON list
of references to the recorded real works, against the fake services of ``tests/fakeapi.py`` made
to misbehave as issue #17 found them, with the product's own transport (no test shortcuts) and
the budgets given on the command line. It prints, per case, the wall time of the check, the exit
code, the statuses and the requests sent. The figures in docs/benchmarks.md come from this script.

    python bench/hostile_services.py                  # request budget 5 s (--request-budget)
    python bench/hostile_services.py --request-budget 60   # the defaults: about 12 times longer
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeapi import EXAMPLES, FakeAPI  # noqa: E402

from citelint.cli import main  # noqa: E402

SERVICES = ("crossref", "openalex", "doi")


def references(count: int) -> list[dict]:
    """``count`` CSL-JSON references: the recorded works, half with their DOIs, retitled apart."""
    works = [json.loads(p.read_text("utf-8"))["message"]
             for p in sorted((EXAMPLES / "crossref").glob("works_10.*.json"))]
    items = []
    for i in range(count):
        work = works[i % len(works)]
        item = {"id": f"r{i}", "type": "article-journal", "title": f"{work['title'][0]} {i}",
                "author": [{"family": a.get("family", ""), "given": a.get("given", "")}
                           for a in work.get("author", [])[:6]],
                "issued": work["issued"], "container-title": work["container-title"][0]}
        if i % 2 == 0:
            item["DOI"] = work["DOI"] if i < len(works) else f"10.5555/citelint.bench.{i}"
        items.append(item)
    return items


def _each_work(field: str, value: object) -> Callable[[object], object]:
    def change(data: object) -> object:
        message = data.get("message") if isinstance(data, dict) else None
        for work in [message, *(message or {}).get("items", [])] if isinstance(message,
                                                                                 dict) else []:
            if isinstance(work, dict) and "DOI" in work:
                work[field] = value
        return data
    return change


CASES: dict[str, Callable[[FakeAPI], None]] = {
    "healthy": lambda api: None,
    "no network (connection refused)": lambda api: None,  # the URLs point at a closed port
    "never answers": lambda api: [api.silent(s) for s in SERVICES],
    "one byte every 2 s": lambda api: [api.trickle(s, 2.0) for s in SERVICES],
    "Retry-After: 100 on every answer": lambda api: [
        api.always(s, 429, b"", "text/plain", {"Retry-After": "100"}) for s in SERVICES],
    "HTTP 403 on every answer": lambda api: [api.always(s, 403, b"Forbidden", "text/plain")
                                             for s in SERVICES],
    "503 on every answer": lambda api: [api.down(s) for s in SERVICES],
    "{} with 200 on every answer": lambda api: [api.always(s) for s in SERVICES],
    "records with 100,000 authors": lambda api: api.mutate("crossref", _each_work(
        "author", [{"family": f"Author{i}", "given": "A"} for i in range(100_000)])),
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_case(name: str, count: int, budget: float) -> dict:
    with tempfile.TemporaryDirectory() as scratch, FakeAPI.from_examples() as api:
        base = f"http://127.0.0.1:{closed_port()}" if name.startswith("no network") else api.url
        os.environ.update({"CITELINT_CROSSREF_URL": f"{base}/crossref",
                           "CITELINT_OPENALEX_URL": f"{base}/openalex",
                           "CITELINT_DOI_URL": f"{base}/doi"})
        CASES[name](api)
        manuscript = Path(scratch) / "references.json"
        manuscript.write_text(json.dumps(references(count)), "utf-8")
        out = Path(scratch) / "report.json"
        started = time.monotonic()
        with contextlib.redirect_stderr(io.StringIO()):
            code = main(["check", str(manuscript), "--format", "json", "--output", str(out),
                         "--cache-dir", str(Path(scratch) / "cache"), "--disable", "off-topic",
                         "--request-budget", str(budget)])
        seconds = time.monotonic() - started
        report = json.loads(out.read_text("utf-8"))
        api._stopping.set()  # release silent and trickling handlers
    return {"case": name, "seconds": round(seconds, 2), "exit": code,
            "statuses": dict(Counter(r["status"] for r in report["references"])),
            "requests": report["stats"].get("requests", {})}


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", type=int, default=60)
    parser.add_argument("--request-budget", type=float, default=5.0)
    parser.add_argument("--case", action="append", choices=list(CASES))
    args = parser.parse_args()
    for name in args.case or list(CASES):
        print(json.dumps(run_case(name, args.references, args.request_budget)), flush=True)


if __name__ == "__main__":
    main_bench()
