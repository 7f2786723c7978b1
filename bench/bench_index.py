"""Measure the local index (citelint.index): build rate, size, look-up and search latency, and
offline checking against it end to end.

1. Writes a deterministic synthetic data file set in Crossref's Public Data File format
   (gzipped ``{"items": [...]}`` files, 5,000 works each; ``--works``, default 10^6) into a
   temporary folder: generated from a fixed seed, never stored in the repository. Titles are
   drawn from a Zipf-distributed vocabulary of pseudo-words, so common title words are as
   common as in real titles; authors, journals, years, volumes and pages likewise.
2. Builds the index from it (``citelint.index.build``): works/s, bytes per work, peak RSS.
3. Looks up random DOIs one at a time, and searches for random works by citations without a
   DOI (title with one word misspelt, first authors, year): latency p50/p99, and how often the
   right work comes first.
4. Checks synthetic manuscripts whose references come from the index with ``citelint.check``
   offline against the index only, off-topic by TF-IDF, in one process: plain-text Vancouver
   lists of ``--refs`` references (a third citing their DOI), then CSL-JSON lists (every
   reference citing its DOI); one in five references has a wrong year or page range, which must
   be found. References per CPU-second (reading, resolving, every rule, the report), and how
   many references were matched to the work they were made from.
5. With tantivy installed (extra ``bench``), builds a tantivy index of the same works and
   measures its build rate and search latency with the same queries, for the engine choice
   (docs/index.md).

    .venv/bin/python bench/bench_index.py [--works 1000000] [--manuscripts 100] [--refs 40]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import citelint.index as citelint_index  # noqa: E402
from citelint.models import Reference  # noqa: E402
from citelint.names import cited_author  # noqa: E402

PER_FILE = 5000
SYLLABLES = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro",
             "su", "ta", "ve", "wi", "xo", "yu", "za", "tri", "pro", "gen", "cel", "mor", "lin",
             "dra", "ost", "eph", "ul", "an", "is", "or", "ex", "em"]


class Synthetic:
    """Deterministic synthetic works: the same seed gives the same works."""

    def __init__(self, seed: int = 12) -> None:
        self.random = random.Random(seed)
        words = set()
        while len(words) < 40000:
            words.add("".join(self.random.choice(SYLLABLES)
                              for _ in range(self.random.randint(2, 4))))
        self.words = sorted(words)
        self.random.shuffle(self.words)
        # Zipf weights: the k-th word is drawn with probability proportional to 1/k
        self.weights = [1 / (k + 1) for k in range(len(self.words))]
        self.cumulative = list(_accumulate(self.weights))
        families = set()
        while len(families) < 30000:
            families.add("".join(self.random.choice(SYLLABLES)
                                 for _ in range(self.random.randint(2, 3))).capitalize())
        self.families = sorted(families)
        self.journals = [" ".join(w.capitalize() for w in self._words(self.random.randint(2, 4)))
                         for _ in range(3000)]

    def _words(self, n: int) -> list[str]:
        return self.random.choices(self.words, cum_weights=self.cumulative, k=n)

    def work(self, n: int) -> dict[str, Any]:
        r = self.random
        title = " ".join(self._words(r.randint(6, 14))).capitalize()
        authors = [{"family": r.choice(self.families), "given": f"{r.choice('ABCDEFGHJKLMNPRST')}"
                    f"{r.choice(['', 'A', 'B', 'C', 'D', 'M'])}",
                    "sequence": "first" if i == 0 else "additional"}
                   for i in range(r.randint(1, 8))]
        year = r.randint(1960, 2025)
        first = r.randint(1, 3000)
        work = {"DOI": f"10.5555/synth.{n}", "URL": f"https://doi.org/10.5555/synth.{n}",
                "type": "journal-article", "title": [title], "author": authors,
                "container-title": [r.choice(self.journals)],
                "issued": {"date-parts": [[year, r.randint(1, 12)]]},
                "volume": str(r.randint(1, 120)), "issue": str(r.randint(1, 12)),
                "indexed": {"date-time": "2025-03-01T00:00:00Z", "timestamp": 1740787200000},
                "deposited": {"date-time": f"{year + 1}-01-01T00:00:00Z", "timestamp": 0},
                "publisher": "Synthetic Press", "reference-count": 0}
        if r.random() < 0.3:
            work["article-number"] = str(first)
        else:
            work["page"] = f"{first}-{first + r.randint(2, 20)}"
        return work


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    return out


def write_data_files(folder: Path, works: int, seed: int = 12) -> Synthetic:
    synthetic = Synthetic(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, works, PER_FILE):
        with gzip.open(folder / f"{start // PER_FILE}.json.gz", "wt", encoding="utf-8",
                       compresslevel=6) as out:
            out.write('{"items": [')
            for n in range(start, min(start + PER_FILE, works)):
                out.write(("," if n > start else "") + json.dumps(synthetic.work(n)))
            out.write("]}")
    return synthetic


def read_back(folder: Path, wanted: set[int]) -> dict[int, dict[str, Any]]:
    """The works numbered ``wanted``, read back from the data files (to make citations)."""
    found: dict[int, dict[str, Any]] = {}
    for n in sorted(wanted):
        path = folder / f"{n // PER_FILE}.json.gz"
        if n // PER_FILE not in {m // PER_FILE for m in found}:
            items = json.loads(gzip.decompress(path.read_bytes()))["items"]
            for m in wanted:
                if m // PER_FILE == n // PER_FILE:
                    found[m] = items[m % PER_FILE]
    return found


def _misspell(word: str, r: random.Random) -> str:
    if len(word) < 5:
        return word
    i = r.randint(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def citation(work: dict[str, Any], r: random.Random, doi: bool, typo: bool = True,
             wrong: str | None = None) -> str:
    """A Vancouver citation of ``work``; ``wrong`` = "year" or "pages" plants one error."""
    authors = work["author"]
    names = ", ".join(f"{a['family']} {a['given']}" for a in authors[:6])
    if len(authors) > 6:
        names += ", et al"
    words = work["title"][0].split()
    if typo:
        k = r.randrange(len(words))
        words[k] = _misspell(words[k], r)
    year = work["issued"]["date-parts"][0][0] + (3 if wrong == "year" else 0)
    pages = work.get("page") or work["article-number"]
    if wrong == "pages":
        first = int(pages.split("-")[0]) + 100
        pages = f"{first}-{first + 7}"
    text = (f"{names}. {' '.join(words)}. {work['container-title'][0]}. {year};"
            f"{work['volume']}({work['issue']}):{pages}.")
    return text + (f" doi:{work['DOI']}" if doi else "")


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000)


def bench_lookups(index_path: Path, works: dict[int, dict[str, Any]], r: random.Random) -> dict:
    index = citelint_index.open(index_path)
    numbers = list(works)
    lookups = []
    for n in numbers:
        started = time.perf_counter()
        found = index.by_doi([f"10.5555/synth.{n}"], "crossref")
        lookups.append(time.perf_counter() - started)
        assert found, n
    searches, first = [], 0
    for n in numbers:
        work = works[n]
        text = citation(work, r, doi=False)
        title = text.split(". ")[1]
        ref = Reference(index=1, raw=text, title=title,
                        authors=[cited_author(f"{a['family']} {a['given']}")
                                 for a in work["author"][:3]],
                        year=work["issued"]["date-parts"][0][0])
        started = time.perf_counter()
        found_records = index.search(ref, "crossref", rows=5)
        searches.append(time.perf_counter() - started)
        first += bool(found_records) and found_records[0].doi == work["DOI"].lower()
    return {"lookup_ms": percentiles(lookups), "search_ms": percentiles(searches),
            "search_first": first / len(numbers), "queries": len(numbers)}


def csl_item(work: dict[str, Any], i: int, wrong: str | None = None) -> dict[str, Any]:
    """A CSL-JSON item citing ``work`` with its DOI (``wrong`` as in :func:`citation`)."""
    year = work["issued"]["date-parts"][0][0] + (3 if wrong == "year" else 0)
    pages = work.get("page") or work["article-number"]
    if wrong == "pages":
        first = int(pages.split("-")[0]) + 100
        pages = f"{first}-{first + 7}"
    return {"id": f"r{i}", "type": "article-journal", "title": work["title"][0],
            "author": [{"family": a["family"], "given": a["given"]} for a in work["author"]],
            "container-title": work["container-title"][0], "issued": {"date-parts": [[year]]},
            "volume": work["volume"], "issue": work["issue"], "page": pages,
            "DOI": work["DOI"]}


def bench_check(index_path: Path, works: dict[int, dict[str, Any]], manuscripts: int,
                refs: int, r: random.Random, folder: Path, kind: str = "text") -> dict:
    """Check synthetic manuscripts offline against the index; CPU time in this process.

    ``kind`` "text": plain-text Vancouver lists, a third of the references citing their DOI;
    "csl": CSL-JSON lists, every reference citing its DOI."""
    from citelint import check
    from citelint.config import Config
    from citelint.sources.index import index_sources

    numbers = list(works)
    config = Config(offline=True, sources=[], options={"off-topic": {"method": "tfidf"}},
                    cache_dir=folder / "cache")
    sources = index_sources(index_path)
    lists = []
    planted = {}
    for m in range(manuscripts):
        chosen = r.sample(numbers, refs)
        lines, items = [], []
        for i, n in enumerate(chosen, start=1):
            wrong = r.choice([None] * 8 + ["year", "pages"])
            planted[(m, i)] = (works[n]["DOI"].lower(), wrong)
            lines.append(f"{i}. " + citation(works[n], r, doi=r.random() < 1 / 3, typo=False,
                                             wrong=wrong))
            items.append(csl_item(works[n], i, wrong))
        if kind == "csl":
            path = folder / f"manuscript-{m}.json"
            path.write_text(json.dumps(items), encoding="utf-8")
        else:
            path = folder / f"manuscript-{m}.txt"
            path.write_text("References\n" + "\n".join(lines) + "\n", encoding="utf-8")
        lists.append(path)
    check(lists[0], config=config, sources=sources)  # imports and first-use set-up, not timed
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    matched = found_planted = planted_total = verified = 0
    for m, path in enumerate(lists[1:], start=1):
        report = check(path, config=config, sources=sources)
        for result in report.results:
            doi, wrong = planted[(m, result.reference.index)]
            record = result.match.record
            matched += record is not None and record.doi == doi
            verified += result.status == "verified"
            if wrong:
                planted_total += 1
                rules = {"year": {"year-mismatch"},
                         "pages": {"pages-mismatch", "pages-article-number"}}[wrong]
                found_planted += any(f.rule in rules for f in result.findings)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    total = (manuscripts - 1) * refs
    return {"kind": kind, "references": total, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
            "refs_per_cpu_s": round(total / cpu), "matched": round(matched / total, 4),
            "verified": round(verified / total, 4),
            "planted_found": f"{found_planted}/{planted_total}"}


def bench_tantivy(folder: Path, works: dict[int, dict[str, Any]], r: random.Random,
                  out: Path) -> dict | None:
    try:
        import tantivy
    except ImportError:
        return None
    from citelint.index.datafiles import data_files, read_works
    from citelint.sources.snapshot import ranking_texts

    schema = (tantivy.SchemaBuilder().add_text_field("title", stored=False)
              .add_text_field("others", stored=False)
              .add_text_field("doi", stored=True, tokenizer_name="raw").build())
    path = out / "tantivy"
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    started = time.process_time()
    count = 0
    problems: list[str] = []
    for file in data_files([folder]):
        for work in read_works(file, problems):
            title, others = ranking_texts(work.record)
            writer.add_document(tantivy.Document(title=title, others=others,
                                                 doi=work.record.doi or ""))
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    build_cpu = time.process_time() - started
    index.reload()
    searcher = index.searcher()
    from citelint.normalize import comparable

    latencies, first = [], 0
    for work in works.values():
        text = citation(work, r, doi=False)
        words = [w for w in comparable(text.split(". ")[1]).split() if len(w) > 1]
        query = index.parse_query(" OR ".join(words), ["title", "others"])
        started_q = time.perf_counter()
        hits = searcher.search(query, 40).hits
        latencies.append(time.perf_counter() - started_q)
        if hits:
            top = searcher.doc(hits[0][1])["doi"][0]
            first += top == work["DOI"].lower()
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return {"works": count, "build_cpu_s": round(build_cpu, 1),
            "works_per_cpu_s": round(count / build_cpu), "bytes_per_work": round(size / count),
            "search_ms": percentiles(latencies), "search_first_bm25": first / len(works)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--manuscripts", type=int, default=100)
    parser.add_argument("--refs", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build here and keep the files")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: use the data files a previous run generated there")
    parser.add_argument("--reuse-index", action="store_true",
                        help="with --keep: measure the index a previous run built there")
    parser.add_argument("--no-tantivy", action="store_true")
    args = parser.parse_args()
    r = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        data = out / "data"
        started = time.perf_counter()
        if not (args.reuse and data.is_dir()):
            write_data_files(data, args.works)
        generated = time.perf_counter() - started
        data_bytes = sum(p.stat().st_size for p in data.iterdir())
        print(f"generated {args.works} works in {generated:.0f} s "
              f"({data_bytes / 1e6:.0f} MB gzipped)", flush=True)
        index_path = out / "works.db"
        if not (args.reuse_index and index_path.is_file()):
            for stale in out.glob("works.db*"):
                stale.unlink()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            summary = citelint_index.build([data], index_path)
            build_cpu, build_wall = time.process_time() - cpu0, time.perf_counter() - wall0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            size = index_path.stat().st_size
            print(json.dumps({"works": summary.read, "problems": len(summary.problems),
                              "build_cpu_s": round(build_cpu, 1),
                              "build_wall_s": round(build_wall, 1),
                              "works_per_cpu_s": round(summary.read / build_cpu),
                              "index_mb": round(size / 1e6),
                              "bytes_per_work": round(size / summary.read),
                              "peak_rss_mb": round(peak), "load": os.getloadavg()}), flush=True)
        sample = read_back(data, set(r.sample(range(args.works), args.queries)))
        print(json.dumps({"latency": bench_lookups(index_path, sample, r)}), flush=True)
        for kind in ("text", "csl"):
            print(json.dumps({"check": bench_check(index_path, sample, args.manuscripts,
                                                   args.refs, r, out, kind)}), flush=True)
        if not args.no_tantivy:
            print(json.dumps({"tantivy": bench_tantivy(data, sample, r, out)}), flush=True)


if __name__ == "__main__":
    main()
