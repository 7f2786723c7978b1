"""Test helper: write works in the services' bulk data-file formats.

- Crossref's Public Data File: a gzipped JSON object ``{"items": [work, ...]}`` per file.
- The OpenAlex snapshot: gzipped JSON Lines of works under ``updated_date=YYYY-MM-DD/``.

``snapshot_to_data_files`` converts a citelint JSON Lines snapshot (e.g. the seed's) into both:
its Crossref-shaped lines into Crossref data files, its OpenAlex-shaped lines into an OpenAlex
partition, so that an index built from them holds the same records as the snapshot.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from citelint.records import is_crossref_work


def write_crossref_file(path: Path, works: list[dict[str, Any]], indent: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump({"items": works}, out, indent=indent)
    return path


def write_openalex_part(root: Path, date: str, works: list[dict[str, Any]],
                        name: str = "part_000.gz") -> Path:
    folder = root / f"updated_date={date}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for work in works:
            out.write(json.dumps(work) + "\n")
    return path


def snapshot_to_data_files(snapshot: Path, out: Path, per_file: int = 10) -> list[Path]:
    """The snapshot's works as Crossref data files (``per_file`` works each) and one OpenAlex
    partition, with a manifest as the real snapshot has; returns the folders written."""
    crossref, openalex = [], []
    for line in snapshot.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith(("#", "//")):
            work = json.loads(line)
            (crossref if is_crossref_work(work) else openalex).append(work)
    for start in range(0, len(crossref), per_file):
        write_crossref_file(out / "crossref" / f"{start // per_file}.json.gz",
                            crossref[start:start + per_file])
    works = out / "openalex" / "data" / "works"
    part = write_openalex_part(works, "2025-01-01", openalex)
    (works / "manifest").write_text(json.dumps({"entries": [
        {"url": str(part), "meta": {"record_count": len(openalex)}}]}), encoding="utf-8")
    return [out / "crossref", out / "openalex"]
