from collections.abc import Sequence

from factories import record, ref

from citelint.models import Record, Reference
from citelint.resolve import resolve_references
from citelint.sources import SourceUnavailable

TITLE = "Hydrogel encapsulation of mesenchymal stem cells"


class FakeSource:
    """A source answering from a dict, counting calls; ``fail`` makes every call fail."""

    def __init__(self, name: str, records: Sequence[Record], authoritative: bool = True,
                 fail: bool = False):
        self.name, self.authoritative, self.fail = name, authoritative, fail
        self.records = list(records)
        self.doi_calls: list[list[str]] = []
        self.searches = 0

    def works_by_doi(self, dois):
        self.doi_calls.append(list(dois))
        if self.fail:
            raise SourceUnavailable(f"{self.name} answered HTTP 503")
        return {r.doi: r for r in self.records if r.doi in dois}

    def search(self, reference: Reference, rows: int = 5):
        self.searches += 1
        if self.fail:
            raise SourceUnavailable(f"{self.name} timed out")
        return [r for r in self.records if r.title == reference.title][:rows]


def _rec(source="crossref", **kw):
    kw.setdefault("title", TITLE)
    kw.setdefault("year", 2022)
    return record(source=source, doi=kw.pop("doi", "10.1000/x"), **kw)


def test_cited_doi_that_matches_needs_no_search():
    crossref = FakeSource("crossref", [_rec()])
    [match] = resolve_references([ref(title=TITLE, year=2022, doi="10.1000/x")], [crossref])
    assert match.record is not None and match.doi_registered is True
    assert crossref.searches == 0 and crossref.doi_calls == [["10.1000/x"]]


def test_all_dois_go_in_one_batch_per_source():
    crossref = FakeSource("crossref", [_rec(doi="10.1000/a"), _rec(doi="10.1000/b")])
    refs = [ref(1, title=TITLE, doi="10.1000/b"), ref(2, title=TITLE, doi="10.1000/A")]
    resolve_references(refs, [crossref])
    assert crossref.doi_calls == [["10.1000/a", "10.1000/b"]]


def test_unknown_doi_on_authoritative_sources_is_unregistered():
    crossref = FakeSource("crossref", [])
    [match] = resolve_references([ref(title=TITLE, doi="10.1000/nope")], [crossref],
                                 doi_checker=lambda doi: False)
    assert match.doi_registered is False and match.record is None and match.complete


def test_doi_known_only_to_the_doi_resolver_is_registered():
    [match] = resolve_references([ref(title=TITLE, doi="10.5061/dryad")],
                                 [FakeSource("crossref", [])], doi_checker=lambda doi: True)
    assert match.doi_registered is True


def test_unknown_doi_in_a_snapshot_is_not_called_unregistered():
    snapshot = FakeSource("snapshot", [], authoritative=False)
    [match] = resolve_references([ref(title=TITLE, doi="10.1000/nope")], [snapshot])
    assert match.doi_registered is None and not match.authoritative


def test_failed_source_is_recorded_never_read_as_absent():
    crossref = FakeSource("crossref", [], fail=True)
    [match] = resolve_references([ref(title=TITLE, doi="10.1000/x")], [crossref],
                                 doi_checker=lambda doi: False)
    assert match.doi_registered is None
    assert {f.source for f in match.failures} == {"crossref"} and not match.complete


def test_search_stops_at_the_first_source_with_an_acceptable_candidate():
    crossref = FakeSource("crossref", [_rec()])
    openalex = FakeSource("openalex", [_rec(source="openalex")])
    [match] = resolve_references([ref(title=TITLE, year=2022)], [crossref, openalex])
    assert match.record.source == "crossref"
    assert crossref.searches == 1 and openalex.searches == 0


def test_second_opinion_fetched_by_doi_from_the_other_source():
    crossref = FakeSource("crossref", [_rec()])
    openalex = FakeSource("openalex", [_rec(source="openalex", is_retracted=True)])
    [match] = resolve_references([ref(title=TITLE, year=2022)], [crossref, openalex])
    assert [r.source for r in match.others] == ["openalex"]
    assert openalex.doi_calls == [["10.1000/x"]]


