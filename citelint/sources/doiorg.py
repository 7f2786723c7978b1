"""Is a DOI registered at all? Asked of the DOI system's handle API (``/api/handles/{doi}``).

Used for DOIs that Crossref and OpenAlex do not know (DataCite, mEDRA, JaLC…): a DOI the handle
system knows exists even when no metadata source has it; and for shortDOIs (``10/fqd6hj``), to
learn the DOI they stand for. It reads no metadata and follows no redirects to publishers'
sites.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

from citelint.doi import clean_doi, is_valid_doi
from citelint.sources import SourceUnavailable
from citelint.sources.transport import Transport

DEFAULT_URL = "https://doi.org"
HANDLE_FOUND = 1  # responseCode: the handle exists and values were returned
HANDLE_NOT_FOUND = 100  # responseCode: no such handle (sent with HTTP 404)
VALUES_NOT_FOUND = 200  # responseCode: the handle exists but has no value of the requested type


class DoiHandleSource:
    """The doi.org handle API. ``base_url`` defaults to ``CITELINT_DOI_URL`` or https://doi.org."""

    name = "doi.org"

    def __init__(self, transport: Transport, base_url: str | None = None) -> None:
        self.transport = transport
        self.base_url = (base_url or os.environ.get("CITELINT_DOI_URL") or DEFAULT_URL).rstrip("/")

    def __repr__(self) -> str:
        return f"DoiHandleSource(base_url={self.base_url!r})"

    def is_registered(self, doi: str) -> bool:
        """True when the DOI system knows ``doi``; False when it answers "no such handle".

        Raises :class:`~citelint.sources.SourceUnavailable` when it cannot tell.
        """
        handle = clean_doi(doi) or doi
        url = f"{self.base_url}/api/handles/{quote(handle, safe='/()')}"
        response = self.transport.get(url, {"type": "URL"}, service="doi.org", kind="handle")
        code = response.data.get("responseCode") if isinstance(response.data, dict) else None
        if response.status == 404:
            return False  # HTTP 404 (responseCode 100, or no JSON at all): not registered
        if code in (HANDLE_FOUND, VALUES_NOT_FOUND):
            return True
        if code == HANDLE_NOT_FOUND:
            return False
        raise SourceUnavailable(f"doi.org answered responseCode {code!r} for {handle}; "
                                "cannot tell whether it is registered.")

    def full_doi(self, short: str) -> str | None:
        """The DOI a shortDOI (``10/fqd6hj``) stands for, or None when the DOI system has no
        such shortDOI. A shortDOI is a handle alias: its record holds an ``HS_ALIAS`` value
        naming the DOI (a resolver that follows the alias answers with the DOI's own handle
        instead, which is read as well).

        Raises :class:`~citelint.sources.SourceUnavailable` when it cannot tell.
        """
        handle = clean_doi(short) or short
        url = f"{self.base_url}/api/handles/{quote(handle, safe='/')}"
        response = self.transport.get(url, {}, service="doi.org", kind="handle")
        data = response.data if isinstance(response.data, dict) else {}
        code = data.get("responseCode")
        if response.status == 404 or code == HANDLE_NOT_FOUND:
            return None
        if code != HANDLE_FOUND:
            raise SourceUnavailable(f"doi.org answered responseCode {code!r} for {handle}; "
                                    "cannot tell which DOI it stands for.")
        for value in data.get("values") or []:
            target = (value.get("data") or {}).get("value") if isinstance(value, dict) else None
            if value.get("type") == "HS_ALIAS" and isinstance(target, str):
                return clean_doi(re.sub(r"^(?:hdl|doi):", "", target.strip()))
        named = clean_doi(str(data.get("handle") or ""))
        if named and named != handle and is_valid_doi(named):
            return named
        raise SourceUnavailable(f"doi.org knows {handle} but names no DOI for it.")
