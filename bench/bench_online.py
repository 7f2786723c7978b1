"""Benchmark the real pipeline (``citelint.check``) online, against the fake Crossref + OpenAlex +
doi.org server of the tests, with ~100 ms latency per response and Crossref's rate limits.

Two manuscripts: the seed (fixtures/seed/manuscript.txt, 70 references, none citing a DOI) and a
synthetic list of 500 references generated deterministically from word lists (about 70 % citing
their DOI, 30 % not, a tenth of the works known to OpenAlex only, and a few planted errors: DOI
typos, fabricated references, article numbers cited as page ranges). For each it reports HTTP
requests per reference, OpenAlex list and search calls, cold wall time against the lower bound the
rate limit allows, warm-cache time, and peak traced memory, as a Markdown table.

Pools (Crossref's limits since 1 December 2025, which it sets apart for single records and for
lists of records, i.e. queries and filters): ``public`` (default, no mailto): single records
5 requests/s, lists 1 request/s, 1 in flight each; ``polite`` (``--pool polite`` sets
CITELINT_MAILTO): single records 10/s, lists 3/s, 3 in flight each. The fake enforces each limit
with 429s and announces it in ``x-rate-limit-*`` headers, as Crossref does.

Settings reach citelint only through the ``CITELINT_*`` variables, as in a user's shell. OpenAlex
and doi.org are addressed as ``localhost`` and Crossref as ``127.0.0.1`` (both the same loopback
server), so the transport paces them as the separate hosts they are in reality. No traffic leaves
127.0.0.1; every run is bounded (``--timeout``, default 600 s) and the script exits by itself.

    .venv/bin/python bench/bench_online.py [--pool public|polite] [--references 500]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's citelint, not an installed one

from fakeapi import FakeAPI, openalex_from_crossref  # noqa: E402

from citelint import check  # noqa: E402
from citelint.models import Report  # noqa: E402

SEED = ROOT / "fixtures" / "seed"
LATENCY = 0.1
# per lane: (requests per second, requests in flight)
POOLS = {"public": {"single": (5, 1), "list": (1, 1), "mailto": None},
         "polite": {"single": (10, 3), "list": (3, 3), "mailto": "bench@example.org"}}

ADJECTIVES = ("adipose-derived", "allogeneic", "autologous", "bone marrow", "hypoxic",
              "umbilical", "engineered", "primed", "senescent", "quiescent", "three-dimensional",
              "cryopreserved")
SUBJECTS = ("mesenchymal stromal cells", "keratinocytes", "dermal fibroblasts", "macrophages",
            "endothelial progenitors", "exosomes", "conditioned medium", "secretome", "hydrogels",
            "collagen scaffolds", "platelet lysate", "extracellular vesicles")
VERBS = ("accelerate", "modulate", "restore", "attenuate", "enhance", "promote", "suppress",
         "reprogram")
OUTCOMES = ("wound closure", "angiogenesis", "scar formation", "re-epithelialization",
            "inflammation", "collagen deposition", "hair follicle regeneration", "burn healing",
            "diabetic ulcer repair", "fibrosis", "neovascularization", "graft survival")
MODELS = ("in diabetic mice", "in a porcine model", "in vitro", "in rats", "in humans",
          "in a randomised trial", "ex vivo", "in rabbits")
SYLLABLES = ("ka", "lo", "mi", "ra", "ve", "zu", "te", "no")
SURNAMES = ("Smith", "Garcia", "Chen", "Kowalski", "Okafor", "Lindqvist", "Tanaka", "Moreau",
            "Rossi", "Haddad", "Novak", "Silva", "Kim", "Nguyen", "Schmidt", "Ivanova", "Patel",
            "Dubois", "Jensen", "Yilmaz", "Costa", "Murphy", "Sato", "Fischer")
JOURNALS = (("Stem Cell Research & Therapy", "Stem Cell Res Ther"),
            ("Wound Repair and Regeneration", "Wound Repair Regen"),
            ("Journal of Investigative Dermatology", "J Invest Dermatol"),
            ("Biomaterials", "Biomaterials"), ("Cytotherapy", "Cytotherapy"),
            ("Tissue Engineering Part A", "Tissue Eng Part A"),
            ("Burns", "Burns"), ("Experimental Dermatology", "Exp Dermatol"))


def synthetic(count: int, seed: int = 20260501,
              cite_doi: float = 0.7) -> tuple[list[dict[str, Any]], list[str], dict]:
    """Records to serve, citations to check, and what was planted (indexes by kind).

    About ``cite_doi`` of the references cite a DOI, a tenth are of works OpenAlex alone knows
    (no DOI), the others cite no DOI."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    citations: list[str] = []
    planted: dict[str, list[int]] = {"doi-typo": [], "fabricated": [], "article-number": [],
                                     "openalex-only": [], "cites-doi": []}
    for n in range(count):
        index = n + 1
        compound = "".join(SYLLABLES[(n >> (3 * k)) & 7] for k in range(3)) + "ctin"
        title = (f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(SUBJECTS)} primed with "
                 f"{compound} {rng.choice(VERBS)} {rng.choice(OUTCOMES)} {rng.choice(MODELS)}")
        authors = [{"family": rng.choice(SURNAMES), "given": rng.choice("ABCDEFGHJKLMNPRST")
                    + rng.choice(["", "A", "J", "M"])} for _ in range(rng.randint(1, 6))]
        journal, abbrev = rng.choice(JOURNALS)
        year, volume = rng.randint(2005, 2024), str(rng.randint(5, 60))
        first = rng.randint(1, 2000)
        work = {"DOI": f"10.5555/synth.{n:04d}", "type": "journal-article", "title": [title],
                "author": authors, "container-title": [journal],
                "short-container-title": [abbrev], "issued": {"date-parts": [[year]]},
                "volume": volume, "issue": str(rng.randint(1, 12))}
        article_number = n % 50 == 7
        if article_number:
            work["article-number"] = str(first)
            pages = f"{first}-{first + rng.randint(8, 15)}"  # an article number cited as pages
            planted["article-number"].append(index)
        else:
            pages = f"{first}-{first + rng.randint(5, 14)}"
            work["page"] = pages
        names = ", ".join(f"{a['family']} {a['given']}" for a in authors)
        text = f"{names}. {title}. {abbrev} {year}; {volume}:{pages}."
        roll = rng.random()
        if n % 100 == 42:  # fabricated: cited, never served
            planted["fabricated"].append(index)
        elif roll < cite_doi:
            doi = work["DOI"]
            if n % 100 == 13:
                doi = doi[:-1] + str((int(doi[-1]) + 1) % 10) + "0"  # registered nowhere
                planted["doi-typo"].append(index)
            text += f" doi:{doi}"
            planted["cites-doi"].append(index)
            records.append(work)
        elif roll < cite_doi + 0.1:
            oa = openalex_from_crossref(work)
            oa["doi"], oa["ids"] = None, {"openalex": oa["id"]}
            records.append(oa)
            planted["openalex-only"].append(index)
        else:
            records.append(work)
        citations.append(f"{index}. {text}")
    return records, citations, planted


