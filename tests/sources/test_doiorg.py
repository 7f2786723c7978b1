"""DoiHandleSource asks the handle API whether a DOI is registered at all."""

from __future__ import annotations

import pytest

from citelint.sources import SourceUnavailable
from citelint.sources.doiorg import DoiHandleSource


def test_a_registered_doi_is_found(fake_api, fast_transport):
    assert DoiHandleSource(fast_transport).is_registered("https://doi.org/10.1038/srep16696")
    request = fake_api.requests[0]
    assert (request.service, request.path) == ("doi", "/api/handles/10.1038/srep16696")


def test_a_datacite_doi_unknown_to_crossref_is_still_registered(fake_api, fast_transport):
    fake_api.registered.add("10.5281/zenodo.1234567")
    assert DoiHandleSource(fast_transport).is_registered("10.5281/zenodo.1234567")


def test_an_unregistered_doi_is_not_found(fake_api, fast_transport):
    assert not DoiHandleSource(fast_transport).is_registered("10.9999/not-a-real-doi")
    assert fake_api.requests[0].status == 404


def test_a_failure_is_not_a_no(fake_api, fast_transport):
    fake_api.down("doi")
    with pytest.raises(SourceUnavailable, match="doi.org answered HTTP 503"):
        DoiHandleSource(fast_transport).is_registered("10.1038/srep16696")


def test_a_short_doi_stands_for_the_doi_its_alias_names(fake_api, fast_transport):
    fake_api.aliases["10/fqd6hj"] = "10.1038/srep16696"
    assert DoiHandleSource(fast_transport).full_doi("https://doi.org/10/FQD6HJ") == (
        "10.1038/srep16696")
    assert fake_api.requests[0].path == "/api/handles/10/fqd6hj"


def test_an_unknown_short_doi_stands_for_nothing(fake_api, fast_transport):
    assert DoiHandleSource(fast_transport).full_doi("10/zzzzzz") is None


def test_a_failure_to_expand_a_short_doi_is_not_a_no(fake_api, fast_transport):
    fake_api.down("doi")
    with pytest.raises(SourceUnavailable):
        DoiHandleSource(fast_transport).full_doi("10/fqd6hj")
