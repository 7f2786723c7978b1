"""CrossrefSource drives the real crossrefapi code through the transport against the fake API."""

from __future__ import annotations

import pytest
from crossref import restful

from citelint.models import Reference
from citelint.sources import PartialAnswer, SourceUnavailable
from citelint.sources.crossref import CrossrefSource

CITATION = ("Hilbig K, et al. Single-molecule FRET studies on alpha-synuclein oligomerization "
            "of Parkinson's disease genetically related mutants. Sci Rep 2015;5:16696.")


def test_known_dois_become_records_and_unknown_ones_are_absent(fake_api, fast_transport):
    source = CrossrefSource(fast_transport)
    found = source.works_by_doi(["10.1038/SREP16696", "10.1371/notarealdoi"])
    assert list(found) == ["10.1038/srep16696"]
    record = found["10.1038/srep16696"]
    assert record.source == "crossref" and record.article_number == "16696"
    [request] = fake_api.requests
    assert request.path == "/works"
    assert request.query["filter"] == "doi:10.1038/srep16696,doi:10.1371/notarealdoi"
    assert request.query["rows"] == "2"


def test_dois_are_looked_up_in_batches(fake_api, fast_transport):
    dois = ["10.1038/srep16696", "10.7554/elife.01567"] + [f"10.9999/fake.{n}" for n in range(5)]
    found = CrossrefSource(fast_transport, batch_size=3).works_by_doi(dois)
    assert set(found) == {"10.1038/srep16696", "10.7554/elife.01567"}
    assert fake_api.count("crossref") == 3
    asked = [d for r in fake_api.requests for d in r.query["filter"].split(",")]
    assert sorted(asked) == sorted(f"doi:{d}" for d in dois)


def test_a_doi_that_cannot_go_in_a_filter_is_asked_on_its_own(fake_api, fast_transport):
    odd = "10.1002/(sici)1097-4636(199603)31:3<355::aid-jbm8>3.0.co;2-m"
    found = CrossrefSource(fast_transport).works_by_doi(["10.1038/srep16696", odd])
    assert list(found) == ["10.1038/srep16696"]
    paths = sorted(r.path for r in fake_api.requests)
    assert paths == ["/works", f"/works/{odd}"]


def test_requests_go_through_crossrefapi_to_the_configured_url(fake_api, fast_transport):
    source = CrossrefSource(fast_transport, mailto="editor@example.org")
    assert isinstance(source._works, restful.Works)
    assert source.base_url == f"{fake_api.url}/crossref"  # from CITELINT_CROSSREF_URL
    source.works_by_doi(["10.7554/elife.01567"])
    request = fake_api.requests[0]
    assert request.path == "/works"
    assert request.query["filter"] == "doi:10.7554/elife.01567"
    assert request.query["mailto"] == "editor@example.org"
    assert "mailto:editor@example.org" in request.headers["user-agent"]


def test_search_sends_the_whole_citation_as_query_bibliographic(fake_api, fast_transport):
    results = CrossrefSource(fast_transport).search(Reference(1, CITATION), rows=2)
    request = fake_api.requests[0]
    assert request.path == "/works"
    assert request.query["query.bibliographic"] == CITATION
    assert request.query["rows"] == "2"
    assert {"DOI", "title", "author", "updated-by"} <= set(request.query["select"].split(","))
    assert results[0].doi == "10.1038/srep16696"
    assert len(results) <= 2 and all(r.source == "crossref" for r in results)


def test_a_failing_lookup_is_unavailable_not_absent(fake_api, fast_transport):
    fake_api.down("crossref")
    with pytest.raises(SourceUnavailable, match="Crossref answered HTTP 503") as caught:
        CrossrefSource(fast_transport).works_by_doi(["10.1038/srep16696", "10.7554/elife.01567"])
    assert isinstance(caught.value, PartialAnswer)
    assert caught.value.found == {}
    assert caught.value.failed == ["10.1038/srep16696", "10.7554/elife.01567"]


def test_a_partial_failure_keeps_what_arrived(fake_api, fast_transport):
    fake_api.fail("crossref", times=3, status=503)  # exhausts one DOI's three attempts
    source = CrossrefSource(fast_transport, workers=1, batch_size=1)
    with pytest.raises(PartialAnswer) as caught:
        source.works_by_doi(["10.1038/srep16696", "10.7554/elife.01567"])
    assert list(caught.value.found) == ["10.7554/elife.01567"]
    assert caught.value.failed == ["10.1038/srep16696"]


def test_journal_works_lists_a_journals_works_of_one_year(fake_api, fast_transport):
    # issue 11 item 5: is the cited journal indexed for the cited year? (Scientific Reports
    # 2015 holds doi:10.1038/srep16696 among the recorded examples)
    source = CrossrefSource(fast_transport)
    works = source.journal_works("Sci Rep", 2015)
    assert "10.1038/srep16696" in [w.doi for w in works]
    assert fake_api.count("crossref", "/works", **{"query.container-title": "Sci Rep"}) == 1
    assert source.journal_works("Sci Rep", 1990) == []


@pytest.mark.parametrize(("mailto", "lanes"), [
    ("editor@example.org", {"single": (10, 3), "list": (3, 3)}),  # the polite pool
    (None, {"single": (5, 1), "list": (1, 1)}),  # the public pool
])
def test_each_lane_starts_at_the_limits_crossref_documents_for_the_pool(
        fast_transport, mailto, lanes):
    CrossrefSource(fast_transport, mailto=mailto)
    for lane, (rate, in_flight) in lanes.items():
        pacer = fast_transport.pacer("Crossref", lane)
        assert (pacer.limit, pacer.interval, pacer.concurrency) == (rate, 1.0, in_flight)


def test_before_the_first_answer_polite_searches_go_three_at_a_time(fake_api, fast_transport):
    from concurrent.futures import ThreadPoolExecutor

    fake_api.rate_limit("crossref", limit=3, interval=1.0, concurrency=3, retry_after=1,
                        lane="list")
    fake_api.latency(1.5)  # far longer than it takes to send three requests
    fast_transport.timeout = (5.0, 5.0)
    source = CrossrefSource(fast_transport, mailto="editor@example.org")
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda n: source.search(Reference(n, f"{CITATION} {n}"), rows=1),
                      range(3)))
    first_answer = min(r.answered for r in fake_api.requests)
    assert all(r.at < first_answer for r in fake_api.requests)  # none waited for an answer
    assert fake_api.rejected_by_rate_limit == 0