def test_doi_of_another_work_triggers_a_search_for_the_cited_one():
    wrong = _rec(doi="10.1000/wrong", title="Copper and Alzheimer's disease", year=2018)
    right = _rec(doi="10.1000/right")
    crossref = FakeSource("crossref", [wrong, right])
    [match] = resolve_references([ref(title=TITLE, year=2022, doi="10.1000/wrong")], [crossref])
    assert match.doi_record is wrong and match.record is right


def test_closest_unacceptable_candidate_is_kept_as_evidence():
    crossref = FakeSource("crossref", [_rec(title="Unrelated paper about fish", year=1990)])
    crossref.search = lambda reference, rows=5: crossref.records
    [match] = resolve_references([ref(title=TITLE, year=2022)], [crossref])
    assert match.record is None and match.runner_up is not None


def test_partial_batch_failure_affects_only_the_failed_dois():
    from citelint.sources import PartialAnswer

    class HalfDown(FakeSource):
        def works_by_doi(self, dois):
            found = {r.doi: r for r in self.records if r.doi in dois}
            raise PartialAnswer("OpenAlex answered HTTP 503", found, ["10.1000/b"])

    source = HalfDown("openalex", [_rec(doi="10.1000/a")])
    a, b = resolve_references([ref(1, title=TITLE, doi="10.1000/a"),
                               ref(2, title="Another title", doi="10.1000/b")], [source],
                              doi_checker=lambda doi: False)
    assert a.record is not None and not a.failures
    assert b.doi_registered is None and [f.source for f in b.failures] == ["openalex"]


def test_a_short_doi_is_looked_up_as_the_doi_it_stands_for():
    crossref = FakeSource("crossref", [_rec(doi="10.1000/x")])
    asked = []
    [match] = resolve_references([ref(title=TITLE, year=2022, doi="10/abc12")], [crossref],
                                 doi_expander=lambda short: asked.append(short) or "10.1000/x")
    assert asked == ["10/abc12"] and crossref.doi_calls == [["10.1000/x"]]
    assert match.record is not None and match.doi_record is match.record


def test_a_short_doi_that_cannot_be_expanded_is_searched_and_the_failure_kept():
    def down(short):
        raise SourceUnavailable("doi.org answered HTTP 503")

    crossref = FakeSource("crossref", [_rec()])
    [match] = resolve_references([ref(title=TITLE, year=2022, doi="10/abc12")], [crossref],
                                 doi_expander=down)
    assert crossref.searches == 1 and match.record is not None
    assert [f.source for f in match.failures] == ["doi.org"]


def test_without_an_expander_a_short_doi_is_searched_like_no_doi():
    crossref = FakeSource("crossref", [_rec()])
    [match] = resolve_references([ref(title=TITLE, year=2022, doi="10/abc12")], [crossref])
    assert crossref.doi_calls == [] and match.record is not None and match.failures == []


def test_a_sparse_record_from_one_source_does_not_hide_a_full_one_from_another():
    from factories import authors

    cited = ref(title=TITLE, year=2022, doi="10.1000/x", authors=authors("Guo X", "Vogt A"),
                journal="Stem Cells")
    sparse = _rec(title=None, year=None)  # Crossref holds the DOI with hardly any metadata
    full = _rec("openalex", authors=authors("Guo X", "Vogt A"), journal="Stem Cells")
    crossref, openalex = FakeSource("crossref", [sparse]), FakeSource("openalex", [full])
    [match] = resolve_references([cited], [crossref, openalex])
    assert match.record is full and match.doi_record is full and match.others == [sparse]
    assert crossref.searches == 0 and openalex.searches == 0


def test_a_failed_second_opinion_is_kept_on_the_match():
    openalex = FakeSource("openalex", [_rec("openalex")])
    crossref = FakeSource("crossref", [], fail=True)
    [match] = resolve_references([ref(title=TITLE, year=2022)], [openalex, crossref])
    assert match.record is not None and match.record.source == "openalex"
    assert {f.source for f in match.failures} == {"crossref"}


# issue 11 item 6: arXiv
ARXIV = "10.48550/arxiv.1706.03762"


