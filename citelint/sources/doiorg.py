"""Is a DOI registered at all? Asked of the DOI system's handle API (``/api/handles/{doi}``).

Used for DOIs that Crossref and OpenAlex do not know (DataCite, mEDRA, JaLC…): a DOI the handle
system knows exists even when no metadata source has it. This module answers only that yes/no
question; it reads no metadata and follows no redirects to publishers' sites.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from citelint.doi import clean_doi
from citelint.sources.transport import Response, Transport, path_segment

DEFAULT_URL = "https://doi.org"
HANDLE_FOUND = 1  # responseCode: the handle exists and values were returned
HANDLE_NOT_FOUND = 100  # responseCode: no such handle (sent with HTTP 404)
VALUES_NOT_FOUND = 200  # responseCode: the handle exists but has no value of the requested type


def accept_handle(handle: str) -> Callable[[Response], None]:
    """A check of a handle API answer about ``handle``: JSON naming that handle, with a
    ``responseCode`` that fits the HTTP status (100 only with 404). A 404 without it, e.g. from a
    wrong path or another server, says nothing about the DOI."""

    def accept(response: Response) -> None:
        data = response.data if isinstance(response.data, dict) else {}
        code = data.get("responseCode")
        named = data.get("handle")
        if response.status == 404 and code != HANDLE_NOT_FOUND:
            raise ValueError("HTTP 404 without the handle API's responseCode 100 (another path "
                             "or server?)")
        if response.status == 200 and code not in (HANDLE_FOUND, VALUES_NOT_FOUND):
            raise ValueError(f"responseCode {code!r} with HTTP 200")
        if not isinstance(named, str) or named.lower() != handle.lower():
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
