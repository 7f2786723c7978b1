"""The one place where structured bibliographic fields become a Reference.

CSL-JSON (what Zotero, pandoc and Crossref's content negotiation emit) is the common shape of a
structured citation, so every structured reader (CSL-JSON, BibTeX, RIS, JATS, biber .bbl) maps
its fields to a CSL item and calls :func:`reference_from_csl`. That keeps name formatting, page
ranges, DOI cleanup and the rendered one-line citation identical across formats. Structured
fields are taken as given, never re-parsed from text. No network, no guessing of fields that are
absent.
"""

from __future__ import annotations

import re
from typing import Any

from citelint.doi import arxiv_id, clean_doi, find_arxiv, find_isbn
from citelint.models import Author, Location, Provenance, Reference
from citelint.normalize import split_pages
from citelint.readers.inline import parse_suppressions

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_ET_AL = {"others", "et al", "et al.", "et. al.", "etal", "et alii"}
_PMID = re.compile(r"^(?:pmid\s*:?\s*)?(\d{1,9})$", re.IGNORECASE)
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)

# CSL item types (and the vocabularies the other readers pass through) → Reference.type
CSL_TYPES: dict[str, str] = {
    "article-journal": "article", "article": "article", "article-magazine": "article",
    "article-newspaper": "article", "review": "article", "book": "book",
    "chapter": "chapter", "entry-encyclopedia": "chapter", "entry-dictionary": "chapter",
    "thesis": "thesis", "report": "report", "webpage": "web", "post-weblog": "web",
    "post": "web", "paper-conference": "conference", "dataset": "dataset", "software": "software",
    "patent": "patent", "preprint": "preprint", "standard": "report", "manuscript": "manuscript",
}


def csl_names(names: Any) -> tuple[list[Author], bool]:
    """CSL name objects → (structured authors, et_al). "others"/"et al." ends the list as et al.

    Family, given, particle and suffix stay apart as the input gave them; a ``literal`` (or a
    bare string) is a group or single name and is kept whole, never split.
    """
    authors: list[Author] = []
    et_al = False
    for name in names if isinstance(names, list) else []:
        if isinstance(name, str):
            author = Author(name=name.strip() or None)
        elif isinstance(name, dict):
            author = _csl_author(name)
        else:
            continue
        if author.as_cited().casefold() in _ET_AL:
            et_al = True
        elif author.as_cited():
            authors.append(author)
    return authors, et_al


def _csl_author(name: dict[str, Any]) -> Author:
    def part(key: str) -> str | None:
        value = name.get(key)
        return str(value).strip() or None if value is not None else None

    if part("literal"):
        return Author(name=part("literal"))
    particle = " ".join(p for p in (part("dropping-particle"), part("non-dropping-particle"))
                        if p) or None
    family, given = part("family"), part("given")
    if not family:  # a given name alone ("Suharto")
        return Author(name=given, particle=particle) if given else Author()
    return Author(family=family, given=given, particle=particle, suffix=part("suffix"))


def csl_year(issued: Any) -> int | None:
    """The year of a CSL date (``{"date-parts": [[2022, 7]]}``, ``{"raw": "2022"}``, "2022")."""
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                pass
        issued = issued.get("raw") or issued.get("literal") or ""
    if isinstance(issued, int):
        return issued
    match = _YEAR.search(str(issued or ""))
    return int(match.group(1)) if match else None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def reference_from_csl(item: dict[str, Any], index: int, location: Location,
                       input_format: str = "csl-json") -> Reference:
    """Build a Reference from a CSL-JSON item (or a CSL-shaped dict made by another reader).

    ``input_format`` names the structured input the item came from ("bibtex", "ris", "jats"…);
    it is recorded as the reference's provenance.

    Besides CSL variables this accepts ``article-number`` and ``citelint-ignore`` (inline
    suppressions). ``raw`` is rendered from the fields when the item has no ``raw`` of its own.
    """
    get = {k.lower(): v for k, v in item.items()}.get
    authors, et_al = csl_names(get("author"))
    page = _text(get("page"))
    first, last = split_pages(page)
    if page and first is None:
        first = page  # not a page range ("unpaginated", "A1–A3, A7"): keep it as cited
    doi = clean_doi(_text(get("doi")))
    url = _text(get("url"))
    if url and not doi and _DOI_URL.match(url):
        doi = clean_doi(url)
    pmid = _text(get("pmid"))
    if pmid and (m := _PMID.match(pmid)):
        pmid = m.group(1)
    # an arXiv id: given as such (a BibTeX eprint), or written "arXiv:…" / as an arxiv.org link
    # where CSL-JSON exporters put it (URL, number, note, container)
    arxiv = arxiv_id(_text(get("arxiv"))) or next(
        (found for key in ("url", "number", "note", "container-title")
         if (found := find_arxiv(_text(get(key)) or ""))), None)
    csl_type = _text(get("type"))
    ref = Reference(
        index=index,
        raw="",
        location=location,
        authors=authors,
        et_al=et_al,
        title=_text(get("title")),
        journal=_text(get("container-title")),
        year=csl_year(get("issued")),
        volume=_text(get("volume")),
        issue=_text(get("issue")),
        first_page=first,
        last_page=last,
        article_number=_text(get("article-number")),
        doi=doi,
        pmid=pmid,
        arxiv=arxiv,
        isbn=find_isbn(_text(get("isbn")) or "", labelled=False),
        url=url,
        type=CSL_TYPES.get(csl_type.lower(), csl_type.lower()) if csl_type else None,
        publisher=_text(get("publisher")),
        suppressions=parse_suppressions(_text(get("citelint-ignore") or get("citelint_ignore"))),
        provenance=Provenance("structured", input_format),
    )
    ref.raw = _text(get("raw")) or render_citation(ref)
    return ref


def render_citation(ref: Reference) -> str:
    """A one-line Vancouver-like citation from the fields, so reports show something familiar:
    ``Keller P, Ortiz L, et al. Title. Ecol Lett 2020;23(1):101-110. doi:10.5555/12345678``."""
    pieces = []
    names = ", ".join(ref.author_names + (["et al"] if ref.et_al else []))
    if names:
        pieces.append(names + ".")
    if ref.title:
        pieces.append(ref.title if ref.title[-1] in ".?!" else ref.title + ".")
    source = " ".join(str(x) for x in (ref.journal or ref.publisher, ref.year) if x)
    numbers = ref.volume or ""
    if ref.issue:
        numbers += f"({ref.issue})"
    if ref.pages:
        numbers += f":{ref.pages}"
    if numbers:
        source += f";{numbers}" if source else numbers
    if source:
        pieces.append(source + ".")
    if ref.doi:
        pieces.append(f"doi:{ref.doi}")
    elif ref.arxiv:
        pieces.append(f"arXiv:{ref.arxiv}")
    elif ref.url:
        pieces.append(ref.url)
    if ref.pmid:
        pieces.append(f"PMID: {ref.pmid}")
    if ref.isbn:
        pieces.append(f"ISBN {ref.isbn}")
    return " ".join(pieces) or "(empty reference)"


# ---------------------------------------------------------------------------------------------
# the CSL-JSON reader
