"""The readers on real files: every reference counted, and the fields each file tags read right,
judged against an independent reading of the same file (JATS elements by XPath with lxml, BibTeX
by pybtex, RIS and Web of Science by rispy on the whole file, CSL-JSON as json loads it, a revtex
.bbl against the .bib that BibTeX made it from, read by pybtex).

The files and where each came from are listed in tests/fixtures/corpus/SOURCES.md. Run this
module as a script to print the accuracy table of docs/readers.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import rispy
from lxml import etree
from pybtex.database import parse_file
from pylatexenc.latex2text import LatexNodes2Text

from citelint.models import Reference
from citelint.normalize import comparable, split_pages
from citelint.readers import read_file
from citelint.readers.journal_macros import journal_of_macro

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
REVTEX = Path(__file__).resolve().parents[2] / "fixtures" / "revtex"
# share of the tagged fields that must be read right (issue #13)
TARGETS = {"jats": 0.99, "bibtex": 0.99, "ris": 0.99, "wos": 0.99, "csl-json": 0.99,
           "bbl": 0.95}
FIELDS = ("authors", "title", "journal", "year", "volume", "issue", "first_page", "doi")


@dataclass
class Tally:
    """Fields compared and read right, per field, over the files of one format."""

    refs_expected: int = 0
    refs_read: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wrong: list[str] = field(default_factory=list)

    def share(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.total.values()))


def _same(name: str, read: Any, expected: Any) -> bool:
    if name == "authors":
        names, et_al = read
        return names == expected or (et_al and names == expected[:len(names)])
    if name == "year":
        return read == expected
    if name == "journal" and isinstance(expected, (set, frozenset)):
        return comparable(read) in {comparable(e) for e in expected}
    if name == "first_page":  # an article number "011" is article 11
        return str(read or "").lstrip("0") == str(expected).lstrip("0")
    return comparable(str(read or "")) == comparable(str(expected))


def _read_fields(ref: Reference) -> dict[str, Any]:
    families = [comparable(a.family or a.name or "") for a in ref.authors]
    return {"authors": (families, ref.et_al), "title": ref.title, "journal": ref.journal,
            "year": ref.year, "volume": ref.volume, "issue": ref.issue,
            "first_page": ref.first_page or ref.article_number, "doi": ref.doi}


def _tally(tally: Tally, label: str, refs: list[Reference],
           expected: list[dict[str, Any]]) -> None:
    tally.refs_expected += len(expected)
    tally.refs_read += len(refs)
    for ref, fields in zip(refs, expected, strict=False):
        read = _read_fields(ref)
        for name, value in fields.items():
            if value in (None, "", []):
                continue  # the file does not tag it
            tally.total[name] += 1
            if _same(name, read[name], value):
                tally.right[name] += 1
            else:
                tally.wrong.append(f"{label} #{ref.index} {name}: read {read[name]!r}, "
                                   f"tagged {value!r}")


def _year(text: str | None) -> int | None:
    match = re.search(r"(1[5-9]\d\d|20\d\d)", text or "")
    return int(match.group(1)) if match else None


def _first_page(text: str | None) -> str | None:
    first, _ = split_pages(text)
    return first or (text or None)


# --- JATS: the tagged elements, by XPath ---------------------------------------------------------

def _x(element: Any, path: str) -> str | None:
    found = element.xpath(path)
    if not found:
        return None
    return re.sub(r"\s+", " ", "".join(found[0].itertext())).strip() or None


def jats_expected(path: Path) -> list[dict[str, Any] | None]:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    out: list[dict[str, Any] | None] = []
    for ref in root.xpath("//*[local-name()='ref-list']/*[local-name()='ref']"):
        cites = ref.xpath(".//*[local-name()='element-citation' or local-name()='nlm-citation']")
        cites += ref.xpath(".//*[local-name()='mixed-citation' or local-name()='citation']"
                           "[.//*[local-name()='source' or local-name()='surname']]")
        if not cites:
            out.append(None)  # text only: nothing tagged to compare
            continue
        cite = cites[0]
        group = (cite.xpath(".//*[local-name()='person-group'][@person-group-type='author']")
                 or cite.xpath(".//*[local-name()='person-group']") or [cite])[0]
        names = []
        for person in group.xpath(".//*[local-name()='name' or local-name()='string-name' or "
                                  "local-name()='collab']"):
            surname = _x(person, ".//*[local-name()='surname']")
            prefix = _x(person, ".//*[local-name()='prefix']")
            text = surname if surname else "".join(person.itertext())
            names.append(comparable(f"{prefix} {text}" if prefix and surname else text))
        title = _x(cite, ".//*[local-name()='article-title']")
        out.append({
            "authors": names,
            "title": title,
            "journal": _x(cite, ".//*[local-name()='source']") if title else None,
            "year": _year(_x(cite, ".//*[local-name()='year']")),
            "volume": _x(cite, ".//*[local-name()='volume']"),
            "issue": _x(cite, ".//*[local-name()='issue']"),
            "first_page": (_x(cite, ".//*[local-name()='fpage']")
                           or _x(cite, ".//*[local-name()='elocation-id']")),
            "doi": _x(cite, ".//*[local-name()='pub-id'][@pub-id-type='doi']"),
        })
    return out


# --- BibTeX: pybtex, with crossref lookups and string macros ------------------------------------

_DECODE = LatexNodes2Text()


def _plain(latex: str | None) -> str | None:
    if not latex:
        return None
    macro = re.fullmatch(r"\s*\\([A-Za-z]+)\s*", latex)
    if macro and journal_of_macro(macro.group(1)):  # an ADS journal macro: its journal
        return journal_of_macro(macro.group(1))
    return " ".join(_DECODE.latex_to_text(latex).split()) or None


def bibtex_expected(path: Path, keys: list[str] | None = None) -> list[dict[str, Any]]:
    bib = parse_file(str(path), "bibtex")
    out = []
    for key in keys or list(bib.entries):
        entry = bib.entries[key]

        def get(name: str, entry: Any = entry) -> str | None:
            try:
                return _plain(entry._find_field(name, bib))
            except KeyError:
                return None

        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [comparable(_plain(" ".join(p.prelast_names + p.last_names)) or "")
                 for p in people]
        out.append({"authors": [n for n in names if n not in ("others", "et al")],
                    "title": get("title"),
                    "journal": get("journal") or get("journaltitle") or get("booktitle"),
                    "year": _year(get("year")), "volume": get("volume"),
                    "issue": get("number"), "first_page": _first_page(get("pages")),
                    "doi": (get("doi") or "").lower() or None})
    return out


# --- RIS and Web of Science: rispy on the whole file --------------------------------------------

_RIS_JOURNALS = ("journal_name", "secondary_title", "alternate_title3", "alternate_title2",
                 "alternate_title1")


def _ris_family(name: str) -> str:
    return comparable(name.split(",")[0])


def ris_expected(path: Path) -> list[dict[str, Any]]:
    out = []
    for record in rispy.load(path, encoding="utf-8-sig"):
        names = list(dict.fromkeys((record.get("authors") or [])
                                   + (record.get("first_authors") or [])))
        journals = {v for k in _RIS_JOURNALS if isinstance(v := record.get(k), str) and v}
        doi = record.get("doi") or ""
        out.append({"authors": [_ris_family(n) for n in names],
                    "title": record.get("title") or record.get("primary_title"),
                    "journal": frozenset(journals) or None,
                    "year": _year(record.get("year") or record.get("publication_year")),
                    "volume": record.get("volume"), "issue": record.get("number"),
                    "first_page": _first_page(record.get("start_page")),
                    "doi": re.sub(r"^https?://(dx\.)?doi\.org/", "", doi).lower() or None})
    return out


def wos_expected(path: Path) -> list[dict[str, Any]]:
    out = []
    for record in rispy.load(path, implementation=rispy.WokParser, encoding="utf-8-sig"):
        names = record.get("author_full_name") or record.get("authors") or []
        groups = record.get("group_authors") or []
        out.append({"authors": [_ris_family(n) for n in names] + [comparable(g) for g in groups],
                    "title": record.get("document_title"),
                    "journal": record.get("publication_name"),
                    "year": _year(record.get("publication_year")),
                    "volume": record.get("volume"), "issue": record.get("issue"),
                    "first_page": record.get("beginning_page") or record.get("article_number"),
                    "doi": (record.get("doi") or "").lower() or None})
    return out


# --- CSL-JSON: the items as json loads them ----------------------------------------------------

def csl_expected(path: Path) -> list[dict[str, Any]]:
    out = []
    for item in json.loads(path.read_text("utf-8")):
        names = [comparable(n.get("family") or n.get("literal") or "")
                 for n in item.get("author") or [] if isinstance(n, dict)]
        parts = (item.get("issued") or {}).get("date-parts") or [[None]]
        container = item.get("container-title")
        out.append({"authors": [n for n in names if n],
                    "title": item.get("title"),
                    "journal": container if isinstance(container, str) else None,
                    "year": _year(str(parts[0][0])) if parts and parts[0] else None,
                    "volume": item.get("volume"), "issue": item.get("issue"),
                    "first_page": _first_page(item.get("page")),
                    "doi": (item.get("DOI") or "").lower() or None})
    return out


# --- the corpus ---------------------------------------------------------------------------------

_BIBITEM = re.compile(r"\\bibitem\s*\[(?:[^\[\]]|\[[^\]]*\])*\]\s*\{([^}]+)\}")
# revtex's \bibinfo names → the fields compared
_PRINTED = {"author": "authors", "title": "title", "journal": "journal", "year": "year",
            "volume": "volume", "number": "issue", "pages": "first_page"}


def _bbl_keys(path: Path) -> list[str]:
    return _BIBITEM.findall(path.read_text("utf-8"))


def bbl_expected(path: Path, bib: Path) -> list[dict[str, Any]]:
    """What the .bib says of each item, for the fields the .bbl item prints (apsrev prints no
    issue numbers, and no title when the .bib has none)."""
    text = path.read_text("utf-8")
    starts = list(_BIBITEM.finditer(text))
    out = []
    for n, (match, fields) in enumerate(zip(starts, bibtex_expected(bib, _bbl_keys(path)),
                                            strict=True)):
        item = text[match.end():starts[n + 1].start() if n + 1 < len(starts) else len(text)]
        printed = {_PRINTED[t] for t in re.findall(r"\\bibinfo\s*\{(\w+)\}", item)
                   if t in _PRINTED}
        if "doi.org/" in item or "\\doibase" in item:
            printed.add("doi")
        out.append({k: v for k, v in fields.items() if k in printed})
    return out


CASES: list[tuple[str, Path, Callable[[Path], list[Any]]]] = [
    *[("jats", p, jats_expected) for p in sorted((CORPUS / "jats").glob("*.xml"))],
    *[("bibtex", p, bibtex_expected) for p in sorted((CORPUS / "bibtex").glob("*.bib"))],
    *[("ris", p, ris_expected) for p in sorted((CORPUS / "ris").glob("*.ris"))],
    *[("wos", p, wos_expected) for p in sorted((CORPUS / "wos").glob("*.txt"))],
    *[("csl-json", p, csl_expected) for p in sorted((CORPUS / "csl").glob("*.json"))],
    ("bbl", CORPUS / "bbl" / "cosmobib-apsrev4-2.bbl",
     lambda p: bbl_expected(p, CORPUS / "bibtex" / "cosmobib-first120.bib")),
    ("bbl", REVTEX / "paper.bbl", lambda p: bbl_expected(p, REVTEX / "refs.bib")),
]


def measure() -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for kind, path, expected_of in CASES:
        refs = read_file(path).references
        expected = expected_of(path)
        pairs = [(r, e) for r, e in zip(refs, expected, strict=False) if e is not None]
        tally = tallies.setdefault(kind, Tally())
        _tally(tally, path.name, [r for r, _ in pairs], [e for _, e in pairs])
        tally.refs_expected += len(expected) - len(pairs)  # text-only refs are counted too
        tally.refs_read += len(refs) - len(pairs)
    return tallies


@pytest.fixture(scope="module")
def tallies() -> dict[str, Tally]:
    return measure()


@pytest.mark.parametrize("kind", list(TARGETS))
def test_every_reference_is_counted(tallies: dict[str, Tally], kind: str) -> None:
    assert tallies[kind].refs_read == tallies[kind].refs_expected > 0


@pytest.mark.parametrize("kind", list(TARGETS))
def test_the_tagged_fields_are_read_right(tallies: dict[str, Tally], kind: str) -> None:
    tally = tallies[kind]
    assert tally.share() >= TARGETS[kind], "\n".join(tally.wrong[:30])


def _table(tallies: dict[str, Tally]) -> Iterator[str]:
    yield "| reader | files | references | " + " | ".join(FIELDS) + " | all tagged fields |"
    yield "|---|---|---|" + "---|" * len(FIELDS) + "---|"
    for kind, tally in tallies.items():
        files = sum(1 for k, _, _ in CASES if k == kind)
        cells = [f"{tally.right[n]}/{tally.total[n]}" if tally.total[n] else "-" for n in FIELDS]
        yield (f"| {kind} | {files} | {tally.refs_read}/{tally.refs_expected} | "
               + " | ".join(cells) + f" | {tally.share():.1%} |")


if __name__ == "__main__":
    result = measure()
    print("\n".join(_table(result)))
    for kind, tally in result.items():
        for line in tally.wrong:
            print(kind, line)
