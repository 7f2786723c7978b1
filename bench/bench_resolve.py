"""Benchmark the online sources against the fake API: ~100 ms latency, a 5 req/s Crossref limit.

It replays the resolver's call pattern on a synthetic reference list (one ``works_by_doi`` batch
per source, then ``search`` per unresolved reference, Crossref first, OpenAlex last) and prints
requests per reference, OpenAlex calls by kind, wall time against the rate-limit lower bound, and
the time of a second, warm-cache run. It does not measure matching quality and needs no network.

    /work/venv/bin/python bench/bench_resolve.py [--references 40]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakeapi import FakeAPI  # noqa: E402

from citelint.models import Reference  # noqa: E402
from citelint.sources.crossref import CrossrefSource  # noqa: E402
from citelint.sources.openalex import OpenAlexSource  # noqa: E402
from citelint.sources.transport import Transport  # noqa: E402

WORDS = ("keratinocyte fibroblast exosome secretome angiogenesis collagen hydrogel scaffold "
         "macrophage cytokine migration proliferation wound healing dermal regeneration").split()


def synthetic_work(n: int) -> dict:
    title = " ".join(WORDS[(n * k) % len(WORDS)] for k in (1, 3, 5, 7)) + f" study {n}"
    return {"DOI": f"10.5555/bench.{n}", "title": [title], "type": "journal-article",
            "author": [{"family": f"Author{n}", "given": "A"}],
            "container-title": ["Journal of Benchmarks"], "issued": {"date-parts": [[2020]]},
            "volume": str(n), "page": f"{n}-{n + 9}"}


def references(count: int) -> list[Reference]:
    refs = []
    for n in range(count):
        work = synthetic_work(n)
        raw = f"Author{n} A. {work['title'][0]}. J Bench 2020;{n}:{n}-{n + 9}."
        refs.append(Reference(n + 1, raw, title=work["title"][0],
                              doi=work["DOI"] if n % 2 == 0 else None))
    return refs


def run(refs: list[Reference], cache_dir: str, api: FakeAPI) -> dict:
    transport = Transport(cache_dir=cache_dir, backoff=0.2, max_backoff=2.0)
    crossref = CrossrefSource(transport, f"{api.url}/crossref")
    openalex = OpenAlexSource(transport, f"{api.url}/openalex")
    started = time.monotonic()
    dois = [r.doi for r in refs if r.doi]
    resolved = set(crossref.works_by_doi(dois)) | set(openalex.works_by_doi(dois))
    for ref in refs:
        if ref.doi in resolved:
            continue
        if not crossref.search(ref, rows=5):
            openalex.search(ref, rows=5)
    return {"seconds": time.monotonic() - started, "stats": transport.stats(),
            "openalex": openalex.stats()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", type=int, default=40)
    args = parser.parse_args()
    refs = references(args.references)
    with FakeAPI([synthetic_work(n) for n in range(args.references)]) as api, \
            tempfile.TemporaryDirectory() as cache:
        api.latency(0.1)
        api.rate_limit("crossref", limit=5, interval=1.0, concurrency=1)
        cold = run(refs, cache, api)
        warm = run(refs, cache, api)
        crossref_requests = cold["stats"]["requests"].get("crossref", 0)
        total = sum(cold["stats"]["requests"].values())
        print(f"references:               {len(refs)}")
        print(f"HTTP requests/reference:  {total / len(refs):.2f}  ({cold['stats']['requests']})")
        print(f"OpenAlex calls:           {cold['openalex']}")
        print(f"429s from the rate limit: {api.rejected_by_rate_limit}")
        print(f"cold wall time:           {cold['seconds']:.2f} s  (Crossref limit lower bound "
              f"{max(0, crossref_requests - 1) / 5:.2f} s)")
        print(f"warm-cache wall time:     {warm['seconds']:.3f} s  "
              f"({sum(warm['stats']['requests'].values())} requests, "
              f"{warm['stats']['cache_hits']} cache hits)")


if __name__ == "__main__":
    main()
