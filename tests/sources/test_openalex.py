"""OpenAlexSource drives the real pyalex code through the transport against the fake API."""

from __future__ import annotations

import email.utils
import logging
import time

import pytest

from citelint.models import Reference
from citelint.sources import SourceUnavailable
from citelint.sources.openalex import OpenAlexSource

SECRET = "oa-test-key-9d1e2f-must-not-leak"


def test_150_dois_take_two_filter_calls(fake_api, fast_transport):
    dois = [f"10.5555/fake.{n}" for n in range(148)] + ["10.1038/srep16696",
                                                       "10.7554/elife.01567"]
    source = OpenAlexSource(fast_transport)
    found = source.works_by_doi(dois)
    assert sorted(found) == ["10.1038/srep16696", "10.7554/elife.01567"]
    calls = [r for r in fake_api.requests if r.service == "openalex"]
    assert len(calls) == 2
    assert sorted(int(r.query["per-page"]) for r in calls) == [50, 100]
    assert all(r.query["filter"].startswith("doi:") and r.path == "/works" for r in calls)
    assert source.stats() == {"singleton": 0, "list": 2, "search": 0}


def test_records_are_read_from_openalex_json(fake_api, fast_transport):
    record = OpenAlexSource(fast_transport).works_by_doi(["10.7554/elife.01567"])[
        "10.7554/elife.01567"]
    assert record.source == "openalex"
    assert record.id == "https://openalex.org/W2121398592"  # the recorded work, not a derived one
    assert record.article_number == "e01567"


def test_search_is_counted_apart_from_list_calls(fake_api, fast_transport):
    source = OpenAlexSource(fast_transport)
    results = source.search(Reference(1, "raw text", title="Automated quantitative histology "
                                      "reveals vascular morphodynamics"), rows=3)
    assert results and results[0].doi == "10.7554/elife.01567"
    assert fake_api.requests[0].query["search"].startswith("Automated quantitative histology")
    assert fake_api.requests[0].query["per-page"] == "3"
    assert source.stats() == {"singleton": 0, "list": 0, "search": 1}


def test_strings_that_are_not_dois_are_not_asked(fake_api, fast_transport):
    assert OpenAlexSource(fast_transport).works_by_doi(["10.1000/a,b", "not a doi", ""]) == {}
    assert fake_api.requests == []


def test_a_429_with_an_http_date_is_waited_out(fake_api, fast_transport):
    fake_api.fail("openalex", status=429,
                  retry_after=email.utils.formatdate(time.time() + 1, usegmt=True))
    assert "10.1038/srep16696" in OpenAlexSource(fast_transport).works_by_doi(
        ["10.1038/srep16696"])
    assert fake_api.count("openalex") == 2


def test_the_api_key_is_sent_but_never_shown(fake_api, fast_transport, monkeypatch, caplog,
                                             tmp_path):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OPENALEX_API_KEY", SECRET)
    source = OpenAlexSource(fast_transport)
    source.works_by_doi(["10.1038/srep16696"])
    assert fake_api.requests[0].query["api_key"] == "<redacted>"
    fake_api.down("openalex")
    with pytest.raises(SourceUnavailable) as caught:
        source.search(Reference(1, "anything", title="anything at all"))
    for text in (str(caught.value), repr(caught.value), repr(source), repr(source.http),
                 caplog.text, str(vars(source))):
        assert SECRET not in text
    for path in (tmp_path / "cache").rglob("*"):
        assert SECRET not in str(path)
        assert path.is_dir() or SECRET not in path.read_text(encoding="utf-8")


def test_openalex_down_is_unavailable(fake_api, fast_transport):
    fake_api.down("openalex")
    with pytest.raises(SourceUnavailable, match="OpenAlex answered HTTP 503 three times"):
        OpenAlexSource(fast_transport).works_by_doi(["10.1038/srep16696"])


def test_journal_works_finds_the_journal_among_sources_then_its_works_of_one_year(
        fake_api, fast_transport):
    # issue 11 item 5: is the cited journal indexed in OpenAlex for the cited year? Scientific
    # Reports 2015 (doi:10.1038/srep16696 served as an OpenAlex work derived from Crossref's)
    source = OpenAlexSource(fast_transport, f"{fake_api.url}/openalex")
    works = source.journal_works("Sci Rep", 2015)
    assert [w.doi for w in works] == ["10.1038/srep16696"]
    assert works[0].journal == "Scientific Reports" and works[0].volume == "5"
    assert fake_api.count("openalex", "/sources", search="Sci Rep") == 1
    assert source.journal_works("Sci Rep", 1990) == []
    # a journal OpenAlex has no source for: no works, and no works query is sent
    before = fake_api.count("openalex", "/works")
    assert source.journal_works("Annals of Invented Agronomy", 2015) == []
    assert fake_api.count("openalex", "/works") == before
