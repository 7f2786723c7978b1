"""Web of Science tagged exports ("Other reference software", "Plain text"): ``FN``/``VR``
header, one record per ``PT … ER``, ``EF`` at the end.

It is the other export format a literature database hands out beside RIS: two-letter tags
followed by one space, continuation lines indented by three spaces, authors one per line (``AU``
as "Family, Initials", ``AF`` as "Family, Given names"). rispy's Web of Science parser maps tags to
fields, one record at a time; the records are found here, so that each keeps its line and a broken
one (no ``ER``) does not swallow the next. Record fields go through
:func:`~citelint.readers.csl.reference_from_csl` like every structured format.
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from citelint.models import Manuscript
from citelint.normalize import page_range
from citelint.readers import reader
from citelint.readers.ris import first_of, references_of_records

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*)|)$")
_HEADER = {"FN", "VR", "EF"}
# PT (publication type) and, finer, DT (document type) → CSL types
_PUBLICATION_TYPES = {"J": "article-journal", "B": "book", "P": "patent"}
_DOCUMENT_TYPES = {"proceedings paper": "paper-conference", "book chapter": "chapter",
                   "book": "book", "data paper": "dataset"}


def _name(name: str) -> dict[str, str]:
    family, sep, given = name.partition(",")
    return {"family": family.strip(), "given": given.strip()} if sep else {"literal": name}


def record_to_csl(record: dict[str, Any], key: str) -> dict[str, Any]:
    """A rispy Web of Science record → a CSL item (full author names when the export has them;
    group authors after the people)."""
    people = record.get("author_full_name") or record.get("authors") or []
    groups = record.get("group_authors") or []
    kind = _DOCUMENT_TYPES.get((first_of(record, "document_type") or "").lower().split(";")[0])
    return {
        "id": key,
        "type": kind or _PUBLICATION_TYPES.get(first_of(record, "publication_type") or "", ""),
        "author": [_name(n) for n in people if n.strip()] + [{"literal": g} for g in groups],
        "title": first_of(record, "document_title"),
        "container-title": first_of(record, "publication_name"),
        "issued": {"raw": first_of(record, "publication_year", "early_access_year",
                                 "publication_date") or ""},
        "volume": first_of(record, "volume"),
        "issue": first_of(record, "issue"),
        "page": page_range(first_of(record, "beginning_page"), first_of(record, "ending_page")),
        "article-number": first_of(record, "article_number"),
        "publisher": first_of(record, "publisher"),
        "DOI": first_of(record, "doi"),
        "PMID": first_of(record, "pubmed_id"),
    }


def _records(text: str, where: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """(line of PT, its lines) for each record, and located problems."""
    records: list[tuple[int, list[str]]] = []
    problems: list[str] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        match = _TAG.match(line)
        tag = match.group(1) if match else None
        if tag == "PT":
            if current is not None:
                problems.append(f"{where}:{start}: record has no ER line before the next PT "
                                f"(line {number}); read it up to there.")
                records.append((start, current))
            current, start = [line], number
        elif tag == "ER" and current is not None:
            records.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
        elif line.strip() and tag not in _HEADER and tag != "ER":
            problems.append(f"{where}:{number}: text outside a record (between ER and the next "
                            "PT line) is ignored.")
    if current is not None:
        problems.append(f"{where}:{start}: the last record has no ER line; read it to the end "
                        "of the file.")
        records.append((start, current))
    return records, problems


def sniff(text: str) -> bool:
    """A Web of Science export: an ``FN`` header, or ``PT`` and ``ER`` lines."""
    head = text.lstrip("\ufeff")[:200]
    return head.startswith("FN ") or bool(
        re.search(r"^PT [A-Z]$", text[:5000], re.MULTILINE)
        and re.search(r"^ER\s*$", text, re.MULTILINE))


@reader("wos", extensions=(".ciw",), sniff=sniff, saved_as_txt=True)
def read(text: str, path: str | None) -> Manuscript:
    """Read a Web of Science tagged export: one Reference per record, in file order."""
    where = path or "<input>"
    records, problems = _records(text, where)
    refs = references_of_records(records, path, "wos", "Web of Science", rispy.WokParser, "ER",
                                 record_to_csl)
    if not records and text.strip():
        problems.append(f"{where}:1: no Web of Science record (a 'PT ' line) was found.")
    return Manuscript(path=path, format="wos", references=refs, problems=problems)
