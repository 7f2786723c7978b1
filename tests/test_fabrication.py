"""A journal article no source holds, in a journal the sources index for that year, is an error
with the evidence (issue 11 item 5); elsewhere absence stays a warning that says why."""

from __future__ import annotations

from factories import cited, record

from citelint.api import check
from citelint.config import Config
from citelint.models import Reference
from citelint.resolve import Resolver, venue_holdings
from citelint.sources.crossref import CrossrefSource
from citelint.sources.openalex import OpenAlexSource

SREP_REAL = ("Tosatto L, Horrocks MH, Dear AJ, Knowles TPJ, Dalla Serra M, et al. "
             "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson's "
             "disease genetically related mutants. Sci Rep. 2015;5:16696.")
INVENTED = ("Keller P, Brandt S. Quantum tunnelling of soil microbes under drought. Sci Rep. "
            "2015;5:18812.")
UNINDEXED = ("Ortiz L, Brandt S. Drought memory in grassland fungi. Annals of Invented "
             "Agronomy. 2015;5:1-12.")


def _sources(fake_api, transport) -> list:
    return [CrossrefSource(transport, f"{fake_api.url}/crossref"),
            OpenAlexSource(transport, f"{fake_api.url}/openalex")]


def test_an_invented_article_in_an_indexed_journal_is_an_error(tmp_path, fake_api,
                                                                fast_transport):
    path = tmp_path / "refs.txt"
    lines = [SREP_REAL, INVENTED, UNINDEXED]
    path.write_text("References\n\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(lines, 1))
                    + "\n", encoding="utf-8")
    report = check(path, config=Config(disable=["off-topic"]),
                   sources=_sources(fake_api, fast_transport))
    real, invented, unindexed = report.results
    assert real.status == "verified", [f.message for f in real.findings]
    [finding] = [f for f in invented.findings if f.rule == "reference-not-found"]
    assert invented.status == "not-found" and finding.severity == "error"
    assert "Sci Rep volume 5 (2015) is indexed" in finding.message
    assert "doi:10.1038/srep16696" in finding.message
    [doubt] = [f for f in unindexed.findings if f.rule == "reference-not-found"]
    assert doubt.severity == "warning" and "may not be indexed" in doubt.message


def test_a_failed_journal_query_gives_no_evidence_and_no_error(tmp_path, fake_api,
                                                                fast_transport):
    sources = _sources(fake_api, fast_transport)
    reference = Reference(index=1, raw=INVENTED, title="Quantum tunnelling of soil microbes",
                          journal="Sci Rep", year=2015, volume="5", authors=cited("Keller P"))
    fake_api.fail("crossref", times=20)  # the searches and the journal query all fail
    [match] = Resolver(sources).resolve([reference])
    assert match.venue == [] and match.failures


def test_venue_holdings_count_only_the_cited_journal_and_year():
    reference = Reference(index=1, raw="x", journal="Ecol Lett", year=2020, volume="23")
    records = [record(journal="Ecology Letters", journal_short=["Ecol Lett"], year=2020,
                      volume="23", doi="10.1/a"),
               record(journal="Ecology", year=2020, doi="10.1/b"),
               record(journal="Ecology Letters", year=2019, doi="10.1/c")]
    holdings = venue_holdings("crossref", reference, records)
    assert (holdings.works, holdings.volume, holdings.sample) == (1, "23", ["10.1/a"])


def test_openalex_alone_shows_the_journal_is_indexed(fake_api, fast_transport):
    # issue 11 item 5: the journal-indexed evidence from OpenAlex (its sources, then the
    # source's works of the cited year), with Crossref not configured
    openalex = OpenAlexSource(fast_transport, f"{fake_api.url}/openalex")
    reference = Reference(index=1, raw=INVENTED, title="Quantum tunnelling of soil microbes "
                          "under drought", journal="Sci Rep", year=2015, volume="5",
                          authors=cited("Keller P", "Brandt S"))
    [match] = Resolver([openalex]).resolve([reference])
    assert match.record is None and not match.failures
    [holdings] = match.venue
    assert (holdings.source, holdings.works, holdings.volume) == ("openalex", 1, "5")
    assert holdings.sample == ["10.1038/srep16696"]


