"""Deterministic synthetic works and manuscripts for the scale benchmarks.

Works are Crossref work objects (the shape of the Public Data File's ``items`` and of our JSONL
snapshots) with made-up but plausible titles, authors, journals, volumes and pages; the same
seed gives the same bytes. Manuscripts are numbered Vancouver-style plain-text lists citing those
works, a few with a wrong year or pages, some without their DOI, some citing works the data does
not hold (generated under another seed), and a few citing the same work twice, so every
stage of the checker has work to do.

    python bench/synthetic.py works 20000 --output /tmp/works.jsonl
    python bench/synthetic.py list 20000 --works /tmp/works.jsonl --output /tmp/list.txt
    python bench/synthetic.py corpus 10000 40 --works /tmp/works.jsonl --output-dir /tmp/corpus

Nothing here is used by citelint itself.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "br",
           "cl", "dr", "gr", "pl", "pr", "st", "tr", "sh", "ch", "th"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "io", "ou"]
_CODAS = ["", "n", "r", "s", "l", "t", "m", "x", "nd", "st", "ng"]
_LINKS = ["of", "in", "and", "for", "with", "under", "during", "after", "on"]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                   for _ in range(syllables))


class _Vocabulary:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.words = sorted({_word(rng, rng.choice((2, 3, 3, 4))) for _ in range(30_000)})
        self.families = sorted({_word(rng, rng.choice((2, 3))).capitalize()
                                for _ in range(20_000)})
        self.journals = sorted({" ".join(["Journal of", *(_word(rng, 3).capitalize()
                                                          for _ in range(rng.choice((1, 2))))])
                                for _ in range(400)})


def works(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` Crossref work objects, the same ones for the same seed."""
    vocabulary = _Vocabulary(seed)
    rng = random.Random(seed + 1)
    for n in range(count):
        words = [rng.choice(vocabulary.words) for _ in range(rng.randint(6, 12))]
        words.insert(rng.randint(2, len(words) - 1), rng.choice(_LINKS))
        title = " ".join(words).capitalize()
        year = rng.randint(1980, 2025)
        first = rng.randint(1, 2000)
        authors = [{"family": rng.choice(vocabulary.families),
                    "given": "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in
                                     range(rng.choice((1, 1, 2)))),
                    "sequence": "first" if i == 0 else "additional"}
                   for i in range(rng.randint(1, 6))]
        yield {"DOI": f"10.5555/synth.{seed}.{n}", "type": "journal-article",
               "title": [title], "author": authors,
               "container-title": [rng.choice(vocabulary.journals)],
               "issued": {"date-parts": [[year]]}, "volume": str(rng.randint(1, 120)),
               "issue": str(rng.randint(1, 12)), "page": f"{first}-{first + rng.randint(3, 20)}"}


def citation(work: dict[str, Any], rng: random.Random, with_doi: bool = True) -> str:
    """A Vancouver-style citation of a work; sometimes with a wrong year or pages."""
    names = [f"{a['family']} {a['given']}" for a in work["author"]]
    authors = ", ".join(names[:6]) + (", et al" if len(names) > 6 else "")
    year = work["issued"]["date-parts"][0][0]
    pages = work["page"]
    roll = rng.random()
    if roll < 0.03:
        year += 2
    elif roll < 0.06:
        first, last = pages.split("-")
        pages = f"{int(first) + 10}-{int(last) + 10}"
    text = (f"{authors}. {work['title'][0]}. {work['container-title'][0]}. "
            f"{year};{work['volume']}({work['issue']}):{pages}.")
    if with_doi:
        text += f" doi:{work['DOI']}"
    return text


def reference_list(records: list[dict[str, Any]], count: int, seed: int,
                   missing: list[dict[str, Any]] | None = None) -> list[str]:
    """``count`` citations of ``records`` (numbered lines, without the numbers): most with their
    DOI, some without, about 1 in 50 of a work the data lacks (``missing``), about 1 in 200 the
    same work as an earlier entry."""
    rng = random.Random(seed)
    lines: list[str] = []
    picked: list[dict[str, Any]] = []
    fresh = iter(rng.sample(records, min(count, len(records))))  # each work cited once
    for _ in range(count):
        roll = rng.random()
        if picked and roll < 0.005:
            work = rng.choice(picked)
        elif missing and roll < 0.025:
            work = rng.choice(missing)
        else:
            work = next(fresh, None) or rng.choice(records)
        picked.append(work)
        lines.append(citation(work, rng, with_doi=rng.random() < 0.7))
    return lines


def numbered(lines: list[str], title: str = "A synthetic manuscript") -> str:
    body = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
    return f"{title}\n\nReferences\n\n{body}\n"


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    w = sub.add_parser("works")
    w.add_argument("count", type=int)
    w.add_argument("--seed", type=int, default=1)
    w.add_argument("--output", type=Path, required=True)
    one = sub.add_parser("list")
    one.add_argument("count", type=int)
    one.add_argument("--works", type=Path, required=True)
    one.add_argument("--seed", type=int, default=2)
    one.add_argument("--output", type=Path, required=True)
    many = sub.add_parser("corpus")
    many.add_argument("manuscripts", type=int)
    many.add_argument("references", type=int)
    many.add_argument("--works", type=Path, required=True)
    many.add_argument("--seed", type=int, default=3)
    many.add_argument("--output-dir", type=Path, required=True)
    args = parser.parse_args()
    if args.what == "works":
        with args.output.open("w", encoding="utf-8") as out:
            for work in works(args.count, args.seed):
                out.write(json.dumps(work, separators=(",", ":")) + "\n")
        return
    held = _load(args.works)
    # works the data file does not hold: the same generator under another seed
    missing = list(works(max(len(held) // 50, 1), seed=10_000 + args.seed))
    if args.what == "list":
        args.output.write_text(numbered(reference_list(held, args.count, args.seed, missing)),
                               encoding="utf-8")
        return
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for m in range(args.manuscripts):
        lines = reference_list(held, args.references, args.seed * 1_000_003 + m, missing)
        (args.output_dir / f"ms{m:06d}.txt").write_text(
            numbered(lines, f"Synthetic manuscript {m}"), encoding="utf-8")


if __name__ == "__main__":
    main()