def _fake(records: list[dict[str, Any]], pool: dict[str, Any]) -> FakeAPI:
    api = FakeAPI(records).start()
    api._server.RequestHandlerClass.disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls
    api.latency(LATENCY)
    for lane in ("single", "list"):
        limit, in_flight = pool[lane]
        api.rate_limit("crossref", limit=limit, interval=1.0, concurrency=in_flight,
                       retry_after=1, lane=lane)
    return api


def _environment(api: FakeAPI, cache: Path, pool: dict[str, Any]) -> None:
    for name in ("CITELINT_OPENALEX_API_KEY", "OPENALEX_API_KEY", "CITELINT_OFFLINE",
                 "CITELINT_MAILTO", "CITELINT_CONFIG"):
        os.environ.pop(name, None)
    port = api.url.rsplit(":", 1)[1]
    os.environ.update({"CITELINT_CROSSREF_URL": f"http://127.0.0.1:{port}/crossref",
                       "CITELINT_OPENALEX_URL": f"http://localhost:{port}/openalex",
                       "CITELINT_DOI_URL": f"http://localhost:{port}/doi",
                       "CITELINT_CACHE_DIR": str(cache)})
    if pool["mailto"]:
        os.environ["CITELINT_MAILTO"] = pool["mailto"]


def _findings(report: Report) -> list[tuple[int, str, str]]:
    return sorted((r.reference.index, r.status, f.rule) for r in report.results
                  for f in r.findings)


def measure(name: str, manuscript: Path, records: list[dict[str, Any]],
            pool: dict[str, Any]) -> dict[str, Any]:
    cache = Path(tempfile.mkdtemp(prefix="citelint-bench-"))
    api = _fake(records, pool)
    try:
        _environment(api, cache, pool)
        started = time.monotonic()
        cold = check(manuscript)
        cold_seconds = time.monotonic() - started
        log = list(api.requests)
        api.clear_log()
        tracemalloc.start()  # the warm run makes no request, so only citelint is traced
        started = time.monotonic()
        warm = check(manuscript)
        warm_seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        warm_requests = len(api.requests)
    finally:
        api.stop()
        shutil.rmtree(cache, ignore_errors=True)
    refs = len(cold.results)
    crossref = sum(r.service == "crossref" for r in log)
    # each Crossref lane admits `limit` per second and `in_flight` at once, each taking LATENCY
    bound = 0.0
    for lane in ("single", "list"):
        limit, in_flight = pool[lane]
        n = sum(r.service == "crossref" and (r.path.rstrip("/") == "/works") == (lane == "list")
                for r in log)
        bound = max(bound, (n - limit) / limit, n * LATENCY / in_flight)
    statuses = [r.status for r in cold.results]
    return {
        "manuscript": name, "references": refs,
        "requests": len(log), "per_reference": len(log) / refs,
        "crossref": crossref, "openalex": sum(r.service == "openalex" for r in log),
        "doi": sum(r.service == "doi" for r in log),
        "openalex_list": sum(r.service == "openalex" and "filter" in r.query for r in log),
        "openalex_search": sum(r.service == "openalex" and "search" in r.query for r in log),
        "crossref_search": sum(r.service == "crossref" and "query.bibliographic" in r.query
                               for r in log),
        "crossref_list": sum(r.service == "crossref" and "filter" in r.query for r in log),
        "http_429": sum(r.status == 429 for r in log),
        "cold_s": cold_seconds, "bound_s": bound, "warm_s": warm_seconds,
        "warm_requests": warm_requests, "peak_mib": peak / 2**20,
        "same_findings": _findings(cold) == _findings(warm),
        "statuses": {s: statuses.count(s) for s in sorted(set(statuses))},
        "fired": {(r.reference.index, f.rule) for r in cold.results for f in r.findings},
    }


