"""Citation coupling for the off-topic check, measured on real records (docs/offtopic.md).

The records are fixtures/offtopic/records.jsonl (see SOURCES.md beside it): one real reference
list (the 34 works that OpenAlex resolves of the 37 an article on online news and scientific
impact cites, with their own ``referenced_works`` and ``related_works``), three topical sets of
search results (OpenAlex: machine learning and public health, biodiversity and finance;
Crossref: PeerJ fish papers) and one megajournal sample (PLOS ONE 2021, Crossref). No list of
this evaluation was used to design :mod:`citelint.coupling`.

Per list, with intruders drawn from the other sets in the same id space (OpenAlex ids or DOIs:
the two cannot be compared), this reports:

- how many genuine references are *coupled* (so protected: never reported), at each
  ``MIN_SHARED``;
- how many inserted intruders are coupled (wrongly protected);
- a would-be rule of its own: flag a reference whose record says what it cites (``known``) but
  that is not coupled; its recall of intruders and its false flags per 60 genuine references;
- with a scoring method (``--method``: TF-IDF, the default install's, or the embedding extra's)
  on the records' titles and journals, the off-topic findings on the list with intruders,
  without and with the coupling's protection (:func:`citelint.coupling.ties_outside`, as the
  rule applies it).

Coupling is counted against the genuine references only (the intruders are excluded as
partners), so that intruders drawn from one set do not vouch for one another.

Usage: python bench/coupling_eval.py [--trials N] [--seed S] [--cost]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citelint import coupling  # noqa: E402
from citelint.models import Manuscript, Match, Record, Reference  # noqa: E402
from citelint.records import record_from_json  # noqa: E402
from citelint.relatedness import outliers, score_relatedness  # noqa: E402

RECORDS = ROOT / "fixtures" / "offtopic" / "records.jsonl"
INTRUDERS = 3  # inserted into each trial list


@dataclass
class RecordSet:
    name: str
    kind: str
    records: list[Record]
    manuscript: dict[str, Any] | None = None

    @property
    def space(self) -> str:
        return "doi" if any(r.source == "crossref" for r in self.records) else "openalex"


def load_sets(path: Path = RECORDS) -> list[RecordSet]:
    sets = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        records = [record_from_json(w) for w in data["works"]]
        sets.append(RecordSet(data["name"], data["kind"], [r for r in records if r.title],
                              data.get("manuscript")))
    return sets


def as_matches(records: Sequence[Record]) -> list[Match]:
    return [Match(Reference(i + 1, r.title or "", title=r.title, journal=r.journal), record=r)
            for i, r in enumerate(records)]


def _count_levels(counts: dict[int, int], result: dict, levels) -> None:
    """Add one reference to ``counts``: at each level, whether it is coupled at that level."""
    for level in levels:
        counts[level] = counts.get(level, 0) + coupled_at(result, level)


@dataclass
class Tally:
    genuine: int = 0
    genuine_known: int = 0
    genuine_coupled: dict[int, int] = field(default_factory=dict)
    intruders: int = 0
    intruders_coupled: dict[int, int] = field(default_factory=dict)
    own_rule_recall: int = 0  # intruders known and uncoupled
    own_rule_false: int = 0  # genuine references known and uncoupled
    text_flags_genuine: int = 0
    text_flags_intruders: int = 0
    protected_flags_genuine: int = 0
    protected_flags_intruders: int = 0


def coupled_at(result: dict[str, Any], min_shared: int) -> bool:
    return bool(result.get("cites") or result.get("cited_by") or result.get("related")
                or result.get("shared_cited", 0) >= min_shared)


def trial(base: RecordSet, pool: list[Record], rng: random.Random, tally: Tally,
          shared_levels: Sequence[int], method: str = "tfidf") -> None:
    intruders = rng.sample(pool, min(INTRUDERS, len(pool)))
    records = list(base.records)
    slots = sorted(rng.sample(range(len(records) + len(intruders)), len(intruders)))
    for slot, record in zip(slots, intruders, strict=True):
        records.insert(slot, record)
    inserted = set(slots)
    matches = as_matches(records)
    # ties to the genuine references only: the intruders must not vouch for one another
    couplings = coupling.couple(matches, exclude=inserted)
    manuscript = None
    if base.manuscript:
        manuscript = Manuscript(None, "eval", [], title=base.manuscript.get("title"),
                                abstract=base.manuscript.get("abstract"))
    scores = score_relatedness(manuscript, matches, method=method)
    plain = outliers(scores)
    ties = coupling.ties_outside(matches, plain)  # what the off-topic rule does with them
    protected = {i for i in plain if not ties[i]["coupled"]}
    for i, result in enumerate(couplings):
        intruder = i in inserted
        known = bool(result.get("known"))
        if intruder:
            tally.intruders += 1
            _count_levels(tally.intruders_coupled, result, shared_levels)
            tally.own_rule_recall += known and not result.get("coupled")
            tally.text_flags_intruders += i in plain
            tally.protected_flags_intruders += i in protected
        else:
            tally.genuine += 1
            tally.genuine_known += known
            _count_levels(tally.genuine_coupled, result, shared_levels)
            tally.own_rule_false += known and not result.get("coupled")
            tally.text_flags_genuine += i in plain
            tally.protected_flags_genuine += i in protected


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def per_60(part: int, whole: int) -> str:
    return f"{60 * part / whole:.2f}" if whole else "-"


def evaluate(sets: list[RecordSet], trials: int, seed: int, method: str = "tfidf",
             shared_levels: Sequence[int] = (1, 2, 3)) -> list[str]:
    rng = random.Random(seed)
    rows = ["| list (kind, references) | genuine with citations known | genuine coupled, "
            "shared ≥ " + " / ".join(map(str, shared_levels)) + " | intruders coupled, shared ≥ "
            + " / ".join(map(str, shared_levels)) + " | own rule: recall / false per 60 | "
            f"{method}: recall / false per 60 | {method} + coupling: recall / false per 60 |",
            "|---|---|---|---|---|---|---|"]
    for base in sets:
        pool = [r for other in sets if other is not base and other.space == base.space
                for r in other.records]
        if not pool:
            continue
        tally = Tally()
        for _ in range(trials):
            trial(base, pool, rng, tally, shared_levels, method)
        g, n = tally.genuine, tally.intruders
        rows.append(
            f"| {base.name} ({base.kind}, {len(base.records)}) "
            f"| {pct(tally.genuine_known, g)} "
            f"| {' / '.join(pct(tally.genuine_coupled[k], g) for k in shared_levels)} "
            f"| {' / '.join(pct(tally.intruders_coupled[k], n) for k in shared_levels)} "
            f"| {pct(tally.own_rule_recall, n)} / {per_60(tally.own_rule_false, g)} "
            f"| {pct(tally.text_flags_intruders, n)} / {per_60(tally.text_flags_genuine, g)} "
            f"| {pct(tally.protected_flags_intruders, n)} / "
            f"{per_60(tally.protected_flags_genuine, g)} |")
    return rows


def measure_cost(sizes: Sequence[int] = (60, 100, 1000, 10000), cited: int = 50,
                 hubs: int = 5) -> list[str]:
    """CPU seconds of :func:`citelint.coupling.couple` on synthetic lists of ``size`` references,
    each citing ``cited`` works of which ``hubs`` are cited by every reference (the worst case
    for an all-pairs method) and the rest drawn from a pool ten times the list's size."""
    rows = ["| references | cited works each | CPU seconds | per 100 references |",
            "|---|---|---|---|"]
    rng = random.Random(0)
    for size in sizes:
        pool = [f"W{n}" for n in range(10 * size)]
        records = [Record(source="openalex", id=f"https://openalex.org/W9{i:07d}",
                          doi=f"10.5555/cost.{i}", title=f"work {i}",
                          referenced_works=[f"W1{h:06d}" for h in range(hubs)]
                          + rng.sample(pool, cited - hubs),
                          related_works=rng.sample(pool, 10))
                   for i in range(size)]
        matches = as_matches(records)
        start = time.process_time()
        coupling.couple(matches)
        spent = time.process_time() - start
        rows.append(f"| {size} | {cited} | {spent:.3f} | {100 * spent / size:.4f} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--method", default="tfidf", choices=("tfidf", "embedding"))
    parser.add_argument("--cost", action="store_true", help="also measure the cost")
    args = parser.parse_args(argv)
    sets = load_sets()
    print("\n".join(evaluate(sets, args.trials, args.seed, args.method)))
    if args.cost:
        print()
        print("\n".join(measure_cost()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
