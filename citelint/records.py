"""Turn Crossref and OpenAlex work objects (their real JSON) into :class:`~citelint.models.Record`.

This is the one place that knows the two services' field names. It does no I/O: sources fetch
JSON, this module reads it. Every work is first checked against the typed models of
:mod:`citelint.service_schema`: a work of another shape raises
:class:`~citelint.service_schema.InvalidShape` (a ``ValueError``) instead of being half-read.
"""

from __future__ import annotations

import re
from typing import Any

from citelint import normalize
from citelint.doi import clean_doi
from citelint.models import Author, Record, Update


def _first(values: Any) -> str | None:
    if isinstance(values, list):
        return next((v for v in values if v), None)
    return values or None


def _year(date: Any) -> int | None:
    """Year of a Crossref date object ``{"date-parts": [[2022, 4, 2]]}``."""
    try:
        year = date["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None
    return int(year) if year else None


def _pmcid(value: object) -> str | None:
    """"PMC1234567" from OpenAlex's ``ids.pmcid`` (a URL such as
    ``https://www.ncbi.nlm.nih.gov/pmc/articles/1234567``, with or without "PMC")."""
    if not isinstance(value, str) or not value.strip():
        return None
    tail = value.rstrip("/").rsplit("/", 1)[-1].upper()
    return tail if tail.startswith("PMC") else f"PMC{tail}"


_SPACES = re.compile(r"\s+")
_PAGE_DASH = re.compile(r"\s*[-\u2010-\u2015]+\s*")


def strip_markup(text: str | None) -> str | None:
    """Remove JATS/HTML tags and entities (Crossref titles and abstracts carry both); inline
    tags leave no space ("Cu<sub>2</sub>O" is "Cu2O")."""
    if not text:
        return None
    return _SPACES.sub(" ", normalize.strip_markup(text)).strip() or None


def is_crossref_work(obj: dict[str, Any]) -> bool:
    """True for a Crossref work (``message`` of ``/works/{doi}``), False for an OpenAlex work."""
    if "authorships" in obj or "display_name" in obj or "publication_year" in obj:
        return False
    return any(k in obj for k in ("DOI", "container-title", "issued", "published", "author"))


def record_from_json(obj: dict[str, Any], source: str | None = None) -> Record:
    """Read either service's work object, telling them apart by their field names."""
    if is_crossref_work(obj):
        return record_from_crossref(obj, source or "crossref")
    return record_from_openalex(obj, source or "openalex")


def _split_pages(page: str | None) -> tuple[str | None, str | None]:
    if not page:
        return None, None
    parts = _PAGE_DASH.split(page.strip(), maxsplit=1)
    first = parts[0] or None
    last = parts[1] if len(parts) > 1 and parts[1] else None
    return first, last


_CROSSREF_UPDATE_TYPES = {"retraction", "partial_retraction", "withdrawal", "removal",
                          "expression_of_concern", "correction", "erratum", "corrigendum",
                          "addendum", "new_version", "clarification"}


#: A Crossref work's fields about notices: on it (``updated-by``), by it (``update-to``), and its
#: relations to other works. A snapshot record without any of them cannot say "no notice".
_CROSSREF_NOTICE_KEYS = ("updated-by", "update-to", "relation")


def _crossref_updates(obj: dict[str, Any]) -> list[Update]:
    updates = []
    for entry in obj.get("updated-by") or []:
        kind = str(entry.get("type", "")).lower().replace("-", "_").replace(" ", "_")
        updates.append(Update(type=kind, doi=clean_doi(entry.get("DOI")),
                              source=entry.get("source") or "publisher",
                              date=(entry.get("updated") or {}).get("date-time"),
                              label=entry.get("label")))
    return updates


def record_from_crossref(obj: Any, source: str = "crossref") -> Record:
    """Normalise a Crossref work. Notices *about* this work come from ``updated-by``.

    ``update-to`` means the opposite: this item is itself a notice about other works; it is kept in
    ``type`` (e.g. a retraction notice cited as if it were the article).
    """
    from citelint.service_schema import CrossrefWork, checked

    # Crossref's own answer always says (it lists ``updated-by`` when there are notices); a copy
    # in a snapshot says only when it kept the notice fields
    notices_known = isinstance(obj, dict) and any(key in obj for key in _CROSSREF_NOTICE_KEYS)
    obj = checked(CrossrefWork, obj)
    authors = None
    if "author" in obj:
        authors = [Author(family=a.get("family"), given=a.get("given"), name=a.get("name"),
                          orcid=a.get("ORCID")) for a in obj.get("author") or []]
    first, last = _split_pages(obj.get("page"))
    kind = obj.get("type")
    notice_of = [u for u in obj.get("update-to") or []
                 if str(u.get("type", "")).lower() in _CROSSREF_UPDATE_TYPES - {"new_version"}]
    if notice_of:
        kind = f"notice:{str(notice_of[0].get('type')).lower()}"
    issn = [str(i) for i in obj.get("ISSN") or []]
    return Record(
        source=source,
        doi=clean_doi(obj.get("DOI")),
        id=obj.get("URL"),
        title=strip_markup(_first(obj.get("title"))),
        subtitle=strip_markup(_first(obj.get("subtitle"))),
        authors=authors,
        journal=strip_markup(_first(obj.get("container-title"))),
        journal_short=[s for s in obj.get("short-container-title") or [] if s],
        issn=issn,
        isbn=[str(i) for i in obj.get("ISBN") or []],
        referenced_works=[doi for entry in obj.get("reference") or []
                          if (doi := clean_doi(entry.get("DOI")))],
        year=_year(obj.get("issued")) or _year(obj.get("published")),
        year_print=_year(obj.get("published-print")),
        year_online=_year(obj.get("published-online")),
        volume=obj.get("volume") or None,
        issue=obj.get("issue") or (obj.get("journal-issue") or {}).get("issue") or None,
        first_page=first,
        last_page=last,
        article_number=obj.get("article-number") or None,
        type=kind,
        publisher=obj.get("publisher"),
        abstract=strip_markup(obj.get("abstract")),
        keywords=[s for s in obj.get("subject") or [] if s],
        updates=_crossref_updates(obj),
        notices_known=notices_known,
    )


def abstract_from_inverted_index(index: dict[str, list[int]] | None) -> str | None:
    """Rebuild OpenAlex's ``abstract_inverted_index`` into plain text."""
    if not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions:
            slots[pos] = word
    return " ".join(slots[p] for p in sorted(slots)) or None


def openalex_key(value: object) -> str | None:
    """The short OpenAlex id ("W2741809807") of an id or URL ("https://openalex.org/W2741809807");
    None for anything else."""
    if not isinstance(value, str):
        return None
    tail = value.rstrip("/").rsplit("/", 1)[-1].upper()
    return tail if re.fullmatch(r"W\d+", tail) else None


def _openalex_keys(values: list[str] | None) -> list[str]:
    return [key for key in map(openalex_key, values or []) if key]


def _openalex_author(authorship: dict[str, Any]) -> Author:
    author = authorship.get("author") or {}
    name = authorship.get("raw_author_name") or author.get("display_name") or ""
    return Author(name=name or None, orcid=author.get("orcid"))


def _openalex_topic(topic: dict[str, Any]) -> dict[str, str]:
    out = {"topic": topic.get("display_name") or ""}
    for level in ("subfield", "field", "domain"):
        out[level] = (topic.get(level) or {}).get("display_name") or ""
    return out


def record_from_openalex(obj: Any, source: str = "openalex") -> Record:
    """Normalise an OpenAlex work (``/works/{id}`` or one item of a list)."""
    from citelint.service_schema import OpenAlexWork, checked

    obj = checked(OpenAlexWork, obj)
    biblio = obj.get("biblio") or {}
    first, last = biblio.get("first_page") or None, biblio.get("last_page") or None
    article_number = None
    if first and (last is None or last == first):
        # OpenAlex gives an article number as first == last page. E-locators ("e01567") and long
        # numbers are surely article numbers; a short one may be a one-page item, so it stays a
        # page, with last == first so that a cited range is still compared with it.
        if re.fullmatch(r"[A-Za-z]\d+", first) or (first.isdigit() and len(first) >= 5):
            article_number, first, last = first, None, None
    loc_source = ((obj.get("primary_location") or {}).get("source")) or {}
    ids = obj.get("ids") or {}
    pmid = ids.get("pmid")
    authorships = obj.get("authorships")
    topics = [_openalex_topic(t) for t in obj.get("topics") or []]
    if not topics and obj.get("primary_topic"):
        topics = [_openalex_topic(obj["primary_topic"])]
    return Record(
        source=source,
        doi=clean_doi(obj.get("doi")),
        id=obj.get("id"),
        title=strip_markup(obj.get("title") or obj.get("display_name")),
        authors=None if authorships is None else [_openalex_author(a) for a in authorships],
        journal=loc_source.get("display_name"),
        issn=[str(i) for i in loc_source.get("issn") or []],
        journal_id=str(loc_source["id"]).rsplit("/", 1)[-1] if loc_source.get("id") else None,
        year=obj.get("publication_year"),
        volume=biblio.get("volume") or None,
        issue=biblio.get("issue") or None,
        first_page=first,
        last_page=last,
        article_number=article_number,
        type=obj.get("type"),
        abstract=abstract_from_inverted_index(obj.get("abstract_inverted_index")),
        keywords=[k.get("display_name", "") for k in obj.get("keywords") or []
                  if isinstance(k, dict)],
        topics=topics,
        is_retracted=obj.get("is_retracted"),
        updates=[Update(type="retraction", source="openalex")] if obj.get("is_retracted") else [],
        pmid=pmid.rsplit("/", 1)[-1] if isinstance(pmid, str) else None,
        pmcid=_pmcid(ids.get("pmcid")),
        referenced_works=_openalex_keys(obj.get("referenced_works")),
        related_works=_openalex_keys(obj.get("related_works")),
    )