def table(rows: list[dict[str, Any]], pool_name: str) -> str:
    pool = POOLS[pool_name]
    head = ("| manuscript | refs | HTTP requests (Crossref / OpenAlex / doi.org) | requests/ref "
            "| OpenAlex list / search calls | Crossref DOI batches / searches | 429s "
            "| cold wall time "
            "| rate-limit lower bound | warm-cache time (requests) | peak traced memory |")
    lanes = "; ".join(f"{lane} {pool[lane][0]}/s, {pool[lane][1]} in flight"
                      for lane in ("single", "list"))
    lines = [f"Pool: {pool_name} (Crossref {lanes}), {LATENCY * 1000:.0f} ms latency per "
             "response.", "", head,
             "|" + "---|" * 11]
    for r in rows:
        lines.append(
            f"| {r['manuscript']} | {r['references']} | {r['requests']} ({r['crossref']} / "
            f"{r['openalex']} / {r['doi']}) | {r['per_reference']:.2f} | {r['openalex_list']} / "
            f"{r['openalex_search']} | {r['crossref_list']} / {r['crossref_search']} | "
            f"{r['http_429']} | "
            f"{r['cold_s']:.1f} s | {r['bound_s']:.1f} s | {r['warm_s']:.2f} s "
            f"({r['warm_requests']}) | {r['peak_mib']:.1f} MiB |")
    lines.append("")
    for r in rows:
        same = "same findings" if r["same_findings"] else "DIFFERENT findings"
        lines.append(f"- {r['manuscript']}: verdicts {r['statuses']}; warm run: {same}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", choices=sorted(POOLS), default="public")
    parser.add_argument("--references", type=int, default=500,
                        help="size of the synthetic list (0 skips it)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="abort the whole benchmark after this many seconds")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"bench: gave up after {args.timeout} s"))
    signal.alarm(int(args.timeout))
    pool = POOLS[args.pool]
    seed_records = [json.loads(line) for line in
                    (SEED / "snapshot.jsonl").read_text("utf-8").splitlines() if line.strip()]
    # The manuscripts are checked from a temporary folder, as a user's would be: the repository's
    # fixtures/citelint.toml (snapshot, offline) must not apply.
    with tempfile.TemporaryDirectory() as folder:
        seed = Path(folder) / "manuscript.txt"
        shutil.copyfile(SEED / "manuscript.txt", seed)
        rows = [measure("seed (fixtures/seed/manuscript.txt)", seed, seed_records, pool)]
        if args.references:
            records, citations, planted = synthetic(args.references)
            path = Path(folder) / "synthetic.txt"
            path.write_text("References\n\n" + "\n".join(citations) + "\n", encoding="utf-8")
            row = measure(f"synthetic ({args.references} refs)", path, records, pool)
            row["planted"] = planted
            rows.append(row)
    signal.alarm(0)
    print(table(rows, args.pool))
    for row in rows:
        if "planted" in row:
            print(f"- synthetic list: { {k: len(v) for k, v in row['planted'].items()} }")
            print(f"- planted errors found: {detection(row['fired'], row['planted'])}")


def detection(fired: set[tuple[int, str]], planted: dict[str, list[int]]) -> str:
    """Planted errors the cold run reported, and findings on references with nothing planted."""
    expect = {"doi-typo": "doi-not-found", "fabricated": "reference-not-found",
              "article-number": "pages-article-number"}
    parts = []
    for kind, rule in expect.items():
        hits = sum((index, rule) in fired for index in planted[kind])
        parts.append(f"{rule} {hits}/{len(planted[kind])}")
    seeded = {i for kind in expect for i in planted[kind]}
    stray = sorted({rule for index, rule in fired if index not in seeded and rule != "doi-missing"})
    return ", ".join(parts) + f"; other rules fired elsewhere: {stray or 'none'}"


if __name__ == "__main__":
    main()
