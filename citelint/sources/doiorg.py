"""Is a DOI registered at all? Asked of the DOI system's handle API (``/api/handles/{doi}``).

Used for DOIs that Crossref and OpenAlex do not know (DataCite, mEDRA, JaLC…): a DOI the handle
system knows exists even when no metadata source has it; and for shortDOIs (``10/fqd6hj``), to
learn the DOI they stand for. It reads no metadata and follows no redirects to publishers'
sites.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from citelint.doi import clean_doi, is_valid_doi
from citelint.sources import SourceUnavailable
from citelint.sources.transport import Response, Transport, path_segment

DEFAULT_URL = "https://doi.org"
HANDLE_FOUND = 1  # responseCode: the handle exists and values were returned
HANDLE_NOT_FOUND = 100  # responseCode: no such handle (sent with HTTP 404)
VALUES_NOT_FOUND = 200  # responseCode: the handle exists but has no value of the requested type


def accept_handle(handle: str, same_name: bool = True) -> Callable[[Response], None]:
    """A check of a handle API answer about ``handle``: JSON with a ``responseCode`` that fits
    the HTTP status (100 only with 404) and, when ``same_name``, naming that handle. A 404
    without it, e.g. from a wrong path or another server, says nothing about the DOI."""

    def accept(response: Response) -> None:
        data = response.data if isinstance(response.data, dict) else {}
        code = data.get("responseCode")
        named = data.get("handle")
        if response.status == 404 and code != HANDLE_NOT_FOUND:
            raise ValueError("HTTP 404 without the handle API's responseCode 100 (another path "
                             "or server?)")
        if response.status == 200 and code not in (HANDLE_FOUND, VALUES_NOT_FOUND):
            raise ValueError(f"responseCode {code!r} with HTTP 200")
        if not isinstance(named, str) or (same_name and named.lower() != handle.lower()):
            raise ValueError(f"it names the handle {named!r}, not {handle!r}")

    return accept


class DoiHandleSource:
    """The doi.org handle API. ``base_url`` defaults to ``CITELINT_DOI_URL`` or https://doi.org."""

    name = "doi.org"

    def __init__(self, transport: Transport, base_url: str | None = None) -> None:
        self.transport = transport
        self.base_url = (base_url or os.environ.get("CITELINT_DOI_URL") or DEFAULT_URL).rstrip("/")
        transport.allow(self.base_url)

    def __repr__(self) -> str:
        return f"DoiHandleSource(base_url={self.base_url!r})"

    def is_registered(self, doi: str) -> bool:
        """True when the DOI system knows ``doi``; False only when the handle API itself answers
        "no such handle" (HTTP 404 with ``responseCode`` 100 naming it).

        Raises :class:`~citelint.sources.SourceUnavailable` when it cannot tell.
        """
        handle = clean_doi(doi) or doi
        url = f"{self.base_url}/api/handles/{path_segment(handle)}"
        response = self.transport.get(url, {"type": "URL"}, service="doi.org", kind="handle",
                                      accept=accept_handle(handle))
        return response.status == 200

    def full_doi(self, short: str) -> str | None:
        """The DOI a shortDOI (``10/fqd6hj``) stands for, or None when the DOI system has no
        such shortDOI. A shortDOI is a handle alias: its record holds an ``HS_ALIAS`` value
        naming the DOI (a resolver that follows the alias answers with the DOI's own handle
        instead, which is read as well).

        Raises :class:`~citelint.sources.SourceUnavailable` when it cannot tell.
        """
        handle = clean_doi(short) or short
        url = f"{self.base_url}/api/handles/{path_segment(handle)}"
        response = self.transport.get(url, {}, service="doi.org", kind="handle",
                                      accept=accept_handle(handle, same_name=False))
        data = response.data if isinstance(response.data, dict) else {}
        code = data.get("responseCode")
        if response.status == 404:
            return None
        if code != HANDLE_FOUND:
            raise SourceUnavailable(f"doi.org answered responseCode {code!r} for {handle}; "
                                    "cannot tell which DOI it stands for.")
        for value in data.get("values") or []:
            target = (value.get("data") or {}).get("value") if isinstance(value, dict) else None
            if isinstance(target, str) and value.get("type") == "HS_ALIAS":
                return clean_doi(re.sub(r"^(?:hdl|doi):", "", target.strip()))
        named = clean_doi(str(data.get("handle") or ""))
        if named and named != handle and is_valid_doi(named):
            return named
        raise SourceUnavailable(f"doi.org knows {handle} but names no DOI for it.")
