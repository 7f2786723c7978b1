"""RIS reader: one Reference per ``TY … ER`` record, located by record number and TY line.

rispy maps tags to fields, one record at a time; the records themselves are found here, so that
every record and tag keeps its line number and one broken record (no ``ER``, a stray line before
``TY``) does not swallow its neighbours. Unknown tags are kept as located problems; the record is
still read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import rispy
from rispy.config import TAG_KEY_MAPPING

from citelint.models import Location, Manuscript, Reference
from citelint.normalize import page_range
from citelint.readers import reader
from citelint.readers.csl import reference_from_csl

# "TY  - JOUR"; tolerant of one space or a missing space after the dash, as some exporters write
_TAG = re.compile(r"^([A-Z][A-Z0-9])\s{1,2}-(?:\s(.*)|)$")

# tags of the RIS specification (and of the exporters that follow older versions of it) that
# rispy has no field for: read quietly. VO is an older tag for the volume, J1 for an abbreviated
# journal name, BT for a book title; U1-U5 are user fields, LK a link, M2 a note, CP/PP places.
_STANDARD_TAGS = {"U1", "U2", "U3", "U4", "U5", "LK", "VO", "J1", "BT", "ED", "M2", "CP", "PP",
                  "CT", "RD", "L3", "IN", "AV", "NV", "SE"}
# lines some exporters put between records: Ovid's links after each record ("Link to the Ovid
# Full Text or citation:" and the URL) and its record numbers ("6. "), headers ("Provider: JSTOR",
# "Content: text/plain"), Cochrane's "Record #3 of 18"
_LINK = re.compile(r"^\s*link to (?:the )?[^:]*:\s*$", re.IGNORECASE)
_TRAILER = re.compile(r"^\s*(?:link to (?:the )?[^:]*:|https?://\S+|(?:provider|database|content)"
                      r"\s*:.*|\d+\.|record #\d+ of \d+)\s*$", re.IGNORECASE)

# RIS reference types → CSL types
_TYPES = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal",
    "MGZN": "article-magazine", "NEWS": "article-newspaper", "BOOK": "book", "EBOOK": "book",
    "CHAP": "chapter", "ECHAP": "chapter", "THES": "thesis", "RPRT": "report",
    "ELEC": "webpage", "WEB": "webpage", "CONF": "paper-conference", "CPAPER": "paper-conference",
    "DATA": "dataset", "COMP": "software", "PAT": "patent", "UNPB": "manuscript",
}


def first_of(record: dict[str, Any], *names: str) -> str | None:
    """The first non-empty value of these rispy keys (a list gives its first non-empty item)."""
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = next((v for v in value if v), None)
        if value:
            return str(value).strip()
    return None


def _ris_name(name: str) -> dict[str, str]:
    """RIS names are "Family, Given" (sometimes "Family, Given, Suffix")."""
    family, sep, given = name.partition(",")
    if not sep:
        return {"literal": name.strip()}
    given, _, suffix = given.partition(",")
    return {"family": family.strip(), "given": given.strip(), "suffix": suffix.strip()}


def record_to_csl(record: dict[str, Any], key: str) -> dict[str, Any]:
    """A rispy record → a CSL item."""
    names: list[str] = []
    for name in [*(record.get("authors") or []), *(record.get("first_authors") or [])]:
        if name not in names:  # AU and A1 are synonyms; some exporters write both
            names.append(name)
    pages = page_range(first_of(record, "start_page"), first_of(record, "end_page"))
    notes = record.get("notes") or []
    ignore = "; ".join(n.split(":", 1)[1] for n in notes
                       if isinstance(n, str) and n.lower().startswith("citelint-ignore:"))
    accession = first_of(record, "accession_number") or ""
    extra = record.get("unknown_tag") or {}
    older = {tag: next((v for v in extra.get(tag, []) if v), None) for tag in ("VO", "J1", "BT")}
    return {
        "id": first_of(record, "id") or key,
        "type": _TYPES.get((first_of(record, "type_of_reference") or "").upper(), ""),
        "author": [_ris_name(n) for n in names if isinstance(n, str) and n.strip()],
        "title": first_of(record, "title", "primary_title"),
        "container-title": first_of(record, "journal_name", "alternate_title3", "secondary_title",
                                  "alternate_title2", "alternate_title1") or older["J1"]
                           or older["BT"],
        "issued": {"raw": first_of(record, "year", "publication_year", "date") or ""},
        "volume": first_of(record, "volume") or older["VO"],
        "issue": first_of(record, "number"),
        "page": pages,
        "publisher": first_of(record, "publisher"),
        "DOI": first_of(record, "doi"),
        "PMID": accession if accession.isdigit() else None,
        "URL": first_of(record, "urls"),
        # SN holds an ISSN or an ISBN; only an ISBN has 10 or 13 digits
        "ISBN": first_of(record, "issn"),
        "citelint-ignore": ignore or None,
    }


def _records(text: str, where: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """Split RIS text into records: (line of TY, normalised lines) each, plus located problems."""
    records: list[tuple[int, list[str]]] = []
    problems: list[str] = []
    current: list[str] | None = None
    start = 0
    previous = ""
    unknown: dict[str, int] = {}  # tags outside the RIS standard, with the line of the first
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TAG.match(line)
        tag, value = (match.group(1), (match.group(2) or "").strip()) if match else (None, "")
        if tag == "TY":
            if current is not None:
                problems.append(f"{where}:{start}: record has no ER line before the next TY "
                                f"(line {number}); read it up to there.")
                records.append((start, current))
            current, start = [f"TY  - {value}"], number
        elif current is None:
            if line.strip() and tag != "ER" and not _TRAILER.match(line):
                problems.append(f"{where}:{number}: text outside a record (before any TY line) "
                                "is ignored.")
        elif tag == "ER":
            records.append((start, current))
            current = None
        elif tag is not None:
            if tag not in TAG_KEY_MAPPING and tag not in _STANDARD_TAGS:
                unknown.setdefault(tag, number)
            current.append(f"{tag}  - {value}")
        elif _TRAILER.match(line) and (_LINK.match(line) or _LINK.match(previous)):
            pass  # an Ovid link and its URL inside a record: no part of the previous tag
        elif line.strip():
            current.append(f"      {line.strip()}")  # continuation of the previous tag
        previous = line
    if current is not None:
        problems.append(f"{where}:{start}: the last record has no ER line; read it to the end "
                        "of the file.")
        records.append((start, current))
    if unknown:  # an exporter's own tags: said once, not once a line
        tags = ", ".join(repr(t) for t in unknown)
        problems.append(f"{where}:{min(unknown.values())}: tags outside the RIS standard "
                        f"({tags}) are not read; the records that have them are.")
    return records, problems


def sniff(text: str) -> bool:
    """Looks like RIS: a ``TY  - `` line and an ``ER  -`` line."""
    return bool(re.search(r"^TY\s{1,2}- ", text, re.MULTILINE)
                and re.search(r"^ER\s{1,2}-", text, re.MULTILINE))


def references_of_records(records: list[tuple[int, list[str]]], path: str | None,
                          input_format: str, name: str, parser: type[rispy.RisParser],
                          end: str, to_csl: Callable[[dict[str, Any], str], dict[str, Any]],
                          ) -> list[Reference]:
    """One Reference per record (its first line, its lines) of a tagged export read by rispy's
    ``parser`` (RIS, or its Web of Science variant), located by line and record number; a
    record rispy cannot read is a parse error naming the format (``name``), the rest are read."""
    refs = []
    for index, (line, lines) in enumerate(records, start=1):
        key = f"record {index}"
        location = Location(path, line=line, key=key)
        try:
            parsed = rispy.loads("\n".join([*lines, end]), implementation=parser)
        except Exception as exc:  # rispy raises on some malformed records; keep the rest
            parsed, error = [], str(exc) or type(exc).__name__
        else:
            error = "rispy read nothing"
        if not parsed:
            refs.append(Reference(index=index, raw=" ".join(lines)[:300], location=location,
                                  parse_error=f"the {name} record could not be read: {error}"))
            continue
        refs.append(reference_from_csl(to_csl(parsed[0], key), index, location, input_format))
    return refs


@reader("ris", extensions=(".ris",), sniff=sniff, saved_as_txt=True)
def read(text: str, path: str | None) -> Manuscript:
    """Read a RIS file: one Reference per record, in file order."""
    where = path or "<input>"
    records, problems = _records(text, where)
    refs = references_of_records(records, path, "ris", "RIS", rispy.RisParser, "ER  - ",
                                 record_to_csl)
    if not records and re.search(r"^PMID- ", text, re.MULTILINE):
        problems = [f"{where}:1: this is PubMed's MEDLINE format (PMID- lines), not RIS; no "
                    "reference was read. Export the list from PubMed as 'Citation manager' "
                    "(RIS) or as CSV, and run again."]
    elif not records and text.strip():
        problems.append(f"{where}:1: no RIS record (a 'TY  - ' line) was found.")
    return Manuscript(path=path, format="ris", references=refs, problems=problems)

