"""Scale inside one manuscript: a long reference list checked offline against a snapshot.

Writes a deterministic synthetic data file (bench/synthetic.py) of as many works as the list
cites, a numbered plain-text list of that many references (about 2 % citing works the data does
not hold, 0.5 % citing a work a second time), checks it offline against the data file as a
snapshot with the default rules (off-topic by TF-IDF, the method that needs no model), and
prints the CPU seconds of each stage, the shares of duplicate-reference and off-topic, and how
many references came out (none may be lost). Figures: docs/benchmarks.md.

    python bench/scale.py                          # 20,000 references (the input limit)
    python bench/scale.py --references 7000
    python bench/scale.py --off-topic none         # without off-topic
    python bench/scale.py --off-topic embedding    # off-topic by the embedding model
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

from citelint.config import Config  # noqa: E402
from citelint.engine import assign_verdicts, check_matches  # noqa: E402
from citelint.models import Match  # noqa: E402
from citelint.readers import read_file  # noqa: E402
from citelint.resolve import resolve_references  # noqa: E402
from citelint.rules import CheckContext  # noqa: E402
from citelint.rules import duplicate_reference as duplicates  # noqa: E402
from citelint.sources.snapshot import SnapshotSource  # noqa: E402


def _timed(what: str, step, figures: dict[str, float]):
    started = time.process_time()
    result = step()
    figures[what] = round(time.process_time() - started, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", type=int, default=20_000)
    parser.add_argument("--off-topic", choices=("tfidf", "embedding", "none"), default="tfidf",
                        help="how off-topic scores relatedness, or none to leave it out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, listing = Path(tmp) / "works.jsonl", Path(tmp) / "list.txt"
        works = list(synthetic.works(args.references))
        data.write_text("".join(json.dumps(w) + "\n" for w in works), encoding="utf-8")
        missing = list(synthetic.works(max(len(works) // 50, 1), seed=10_002))
        listing.write_text(synthetic.numbered(synthetic.reference_list(
            works, args.references, 2, missing)), encoding="utf-8")
        config = Config()
        config.offline = True
        if args.off_topic == "none":
            config.disable = set(config.disable) | {"off-topic"}
        else:
            config.options = {**config.options,
                              "off-topic": {**config.options.get("off-topic", {}),
                                            "method": args.off_topic}}
        figures: dict[str, float] = {}
        manuscript = _timed("read", lambda: read_file(listing), figures)
        source = _timed("load snapshot", lambda: SnapshotSource(data), figures)
        matches = _timed("resolve", lambda: resolve_references(manuscript.references,
                                                               [source]), figures)
        results = _timed("check (all rules)",
                         lambda: check_matches(manuscript, matches, config), figures)
        assign_verdicts(results)
        context = CheckContext(manuscript, config.options)
        copies = _timed("of which duplicate-reference", lambda: list(duplicates.check_list(
            matches, context)), figures)
        if args.off_topic != "none":
            from citelint.rules import off_topic

            _timed("of which off-topic", lambda: list(off_topic.check_list(
                matches, CheckContext(manuscript, config.options))), figures)
        # its worst case: no reference resolved, so every title is compared as unresolved
        unresolved = [Match(reference=m.reference, record=None) for m in matches]
        _timed("duplicate-reference, none resolved", lambda: list(duplicates.check_list(
            unresolved, context)), figures)
    total = sum(v for k, v in figures.items() if not k.startswith(("of which", "duplicate")))
    print(f"{args.references:,} references listed, {len(manuscript.references):,} read, "
          f"{len(results):,} checked; {len(copies)} duplicate findings")
    print(dict(Counter(r.status for r in results)))
    for what, seconds in figures.items():
        print(f"  {what:<30} {seconds:8.2f} s CPU")
    print(f"  {'total':<30} {total:8.2f} s CPU")


if __name__ == "__main__":
    main()
