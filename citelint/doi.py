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


def find_doi(text: str) -> tuple[str | None, str | None]:
    """Find a DOI in free text. Returns ``(doi, as_written)``; both None when there is none."""
    match = re.search(r"(?:https?://(?:dx\.)?doi\.org/|doi\s*:?\s*)?" + _FIND_RE.pattern, text,
                      re.IGNORECASE)
    if not match and (short := _FIND_SHORT.search(text)):
        return clean_doi(short.group(1)), short.group(0)
    if not match:
        # a DOI label followed by something that is not a DOI at all: keep it so it can be judged
        label = re.search(r"\bdoi\s*:\s*(\S+)", text, re.IGNORECASE)
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
