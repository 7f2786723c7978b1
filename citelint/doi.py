"""DOI syntax: pull a DOI out of what people write, and judge whether it is well formed.

Only string handling lives here; whether a DOI is *registered* is the sources' business.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# Crossref's recommended pattern for modern DOIs, plus the rarer shapes it lists.
_DOI_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:<>\[\]A-Za-z0-9\u00C0-\uFFFF]+$")
_PREFIXES = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi\s*:\s*|doi\s+|urn:doi:|info:doi/)", re.IGNORECASE
)
_FIND_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
# a shortDOI (https://shortdoi.org): an alias of a DOI, "10/" and a short code, which doi.org
# resolves like the DOI itself
_SHORT_RE = re.compile(r"^10/[a-z0-9]{2,12}$")
_FIND_SHORT = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi\s*:?\s*)(10/[A-Za-z0-9]{2,12})\b",
                         re.IGNORECASE)
_TRAILING = ".,;:)]}>'\"\u201d\u2019"


def clean_doi(text: str | None) -> str | None:
    """Strip resolver prefixes, ``doi:`` labels, URL escapes and trailing punctuation.

    Returns the DOI in lower case (DOIs are case-insensitive), or None for empty input. The result
    is not necessarily valid: call :func:`is_valid_doi` to judge it.
    """
    if not text:
        return None
    doi = unquote(text.strip())
    doi = _PREFIXES.sub("", doi).strip()
    while doi and doi[-1] in _TRAILING:
        # keep a closing bracket that balances one inside the DOI: 10.1016/S0140-6736(20)30183-5
        if doi[-1] == ")" and doi.count("(") >= doi.count(")"):
            break
        doi = doi[:-1]
    return doi.lower() or None


def is_valid_doi(doi: str | None) -> bool:
    """True when ``doi`` (already cleaned) has the syntax of a DOI: ``10.<registrant>/<suffix>``."""
    return bool(doi) and bool(_DOI_RE.match(doi or ""))


def is_short_doi(doi: str | None) -> bool:
    """True when ``doi`` (already cleaned) is a shortDOI such as ``10/fqd6hj``: an alias the DOI
    system resolves to a full DOI, not a malformed one."""
    return bool(doi) and bool(_SHORT_RE.match(doi or ""))


# a DOI with the resolver or label written before it
_FIND_WRITTEN = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi\s*:?\s*)?" + _FIND_RE.pattern,
                           re.IGNORECASE)
_FIND_LABEL = re.compile(r"\bdoi\s*:\s*(\S+)", re.IGNORECASE)


def find_doi(text: str) -> tuple[str | None, str | None]:
    """Find a DOI in free text. Returns ``(doi, as_written)``; both None when there is none."""
    # both patterns hold a literal "10." or "10/": most citations have neither, and are not
    # scanned for them
    match = _FIND_WRITTEN.search(text) if "10." in text else None
    if not match and "10/" in text and (short := _FIND_SHORT.search(text)):
        return clean_doi(short.group(1)), short.group(0)
    if not match:
        # a DOI label followed by something that is not a DOI at all: keep it so it can be judged
        label = _FIND_LABEL.search(text)
        if label:
            return clean_doi(label.group(1)), label.group(0)
        return None, None
    return clean_doi(match.group(0)), match.group(0)


# arXiv identifiers: new style "2101.12345" (since 2007, 4 or 5 digits after the dot) and old
# style "hep-th/9901001" (archive, optional subject class, YYMMNNN), each with an optional version
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"^(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?P<version>v\d+)?$", re.IGNORECASE)
_FIND_ARXIV = re.compile(
    rf"(?:\barxiv\s*:\s*|\barxiv\.org/(?:abs|pdf)/)(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?",
    re.IGNORECASE)
ARXIV_PREFIX = "10.48550/arxiv."


def find_arxiv(text: str) -> str | None:
    """The arXiv id written in ``text`` ("arXiv:2101.12345v2", "arXiv:hep-th/9901001",
    "arxiv.org/abs/..."), without its version, or None."""
    match = _FIND_ARXIV.search(text)
    return match.group("id") if match else None


def arxiv_id(value: str | None) -> str | None:
    """An arXiv id given on its own ("2101.12345v2", "arXiv:hep-th/9901001", as a BibTeX
    ``eprint`` holds it), without its version; None when ``value`` is not an arXiv id."""
    if not value:
        return None
    match = _ARXIV_ID.match(re.sub(r"^\s*arxiv\s*:\s*", "", value, flags=re.IGNORECASE).strip())
    return match.group("id") if match else None


def arxiv_doi(arxiv_id: str) -> str | None:
    """The DOI arXiv registers (with DataCite) for an arXiv id: ``10.48550/arxiv.<id>``, without
    the version, which has no DOI of its own. None when ``arxiv_id`` is not an arXiv id."""
    match = _ARXIV_ID.match(arxiv_id.strip())
    return f"{ARXIV_PREFIX}{match.group('id').lower()}" if match else None


def registered_arxiv_doi(doi: str | None) -> str | None:
    """For a versioned arXiv DOI (``10.48550/arxiv.2101.12345v2``), the registered unversioned
    DOI; None for any other DOI (an unversioned arXiv DOI included)."""
    if not doi or not doi.startswith(ARXIV_PREFIX):
        return None
    match = _ARXIV_ID.match(doi[len(ARXIV_PREFIX):])
    if match is None or not match.group("version"):
        return None
    return arxiv_doi(match.group("id"))


# ISBNs: "ISBN 978-0-306-40615-7", "ISBN-10: 0 306 40615 2"; the digits may be grouped by hyphens
# or spaces; ISBN-10's check digit may be X
_ISBN_DIGITS = r"(?P<isbn>(?:\d[\s\-\u2010\u2011]?){8,12}[\dXx])(?![\w\-])"
FIND_ISBN = re.compile(rf"\bISBN(?:-?1[03])?\s*:?\s*{_ISBN_DIGITS}", re.IGNORECASE)
_BARE_ISBN = re.compile(rf"^\s*(?:ISBN(?:-?1[03])?\s*:?\s*)?{_ISBN_DIGITS}", re.IGNORECASE)


def find_isbn(text: str, labelled: bool = True) -> str | None:
    """The first ISBN in ``text``, compacted (no spaces or hyphens, X upper-case); None when there
    is none. With ``labelled`` (free text) only a number after "ISBN" counts; otherwise (a
    field that holds ISBNs) the field's first number does. Its check digit is not judged here."""
    match = (FIND_ISBN.search if labelled else _BARE_ISBN.match)(text)
    return re.sub(r"[^\dX]", "", match.group("isbn").upper()) if match else None


def isbn_problem(isbn: str) -> str | None:
    """Why a compacted ISBN is not a valid one (a sentence), or None when it is."""
    from stdnum import isbn as stdnum_isbn
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

    try:
        stdnum_isbn.validate(isbn)
    except InvalidChecksum:
        return (f"its check digit ({isbn[-1]}) does not fit the digits before it, so one of its "
                "digits is wrong")
    except InvalidLength:
        return f"an ISBN has 10 or 13 digits, and this one has {len(isbn)}"
    except InvalidComponent:
        return "a 13-digit ISBN begins with 978 or 979"
    except ValidationError:
        return "it is not written as an ISBN is (digits, and X only as an ISBN-10's last)"
    return None


def same_isbn(a: str, b: str) -> bool:
    """Two ISBNs of one book, each written as ISBN-10 or ISBN-13 ("0306406152" is
    "9780306406157")."""
    from stdnum import isbn as stdnum_isbn
    from stdnum.exceptions import ValidationError

    try:
        return bool(stdnum_isbn.to_isbn13(a) == stdnum_isbn.to_isbn13(b))
    except ValidationError:
        return stdnum_isbn.compact(a) == stdnum_isbn.compact(b)
