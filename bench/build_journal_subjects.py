"""Build citelint/data/nlm_journal_subjects.tsv.gz from the NLM Catalog's journal lists.

Input: a folder of the NLM Catalog's "Broad Subject Terms for Indexed Journals" lists, one text
file per broad subject term (``<Term>.txt``), each record in the catalogue's text display
("Title Abbreviation:", "Title(s):", "NLM ID:"...). Such a folder, exported from the NLM Catalog
in 2025, is kept in the public repository choxos/OpenScienceTracker (commit 3860d49,
"Broad Subject Terms for Indexed Journals/"). NLM Catalog data are produced by the U.S. National
Library of Medicine, a U.S. Government work, free of copyright in the United States; NLM asks
that the data be credited to it and noted as possibly not its latest version.

Output: one line per journal (NLM ID), its MEDLINE title abbreviation, its title (the part
before " : ", without the final full stop) and its broad subject terms, ``;``-separated.

Usage: python bench/build_journal_subjects.py FOLDER [OUTPUT]
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Journals and their NLM broad subject terms, for the off-topic rule (citelint/relatedness.py):
# the subject of the journal a reference appeared in is evidence of the reference's field.
# Source: the NLM Catalog's "Broad Subject Terms for Indexed Journals" lists (U.S. National
# Library of Medicine; a U.S. Government work, not under copyright in the U.S.; this copy was
# exported in 2025 and may not be NLM's latest), as kept in choxos/OpenScienceTracker (commit
# 3860d49). Built by bench/build_journal_subjects.py. Columns: NLM title abbreviation, title,
# broad subject terms (;-separated).
"""


def _records(text: str) -> list[dict[str, str]]:
    records = []
    for chunk in re.split(r"\n\s*\n(?=\d+\. )", text):
        fields: dict[str, str] = {}
        key = None
        for line in chunk.splitlines():
            line = re.sub(r"^\d+\. ", "", line)
            label = re.match(r"^([A-Z][A-Za-z()' ]+): ?(.*)$", line)
            if label:
                key = label.group(1)
                fields[key] = label.group(2).strip()
            elif key:
                fields[key] += " " + line.strip()
        records.append(fields)
    return records


def build(folder: Path) -> list[tuple[str, str, list[str]]]:
    journals: dict[str, tuple[str, str, set[str]]] = {}
    for path in sorted(folder.glob("*.txt")):
        term = path.stem
        for fields in _records(path.read_text(encoding="utf-8", errors="replace")):
            nlm_id = fields.get("NLM ID", "").split("[")[0].strip()
            abbreviation = fields.get("Title Abbreviation", "").strip()
            if not nlm_id or not abbreviation:
                continue
            title = fields.get("Title(s)", "").split(" : ")[0].strip().rstrip(".").strip()
            journals.setdefault(nlm_id, (abbreviation, title, set()))[2].add(term)
    return sorted((a, t, sorted(terms)) for a, t, terms in journals.values())


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    output = Path(argv[1]) if len(argv) > 1 else ROOT / "citelint/data/nlm_journal_subjects.tsv.gz"
    rows = build(folder)
    lines = [HEADER] + [f"{a}\t{t}\t{';'.join(terms)}\n" for a, t, terms in rows]
    with gzip.GzipFile(output, "wb", mtime=0) as handle:
        handle.write("".join(lines).encode("utf-8"))
    print(f"{len(rows)} journals -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