def test_the_journal_is_asked_of_the_next_source_only_while_no_source_shows_it_indexed(
        fake_api, fast_transport):
    # issue 16 item 4: once one source holds works of the cited journal and year, the verdict
    # is settled; a journal no source holds is asked of every source
    sources = _sources(fake_api, fast_transport)
    invented = Reference(index=1, raw=INVENTED, title="Quantum tunnelling of soil microbes "
                         "under drought", journal="Sci Rep", year=2015, volume="5",
                         authors=cited("Keller P", "Brandt S"))
    unindexed = Reference(index=2, raw=UNINDEXED, title="Drought memory in grassland fungi",
                          journal="Annals of Invented Agronomy", year=2015, volume="5",
                          authors=cited("Ortiz L", "Brandt S"))
    [match] = Resolver(sources).resolve([invented])
    assert [(v.source, v.works > 0) for v in match.venue] == [("crossref", True)]
    assert not [r for r in fake_api.requests if r.service == "openalex" and r.path == "/sources"]
    fake_api.clear_log()
    [match] = Resolver(sources).resolve([unindexed])
    assert [(v.source, v.works) for v in match.venue] == [("crossref", 0), ("openalex", 0)]
    assert [r for r in fake_api.requests if r.service == "openalex" and r.path == "/sources"]


def test_a_journal_openalex_named_in_the_cited_dois_answers_is_asked_of_openalex_first(
        fake_api, fast_transport):
    # issue 16, third pass: OpenAlex's answer to the cited DOIs gave the journal's id, so one
    # OpenAlex request settles the evidence, and Crossref's list lane (the slowest) is spared
    sources = _sources(fake_api, fast_transport)
    real = Reference(index=1, raw=SREP_REAL, doi="10.1038/srep16696", journal="Sci Rep",
                     year=2015, volume="5", title="Single-molecule FRET studies on "
                     "alpha-synuclein oligomerization of Parkinson's disease genetically related "
                     "mutants", authors=cited("Tosatto L", "Horrocks MH"))
    invented = Reference(index=2, raw=INVENTED, title="Quantum tunnelling of soil microbes "
                         "under drought", journal="Sci Rep", year=2015, volume="5",
                         authors=cited("Keller P", "Brandt S"))
    _, match = Resolver(sources).resolve([real, invented])
    assert [(v.source, v.works, v.volume, v.sample) for v in match.venue] == [
        ("openalex", 1, "5", ["10.1038/srep16696"])]
    assert not fake_api.count("openalex", "/sources")
    journal_lists = [r for r in fake_api.requests if r.service == "openalex"
                     and r.query.get("filter", "").startswith("primary_location.source.id:")]
    assert len(journal_lists) == 1
    assert not [r for r in fake_api.requests if "query.container-title" in r.query]


def test_a_known_journal_with_no_works_that_year_is_still_asked_of_crossref(
        fake_api, fast_transport):
    # OpenAlex holds nothing of the journal that year: not evidence enough to stop, so Crossref
    # is asked next (and OpenAlex's journal is not looked up again by name)
    sources = _sources(fake_api, fast_transport)
    real = Reference(index=1, raw=SREP_REAL, doi="10.1038/srep16696", journal="Sci Rep",
                     year=2015, title="Single-molecule FRET studies on alpha-synuclein "
                     "oligomerization of Parkinson's disease genetically related mutants",
                     authors=cited("Tosatto L", "Horrocks MH"))
    invented = Reference(index=2, raw=INVENTED.replace("2015", "1990"), title="Quantum "
                         "tunnelling of soil microbes under drought", journal="Sci Rep",
                         year=1990, authors=cited("Keller P", "Brandt S"))
    _, match = Resolver(sources).resolve([real, invented])
    # (shown in the order of the sources, whichever was asked first)
    assert [(v.source, v.works) for v in match.venue] == [("crossref", 0), ("openalex", 0)]
    assert not fake_api.count("openalex", "/sources")
    journal_lists = [r for r in fake_api.requests if r.service == "openalex"
                     and r.query.get("filter", "").startswith("primary_location.source.id:")]
    assert len(journal_lists) == 1 and journal_lists[0].at < next(
        r.at for r in fake_api.requests if "query.container-title" in r.query)
