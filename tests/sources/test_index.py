"""Tests for citelint.sources.index: a local index as sources, with a snapshot's semantics."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from datafile_format import snapshot_to_data_files, write_crossref_file

import citelint.index as citelint_index
from citelint import check
from citelint.config import Config
from citelint.engine import match_stands
from citelint.models import Reference
from citelint.sources.index import IndexSource, index_sources

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory) -> Path:
    """An index built from the seed snapshot's records, written as Crossref data files and an
    OpenAlex snapshot partition."""
    folder = tmp_path_factory.mktemp("seed-data")
    summary = citelint_index.build(snapshot_to_data_files(SEED / "snapshot.jsonl", folder),
                                   folder / "seed.db")
    assert summary.problems == []
    return folder / "seed.db"


def _names(text: Any) -> Any:
    """The same text with every source name as <source>, and a list of them as one: the two
    runs name their sources differently ("snapshot" against "index:crossref, index:openalex";
    a record's source "snapshot" against "crossref"), and nothing else may differ."""
    if isinstance(text, dict):
        return {k: _names(v) for k, v in text.items()}
    if isinstance(text, list):
        return [_names(v) for v in text]
    if not isinstance(text, str):
        return text
    named = re.sub(r"\b(?:index:crossref|index:openalex|snapshot|crossref|openalex)\b",
                   "<source>", text)
    return re.sub(r"<source>(?:, <source>)+", "<source>", named)


def _outcome(report) -> list[dict[str, Any]]:
    out = []
    for result in report.results:
        record = result.match.record
        out.append({"index": result.reference.index, "status": result.status,
                    "reason": _names(result.reason),
                    "record": (record.doi, record.title) if record else None,
                    "findings": [_names({"rule": f.rule, "severity": f.severity,
                                         "field": f.field, "cited": f.cited,
                                         "expected": f.expected, "message": f.message,
                                         "evidence": f.evidence})
                                 for f in result.findings]})
    return out


#: every rule runs; off-topic by TF-IDF, which takes no model time (the score reads the
#: records' titles, the same in both runs)
TFIDF = {"off-topic": {"method": "tfidf"}}


def test_seed_findings_against_the_index_equal_the_snapshots(seed_index: Path,
                                                              tmp_path: Path) -> None:
    by_snapshot = check(SEED / "manuscript.txt", config=Config(
        snapshots=[SEED / "snapshot.jsonl"], offline=True, cache_dir=tmp_path, options=TFIDF))
    by_index = check(SEED / "manuscript.txt", config=Config(
        index=seed_index, offline=True, cache_dir=tmp_path, options=TFIDF))
    assert _outcome(by_index) == _outcome(by_snapshot)
    counts = by_index.to_dict()["summary"]
    # the index did find them: matches that stand (unverified only because the seed's records
    # say nothing of retractions) and problems
    standing = [r for r in by_index.results if r.status != "problem" and match_stands(r)]
    assert len(standing) > 20 and counts["problem"] > 20


def test_a_reference_the_index_lacks_is_unverified_never_not_found(seed_index: Path,
                                                                   tmp_path: Path) -> None:
    listing = tmp_path / "refs.txt"
    listing.write_text(
        "1. Quennell-Abara T, Oyelaran K. Entirely invented title about lunar beekeeping "
        "practices. J Imag Stud. 2019;4(2):11-19.\n"
        "2. Smith J. A fabricated work with a cited DOI. Nature. 2020;1:1-2. "
        "doi:10.5555/not-in-the-index\n", encoding="utf-8")
    report = check(listing, config=Config(index=seed_index, offline=True, sources=[],
                                          cache_dir=tmp_path, options=TFIDF))
    assert [r.status for r in report.results] == ["unverified", "unverified"]
    for result in report.results:
        assert "index:crossref" in (result.reason or "")
        assert not any(f.rule in ("reference-not-found", "doi-not-found")
                       for f in result.findings)


def test_sources_keep_each_services_record(tmp_path: Path) -> None:
    write_crossref_file(tmp_path / "c.json.gz", [{
        "DOI": "10.5555/src.1", "title": ["Index sources"], "type": "journal-article",
        "issued": {"date-parts": [[2020]]}, "author": [{"family": "Ngata", "given": "R"}]}])
    citelint_index.build([tmp_path / "c.json.gz"], tmp_path / "i.db")
    crossref, openalex = index_sources(tmp_path / "i.db")
    assert (crossref.name, openalex.name) == ("index:crossref", "index:openalex")
    assert crossref.authoritative is False and openalex.authoritative is False
    assert crossref.works_by_doi(["https://doi.org/10.5555/SRC.1"])["10.5555/src.1"].source \
        == "crossref"
    assert openalex.works_by_doi(["10.5555/src.1"]) == {}
    ref = Reference(index=1, raw="Ngata R. Index sources. 2020.", title="Index sources")
    assert [r.doi for r in crossref.search(ref)] == ["10.5555/src.1"]
    with pytest.raises(ValueError, match="origin"):
        IndexSource(crossref.index, "pubmed")


def test_a_cited_pmid_names_its_candidate_before_any_search(tmp_path: Path) -> None:
    from datafile_format import write_openalex_part

    work = {"id": "https://openalex.org/W1", "doi": "https://doi.org/10.5555/pmid.1",
            "title": "Exact look-up by PubMed id", "display_name": "Exact look-up by PubMed id",
            "publication_year": 2019, "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/31415926"},
            "authorships": [], "updated_date": "2025-01-01T00:00:00"}
    write_openalex_part(tmp_path / "oa", "2025-01-01", [work])
    citelint_index.build([tmp_path / "oa"], tmp_path / "i.db")
    _, openalex = index_sources(tmp_path / "i.db")
    ref = Reference(index=1, raw="Unrelated words entirely. PMID: 31415926",
                    title="Unrelated words entirely", pmid="31415926")
    assert [r.doi for r in openalex.search(ref)] == ["10.5555/pmid.1"]
    assert openalex.search(Reference(index=2, raw="Unrelated words entirely",
                                     title="Unrelated words entirely")) == []
