"""Build the online sources from the environment, and manage their shared response cache.

One function, :func:`sources_from_environment`, reads the configuration contract (``CITELINT_*``
variables; arguments win over the environment) and returns Crossref then OpenAlex sharing one
transport. :func:`cache_info` and :func:`cache_clear` back ``citelint cache info|clear``.
Nothing here touches the network by itself, and nothing here prints or returns the API key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from citelint.sources import Source
from citelint.sources.crossref import CrossrefSource
from citelint.sources.doiorg import DoiHandleSource
from citelint.sources.openalex import OpenAlexSource
from citelint.sources.transport import ResponseCache, Transport, default_cache_dir, env_flag


def sources_from_environment(offline: bool = False, mailto: str | None = None,
                             cache_dir: str | Path | None = None, api_key: str | None = None,
                             transport: Transport | None = None,
                             **transport_options: Any) -> list[Source]:
    """Crossref, then OpenAlex, configured from arguments and ``CITELINT_*`` variables.

    Both share one :class:`Transport` (reachable as ``source.transport``: its ``stats()`` feeds the
    report). ``offline`` (or ``CITELINT_OFFLINE=1``) answers from the cache only. The DOI handle
    checker for the same transport is :class:`DoiHandleSource` (``CITELINT_DOI_URL``).
    """
    mailto = mailto or os.environ.get("CITELINT_MAILTO") or None
    if transport is None:
        transport = Transport(cache_dir=cache_dir, offline=offline or env_flag("CITELINT_OFFLINE"),
                              mailto=mailto, **transport_options)
    return [CrossrefSource(transport, mailto=mailto),
            OpenAlexSource(transport, api_key=api_key, mailto=mailto)]


def doi_handles_for(sources: list[Source]) -> DoiHandleSource | None:
    """The doi.org handle checker sharing the transport of ``sources`` (None if they have none)."""
    transport = next((getattr(s, "transport", None) for s in sources
                      if isinstance(getattr(s, "transport", None), Transport)), None)
    return DoiHandleSource(transport) if transport else None


def cache_info(cache_dir: str | Path | None = None) -> dict[str, Any]:
    """Where the response cache lives, how many answers it holds and their size in bytes."""
    return ResponseCache(Path(cache_dir) if cache_dir else default_cache_dir()).info()


def cache_clear(cache_dir: str | Path | None = None) -> int:
    """Delete every cached answer; returns how many were removed."""
    return ResponseCache(Path(cache_dir) if cache_dir else default_cache_dir()).clear()
