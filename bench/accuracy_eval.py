"""Measure citelint on the multi-style corpus built by ``build_style_corpus.py``.

Each list (one per style, plus the BibTeX file) is checked against its snapshot as a closed
world: the snapshot is taken to hold every work there is, as Crossref and OpenAlex together would
when both answer, so a reference no record matches is "not found" rather than "not held here".
Off-topic is left out (it judges a list's subject, not a reference's facts).

For every list it prints and writes (``--json``) three tables:

- false errors: correct references with an error-level finding, by rule;
- recall per fault class: the share of faulty references with any finding (any severity, but not
  the doi-missing suggestion) or a not-found verdict, and the share flagged by the fault's own
  rule;
- parsing (text lists only): per field, how often the parsed value equals the record's.

    python bench/accuracy_eval.py bench/data/styles [--json bench/results/accuracy.json]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's citelint

from citelint.api import check
from citelint.config import Config
from citelint.sources.snapshot import SnapshotSource

#: the rule that names each fault
FAULT_RULES = {
    "title-word": {"title-mismatch"},
    "author-edit": {"author-mismatch"},
    "year": {"year-mismatch"},
    "volume": {"volume-mismatch"},
    "pages": {"pages-mismatch"},
    "article-range": {"pages-article-number"},
    "fabricated": {"reference-not-found"},
}


class ClosedWorld(SnapshotSource):
    """A snapshot that holds every work there is: absence means the work does not exist."""

    name = "closed-world"
    authoritative = True


def evaluate_list(path: Path, truth: list[dict[str, Any]], source: SnapshotSource,
                  config: Config) -> dict[str, Any]:
    report = check(path, config=config, sources=[source])
    by_index = {t["index"]: t for t in truth}
    false_errors: Counter[str] = Counter()
    correct = errored = 0
    faults: dict[str, Counter[str]] = defaultdict(Counter)
    examples: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    # a text list has one reference a line: align by line, so that two references read as one
    # count against the first (and the second is missing) instead of shifting every later one
    one_per_line = path.suffix == ".txt"
    for result in report.results:
        key = result.reference.location.line if one_per_line else result.reference.index
        fact = by_index.get(key)
        if fact is None:
            continue
        # a suggestion (doi-missing) says nothing about the fault
        rules = {f.rule for f in result.findings
                 if f.suppressed is None and f.rule != "doi-missing"}
        errors = [f for f in result.findings if f.severity == "error" and f.suppressed is None]
        if fact["case"] == "correct":
            correct += 1
            if errors:
                errored += 1
                false_errors.update({f.rule for f in errors})
                examples.append({"index": fact["index"], "raw": result.reference.raw,
                                 "errors": [f.message for f in errors]})
            continue
        tally = faults[fact["case"]]
        tally["total"] += 1
        if rules or result.status == "not-found":
            tally["flagged"] += 1
        else:
            missed.append({"index": fact["index"], "case": fact["case"],
                           "raw": result.reference.raw, "status": result.status,
                           "change": fact.get("change")})
        if rules & FAULT_RULES[fact["case"]]:
            tally["by_rule"] += 1
    return {"list": path.name, "references": len(report.results), "correct": correct,
            "missed_faults": missed,
            "correct_with_error": errored, "false_errors_by_rule": dict(false_errors),
            "faults": {k: dict(v) for k, v in faults.items()}, "false_error_examples": examples,
            "parsed": [_parsed_fields(r.reference) for r in report.results]}


def _parsed_fields(reference: Any) -> dict[str, Any]:
    line = reference.location.line if str(reference.location.path).endswith(".txt") else None
    return {"index": line or reference.index, **{k: getattr(reference, k) for k in (
        "title", "journal", "year", "volume", "issue", "first_page", "last_page",
        "article_number")}, "authors": len(reference.authors)}


def parse_accuracy(parsed: list[dict[str, Any]], truth: list[dict[str, Any]],
                   records: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Per field, the share of correct references whose parsed value is the record's."""
    from citelint.normalize import comparable

    hits: Counter[str] = Counter()
    total = 0
    by_index = {p["index"]: p for p in parsed}
    for fact in truth:
        work = records.get((fact.get("doi") or "").lower())
        got = by_index.get(fact["index"])
        if fact["case"] != "correct" or work is None or got is None:
            continue
        total += 1
        title = work["title"][0] if isinstance(work["title"], list) else work["title"]
        title = html.unescape(re.sub(r"<[^>]+>", "", title))  # as the corpus renders it
        hits["title"] += comparable(got["title"] or "") == comparable(title)
        hits["year"] += got["year"] == work["issued"]["date-parts"][0][0]
        hits["volume"] += got["volume"] == work.get("volume")
        pages = work.get("page") or work.get("article-number") or ""
        first = pages.split("-")[0]
        hits["pages"] += (got["first_page"] or got["article_number"]) == first
        hits["journal"] += bool(got["journal"])
        hits["authors"] += got["authors"] > 0
    return {k: round(v / total, 3) for k, v in sorted(hits.items())} if total else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", action="append", default=[], help="list file name(s)")
    parser.add_argument("--markdown", type=Path, help="write the tables for docs/accuracy.md")
    args = parser.parse_args(argv)
    truth = [json.loads(line) for line in open(args.corpus / "truth.jsonl", encoding="utf-8")]
    source = ClosedWorld(args.corpus / "snapshot.jsonl")
    records = {}
    for line in open(args.corpus / "snapshot.jsonl", encoding="utf-8"):
        work = json.loads(line)
        records[work["DOI"].lower()] = work
    config = Config(offline=True, disable=["off-topic"])
    lists = sorted({t["list"] for t in truth})
    results = []
    for name in lists:
        if args.only and name not in args.only:
            continue
        started = time.monotonic()
        facts = [t for t in truth if t["list"] == name]
        outcome = evaluate_list(args.corpus / name, facts, source, config)
        outcome["parse_accuracy"] = parse_accuracy(outcome.pop("parsed"), facts, records)
        outcome["seconds"] = round(time.monotonic() - started, 1)
        results.append(outcome)
        recall = " ".join(f"{k}={v.get('flagged', 0)}/{v['total']}({v.get('by_rule', 0)})"
                          for k, v in sorted(outcome["faults"].items()))
        print(f"{name:24} false errors {outcome['correct_with_error']:2}/{outcome['correct']}"
              f" {outcome['false_errors_by_rule']}  recall {recall}  parse "
              f"{outcome['parse_accuracy']}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown_tables(results), encoding="utf-8")
    return 0


def markdown_tables(results: list[dict[str, Any]]) -> str:
    """False errors, recall per fault class and parse accuracy per list, as Markdown tables."""
    faults = sorted({f for r in results for f in r["faults"]})
    fields = sorted({f for r in results for f in r["parse_accuracy"]})
    lines = ["| list | correct refs with an error | by rule |", "|---|---|---|"]
    for r in results:
        share = 100 * r["correct_with_error"] / max(r["correct"], 1)
        rules = ", ".join(f"{k} {v}" for k, v in sorted(r["false_errors_by_rule"].items()))
        lines.append(f"| {r['list']} | {r['correct_with_error']}/{r['correct']} ({share:.1f}%) "
                     f"| {rules or '-'} |")
    lines += ["", "| list | " + " | ".join(faults) + " |", "|---" * (len(faults) + 1) + "|"]
    for r in results:
        cells = []
        for fault in faults:
            t = r["faults"].get(fault, {})
            cells.append(f"{t.get('flagged', 0)}/{t.get('total', 0)} ({t.get('by_rule', 0)})")
        lines.append(f"| {r['list']} | " + " | ".join(cells) + " |")
    lines += ["", "| list | " + " | ".join(fields) + " |", "|---" * (len(fields) + 1) + "|"]
    for r in results:
        lines.append(f"| {r['list']} | " + " | ".join(
            f"{r['parse_accuracy'].get(f, 0):.3f}" for f in fields) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
