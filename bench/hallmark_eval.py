"""Measure citelint on HALLMARK's dev split (rpatrik96/hallmark), in a closed world of its records.

HALLMARK is the benchmark the project is measured on: use its DEV split only
(``data/v1.0/dev_public.jsonl``); its test split must stay unseen, so this script refuses any
file whose name says "test". Give it the dev file (from a checkout or ``git show``)::

    git --git-dir <hallmark git dir> show HEAD:data/v1.0/dev_public.jsonl > /tmp/dev.jsonl
    python bench/hallmark_eval.py /tmp/dev.jsonl [--json bench/results/hallmark-dev.json]

The closed world holds the works HALLMARK itself describes: every VALID entry, and the original
of each ``near_miss_title`` entry (its fields with the original title its explanation gives). It
is taken to hold every work there is, as Crossref and OpenAlex together would when both answer.
For the other perturbations the original work is not given, so an altered entry of those types
is flagged either by a comparison or because no record matches; the per-type table says which.

Each entry is checked as one BibTeX reference (duplicates and off-topic are off: the entries are
not one manuscript's list). "Flagged" means a warning or an error (not an info-level suggestion
such as doi-missing), or a not-found verdict.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's citelint

from accuracy_eval import ClosedWorld

from citelint.api import check
from citelint.config import Config
from citelint.doi import registered_arxiv_doi

_ORIGINAL = re.compile(r"\(original: '(?P<title>.+)'\)\s*$")


def _text(latex: str) -> str:
    """A BibTeX value as text, as a database would hold it ("R{\\'e}" -> "Ré")."""
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return " ".join(LatexNodes2Text().latex_to_text(latex).split())
    except Exception:  # a value pylatexenc cannot read is kept without its braces
        return re.sub(r"[{}]", "", latex)


def _names(authors: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for name in re.split(r"\s+and\s+", _text(authors).strip()):
        name = name.strip(" {}")
        if name.lower() == "others":  # the entry says the list goes on: so does the record
            out.append({"name": "further authors not named by the entry"})
            continue
        if not name:
            continue
        if "," in name:
            family, _, given = name.partition(",")
        else:
            given, _, family = name.rpartition(" ")
        out.append({"family": family.strip(" {}"), "given": given.strip(" {}")})
    return out


def work(fields: dict[str, str], title: str | None = None) -> dict[str, Any]:
    """A Crossref-shaped work object for an entry's fields."""
    out: dict[str, Any] = {
        "title": [_text(title or fields.get("title", ""))],
        "author": _names(fields.get("author", "")),
        "type": "journal-article" if fields.get("journal") else "proceedings-article",
    }
    venue = fields.get("journal") or fields.get("booktitle")
    if venue:
        out["container-title"] = [venue]
    if fields.get("year", "").isdigit():
        out["issued"] = {"date-parts": [[int(fields["year"])]]}
    if fields.get("doi"):
        # registries hold arXiv's DOI without the version (arXiv registers one for all versions)
        out["DOI"] = registered_arxiv_doi(fields["doi"].casefold()) or fields["doi"]
    for key in ("volume", "pages"):
        if fields.get(key):
            out["page" if key == "pages" else key] = fields[key].replace("--", "-")
    return out


def bibtex(entry: dict[str, Any], key: str) -> str:
    kind = "article" if entry.get("bibtex_type") == "article" else "inproceedings"
    body = ",\n".join(f"  {k} = {{{_balanced(v)}}}" for k, v in entry["fields"].items() if v)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _balanced(value: str) -> str:
    """A field value BibTeX can hold in braces: unbalanced braces (a truncated LaTeX title in
    the data) are dropped rather than breaking the entry."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    return value if depth == 0 else value.replace("{", "").replace("}", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if "test" in args.dev.name.lower():
        parser.error("HALLMARK's test split must stay unseen: give the dev split.")
    entries = [json.loads(line) for line in args.dev.read_text("utf-8").splitlines() if line]
    records = [work(e["fields"]) for e in entries if e["label"] == "VALID"]
    for entry in entries:
        original = _ORIGINAL.search(entry.get("explanation") or "")
        if entry.get("hallucination_type") == "near_miss_title" and original:
            records.append(work(entry["fields"], original.group("title")))
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "closed-world.jsonl"
        snapshot.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        bib = Path(tmp) / "dev.bib"
        bib.write_text("\n".join(bibtex(e, f"e{n}") for n, e in enumerate(entries)), "utf-8")
        report = check(bib, config=Config(offline=True,
                                          disable=["off-topic", "duplicate-reference"]),
                       sources=[ClosedWorld(snapshot)])
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    rules_valid: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    for entry, result in zip(entries, report.results, strict=True):
        kind = entry.get("hallucination_type") or "valid"
        # suggestions (info: doi-missing, the registered form of a versioned arXiv DOI) say
        # nothing is wrong with the reference
        findings = [f for f in result.findings if f.severity != "info"]
        flagged = bool(findings) or result.status == "not-found"
        tally = by_type[kind]
        tally["total"] += 1
        tally["flagged"] += flagged
        tally["error"] += any(f.severity == "error" for f in findings)
        tally["not_found"] += result.status == "not-found"
        if kind == "near_miss_title" and not flagged:
            missed.append({"cited": entry["fields"].get("title"), "status": result.status,
                           "explanation": entry.get("explanation")})
        if kind == "valid" and flagged:
            rules_valid.update({f.rule for f in findings} or {"not-found"})
            examples.append({"title": entry["fields"].get("title"), "status": result.status,
                             "findings": [f"{f.rule}: {f.message}" for f in findings]})
    altered = [t for k, t in by_type.items() if k != "valid"]
    summary = {
        "near_miss_title": _share(by_type["near_miss_title"]),
        "all_altered": {"flagged": sum(t["flagged"] for t in altered),
                        "total": sum(t["total"] for t in altered)},
        "valid": {**_share(by_type["valid"]), "by_rule": dict(rules_valid)},
        "by_type": {k: dict(v) for k, v in sorted(by_type.items())},
        "closed_world_records": len(records),
        "valid_flagged_examples": examples[:40],
        "near_miss_not_flagged": missed,
    }
    for kind, tally in sorted(by_type.items()):
        print(f"{kind:24} flagged {tally['flagged']:4}/{tally['total']:<4} "
              f"errors {tally['error']:4}  not-found {tally['not_found']}", file=sys.stderr)
    print(f"near-miss titles flagged {summary['near_miss_title']}; all altered "
          f"{summary['all_altered']}; valid flagged {summary['valid']}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1), "utf-8")
    return 0


def _share(tally: Counter[str]) -> dict[str, int]:
    return {"flagged": tally["flagged"], "total": tally["total"], "error": tally["error"]}


if __name__ == "__main__":
    raise SystemExit(main())