def test_a_versioned_arxiv_doi_is_looked_up_and_reported_as_the_registered_one():
    from factories import run_rule

    from citelint.rules import doi_not_found

    openalex = FakeSource("openalex", [_rec("openalex", doi=ARXIV)])
    [match] = resolve_references([ref(title=TITLE, year=2022, doi=ARXIV + "v5")], [openalex])
    assert openalex.doi_calls == [[ARXIV]] and match.record is not None
    [finding] = run_rule(doi_not_found, match)
    assert finding.severity == "info" and finding.expected == ARXIV
    assert f"arXiv registers {ARXIV}" in finding.message


def test_an_arxiv_id_is_looked_up_by_the_doi_arxiv_registers():
    from citelint.citation import parse_citation
    from citelint.models import Location

    cited = parse_citation(f"Guo X. {TITLE}. arXiv:1706.03762v2. 2022.", 1, Location())
    assert cited.arxiv == "1706.03762"
    openalex = FakeSource("openalex", [_rec("openalex", doi=ARXIV)])
    [match] = resolve_references([cited], [openalex])
    assert openalex.doi_calls == [[ARXIV]] and match.record is not None


def test_the_accepted_record_carries_the_author_comparison_scoring_made():
    from factories import authors, cited

    rec = _rec(authors=authors("Keller P", "Ortiz L"))
    reference = ref(title=TITLE, year=2022, authors=cited("Keller P", "Ortiz L"))
    [match] = resolve_references([reference], [FakeSource("crossref", [rec])])
    comparison = match.author_comparison
    assert comparison is not None and comparison.compares(reference.authors, False, rec.authors)
    assert comparison.pairs == {0: 0, 1: 1}


def test_a_source_is_not_asked_again_for_the_records_it_gave():
    # an index's sources are named "index:crossref" while their records say "crossref"
    index_crossref = FakeSource("index:crossref", [_rec()])
    index_openalex = FakeSource("index:openalex", [_rec(source="openalex")])
    [match] = resolve_references([ref(title=TITLE, year=2022)], [index_crossref, index_openalex])
    assert match.record is not None and match.record.source == "crossref"
    assert index_crossref.doi_calls == [] and index_openalex.doi_calls == [["10.1000/x"]]
    assert [r.source for r in match.others] == ["openalex"]


def test_the_last_sources_second_opinions_go_out_while_its_own_searches_still_run():
    # issue 16 item 1: OpenAlex is asked for the records Crossref found as soon as every
    # Crossref search has answered, not after OpenAlex's fallback searches
    import threading

    asked = threading.Event()

    class SlowSearching(FakeSource):
        def works_by_doi(self, dois):
            asked.set()
            return super().works_by_doi(dois)

        def search(self, reference, rows=5):
            self.overlapped = asked.wait(10)  # answers once the batch went out (or gives up)
            return super().search(reference, rows)

    other = "Keratinocyte sheets for chronic wounds"
    crossref = FakeSource("crossref", [_rec()])
    openalex = SlowSearching("openalex", [_rec(source="openalex"),
                                          _rec(source="openalex", doi=None, title=other)])
    found, fallback = resolve_references([ref(title=TITLE, year=2022),
                                          ref(title=other, year=2022)],
                                         [crossref, openalex], workers=4)
    assert openalex.overlapped
    assert openalex.doi_calls == [["10.1000/x"]]  # one batch, as before
    assert [r.source for r in found.others] == ["openalex"]
    assert fallback.record is not None and fallback.record.source == "openalex"


def test_with_one_worker_the_references_are_resolved_in_the_calling_thread():
    # no hand-off to a pool's thread (it would run the same tasks in the same order); a task's
    # error is still raised by the resolver
    import threading

    import pytest

    threads = set()

    class Recording(FakeSource):
        def works_by_doi(self, dois):
            threads.add(threading.current_thread())
            return super().works_by_doi(dois)

        def search(self, reference, rows=5):
            threads.add(threading.current_thread())
            if reference.title == "broken":
                raise RuntimeError("a bug in a source")
            return super().search(reference, rows)

    source = Recording("crossref", [_rec()])
    found, searched = resolve_references([ref(title=TITLE, year=2022, doi="10.1000/x"),
                                          ref(title=TITLE, year=2022)],
                                         [source], workers=1)
    assert found.record is not None and searched.record is not None
    assert threads == {threading.current_thread()}
    with pytest.raises(RuntimeError, match="a bug in a source"):
        resolve_references([ref(title="broken")], [source], workers=1)
