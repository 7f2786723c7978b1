"""Tests for citelint.index: building an index from the services' data files and reading it."""

from __future__ import annotations

import copy
import gzip
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from datafile_format import write_crossref_file, write_openalex_part
from factories import cited

import citelint.index as citelint_index
from citelint.models import Reference
from citelint.readers import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "api-examples"


def _example(name: str) -> dict[str, Any]:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    message = data.get("message", data)
    return message


def _crossref_items() -> list[dict[str, Any]]:
    """Real Crossref works from recorded list answers (fixtures/api-examples)."""
    items = _example("crossref/works_filter_prefix_10.5555_type_journal-article_rows20.json")
    return items["items"] + [_example("crossref/works_10.1038_srep16696_article-number.json")]


def _openalex_works() -> list[dict[str, Any]]:
    return [_example("openalex/works_W2741809807.json"),
            _example("openalex/works_doi-url_10.7554_elife.01567.json")]


def _synthetic(doi: str, title: str, indexed: str, family: str = "Okafor") -> dict[str, Any]:
    return {"DOI": doi, "title": [title], "type": "journal-article",
            "author": [{"family": family, "given": "N", "sequence": "first"}],
            "container-title": ["Journal of Index Tests"], "issued": {"date-parts": [[2021]]},
            "volume": "3", "page": "10-20",
            "indexed": {"date-time": indexed, "timestamp": 0},
            "deposited": {"date-time": "2021-01-01T00:00:00Z", "timestamp": 0}}


def test_crossref_data_files_are_read_item_by_item(tmp_path: Path) -> None:
    items = _crossref_items()
    write_crossref_file(tmp_path / "src" / "0.json.gz", items[:10], indent=2)
    write_crossref_file(tmp_path / "src" / "1.json.gz", items[10:])
    summary = citelint_index.build([tmp_path / "src"], tmp_path / "i.db")
    assert (summary.files, summary.read, summary.problems) == (2, len(items), [])
    index = citelint_index.open(tmp_path / "i.db")
    assert index.counts() == {"crossref": len({i["DOI"].lower() for i in items})}
    found = index.by_doi(["10.1038/srep16696"], "crossref")
    assert found["10.1038/srep16696"].article_number == "16696"
    assert found["10.1038/srep16696"].source == "crossref"
    # the full JSON is kept, as the data file gave it
    assert index.work_json("crossref", "10.1038/srep16696") == items[-1]


def test_openalex_partitions_skip_the_manifest_and_keep_ids(tmp_path: Path) -> None:
    works = _openalex_works()
    root = tmp_path / "data" / "works"
    write_openalex_part(root, "2025-06-11", works)
    (root / "manifest").write_text('{"entries": []}', encoding="utf-8")
    summary = citelint_index.build([tmp_path / "data"], tmp_path / "i.db")
    assert (summary.files, summary.read, summary.problems) == (1, 2, [])
    index = citelint_index.open(tmp_path / "i.db")
    assert set(index.by_pmid(["29456894"], "openalex")) == {"29456894"}
    assert index.by_doi(["10.7554/elife.01567"], "openalex")["10.7554/elife.01567"].source \
        == "openalex"
    assert index.by_doi(["10.7554/elife.01567"], "crossref") == {}
    assert index.work_json("openalex", "W2741809807") == works[0]


def test_both_services_records_of_one_doi_are_kept(tmp_path: Path) -> None:
    crossref = _synthetic("10.7554/eLife.01567", "A crossref title", "2024-01-01T00:00:00Z")
    write_crossref_file(tmp_path / "c.json.gz", [crossref])
    write_openalex_part(tmp_path / "oa", "2026-07-15", _openalex_works()[1:])
    citelint_index.build([tmp_path / "c.json.gz", tmp_path / "oa"], tmp_path / "i.db")
    index = citelint_index.open(tmp_path / "i.db")
    assert index.by_doi(["10.7554/elife.01567"], "crossref")["10.7554/elife.01567"].title \
        == "A crossref title"
    assert index.by_doi(["10.7554/elife.01567"], "openalex")["10.7554/elife.01567"].source \
        == "openalex"


def test_newer_files_replace_older_records_and_older_ones_do_not(tmp_path: Path) -> None:
    old = _synthetic("10.5555/inc.1", "The first title", "2024-01-01T00:00:00Z")
    new = _synthetic("10.5555/inc.1", "The corrected title", "2025-06-01T00:00:00Z")
    write_crossref_file(tmp_path / "old.json.gz", [old])
    write_crossref_file(tmp_path / "new.json.gz", [new])
    db = tmp_path / "i.db"
    citelint_index.build([tmp_path / "old.json.gz"], db)
    second = citelint_index.build([tmp_path / "new.json.gz"], db)
    assert (second.read, second.written) == (1, 1)
    third = citelint_index.build([tmp_path / "old.json.gz"], db)  # an older file, added again
    assert (third.read, third.written) == (1, 0)
    index = citelint_index.open(db)
    assert len(index) == 1
    assert index.by_doi(["10.5555/inc.1"], "crossref")["10.5555/inc.1"].title \
        == "The corrected title"
    # the search table follows: the old title is gone, the new one is found
    ref = Reference(index=1, raw="Okafor N. The corrected title. 2021.",
                    title="The corrected title", authors=cited("Okafor N"), year=2021)
    assert [r.title for r in index.search(ref, "crossref")] == ["The corrected title"]
    gone = Reference(index=2, raw="first", title="first")
    assert index.search(gone, "crossref") == []


def test_openalex_updated_date_decides(tmp_path: Path) -> None:
    work = _openalex_works()[0]
    newer = copy.deepcopy(work)
    newer["updated_date"] = "2026-01-01T00:00:00"
    newer["title"] = newer["display_name"] = "A newer OpenAlex title"
    write_openalex_part(tmp_path / "a", "2026-01-01", [newer])
    write_openalex_part(tmp_path / "b", "2025-06-11", [work])
    db = tmp_path / "i.db"
    summary = citelint_index.build([tmp_path / "a", tmp_path / "b"], db)
    assert (summary.read, summary.written) == (2, 1)
    found = citelint_index.open(db).by_doi(["10.7717/peerj.4375"], "openalex")
    assert found["10.7717/peerj.4375"].title == "A newer OpenAlex title"


def test_search_finds_a_citation_by_its_rarest_words(tmp_path: Path) -> None:
    works = [_synthetic(f"10.5555/s.{n}", title, "2024-01-01T00:00:00Z", family)
             for n, (title, family) in enumerate([
                 ("Wound healing with stem cell conditioned medium", "Okafor"),
                 ("Stem cell therapy of chronic wounds in diabetic mice", "Lindqvist"),
                 ("Copper and the onset of Alzheimer disease", "Bagheri"),
                 ("Conditioned medium from adipose stem cells", "Okafor")])]
    write_crossref_file(tmp_path / "c.json.gz", works)
    citelint_index.build([tmp_path / "c.json.gz"], tmp_path / "i.db")
    index = citelint_index.open(tmp_path / "i.db")
    typo = Reference(index=1, raw="Lindqvist N. Stem cell therapy of chronic wonds in diabetic "
                     "mice. 2021.", title="Stem cell therapy of chronic wonds in diabetic mice",
                     authors=cited("Lindqvist N"), year=2021)
    assert index.search(typo, "crossref")[0].doi == "10.5555/s.1"
    # no title parsed: the raw citation's words are searched
    raw = Reference(index=1, raw="Bagheri N (2021) Copper and the onset of Alzheimer disease. "
                    "J Index Tests 3:10-20")
    assert index.search(raw, "crossref")[0].doi == "10.5555/s.2"
    assert index.search(raw, "openalex") == []



def test_search_returns_every_work_holding_the_rarest_words_one_or_several(tmp_path: Path) -> None:
    # a search finding one work skips BM25's ranking; one finding several ranks them all
    works = [_synthetic(f"10.5555/m.{n}", title, "2024-01-01T00:00:00Z", "Okafor")
             for n, title in enumerate([
                 "Conditioned medium of stem cell cultures",
                 "Stem cell conditioned medium heals wounds",
                 "Copper and the onset of Alzheimer disease"])]
    write_crossref_file(tmp_path / "c.json.gz", works)
    citelint_index.build([tmp_path / "c.json.gz"], tmp_path / "i.db")
    index = citelint_index.open(tmp_path / "i.db")
    both = Reference(index=1, raw="Okafor N. Stem cell conditioned medium. 2021.",
                     title="Stem cell conditioned medium", authors=cited("Okafor N"), year=2021)
    assert {r.doi for r in index.search(both, "crossref")} == {"10.5555/m.0", "10.5555/m.1"}
    one = Reference(index=2, raw="Okafor N. Copper and the onset of Alzheimer disease. 2021.",
                    title="Copper and the onset of Alzheimer disease", authors=cited("Okafor N"),
                    year=2021)
    assert [r.doi for r in index.search(one, "crossref")] == ["10.5555/m.2"]

def test_pmid_and_arxiv_ids_are_looked_up_exactly(tmp_path: Path) -> None:
    work = copy.deepcopy(_openalex_works()[0])
    work["locations"] = [{"landing_page_url": "https://arxiv.org/abs/1709.01234v2"}]
    write_openalex_part(tmp_path / "oa", "2025-06-11", [work])
    citelint_index.build([tmp_path / "oa"], tmp_path / "i.db")
    index = citelint_index.open(tmp_path / "i.db")
    assert set(index.by_arxiv(["1709.01234"], "openalex")) == {"1709.01234"}
    assert index.by_pmid(["1"], "openalex") == {}


def test_bad_files_and_works_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    good = write_crossref_file(tmp_path / "src" / "a.json.gz",
                               [_synthetic("10.5555/ok.1", "Fine", "2024-01-01T00:00:00Z")])
    broken = tmp_path / "src" / "b.json.gz"
    broken.write_bytes(gzip.compress(b'{"items": [{"DOI": "10.5555/ok.2", "title": ["T"]}, {"DO'))
    lines = tmp_path / "src" / "c.jsonl"
    lines.write_text('{"DOI": "10.5555/ok.3", "title": ["Third"]}\nnot json\n'
                     '{"title": 5, "DOI": "10.5555/bad"}\n', encoding="utf-8")
    truncated = tmp_path / "src" / "d.json.gz"
    truncated.write_bytes(gzip.compress(good.read_bytes())[:30])
    summary = citelint_index.build([tmp_path / "src"], tmp_path / "i.db")
    assert summary.files == 4
    text = "\n".join(summary.problems)
    assert "b.json.gz: not valid JSON after item 1" in text
    assert "c.jsonl:2: not valid JSON" in text
    assert "c.jsonl:3: the work could not be read" in text
    assert "d.json.gz" in text
    index = citelint_index.open(tmp_path / "i.db")
    assert set(index.by_doi(["10.5555/ok.1", "10.5555/ok.2", "10.5555/ok.3"], "crossref")) \
        == {"10.5555/ok.1", "10.5555/ok.2", "10.5555/ok.3"}


def test_missing_paths_and_non_indexes_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.json.gz: data file not found"):
        citelint_index.build([tmp_path / "nowhere.json.gz"], tmp_path / "i.db")
    with pytest.raises(InputError, match="none.db: index file not found"):
        citelint_index.open(tmp_path / "none.db")
    other = tmp_path / "other.db"
    other.write_text("not sqlite at all" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="other.db: not a citelint index"):
        citelint_index.open(other)


def test_an_opened_index_pickles_for_workers(tmp_path: Path) -> None:
    write_crossref_file(tmp_path / "c.json.gz",
                        [_synthetic("10.5555/p.1", "Pickled", "2024-01-01T00:00:00Z")])
    citelint_index.build([tmp_path / "c.json.gz"], tmp_path / "i.db")
    copy_ = pickle.loads(pickle.dumps(citelint_index.open(tmp_path / "i.db")))
    assert copy_.by_doi(["10.5555/p.1"], "crossref")["10.5555/p.1"].title == "Pickled"


MERGED_IDS = Path(__file__).resolve().parents[2] / "fixtures" / "openalex-merged-ids" / "data"


def _duplicate(updated: str) -> dict[str, Any]:
    """A second OpenAlex record of W2741809807's work under the made-up id the merged_ids fixture
    merges into it: the same DOI, a title of its own, changed on ``updated``."""
    work = copy.deepcopy(_openalex_works()[0])
    work["id"] = "https://openalex.org/W4400000001"
    work["title"] = work["display_name"] = "The state of OA duplicate record of a merged work"
    work["updated_date"] = updated
    return work


@pytest.mark.parametrize("merges_first", [False, True])
def test_merged_ids_remove_the_merged_work_and_lead_to_the_kept_one(tmp_path: Path,
                                                                    merges_first) -> None:
    kept = _openalex_works()[0]
    # the duplicate is newer than the kept record: without the merge, it would answer the DOI
    write_openalex_part(tmp_path / "works", "2025-12-01", [kept, _duplicate("2025-12-01")])
    sources = [tmp_path / "works", MERGED_IDS / "merged_ids"]
    summary = citelint_index.build(sources[::-1] if merges_first else sources, tmp_path / "i.db")
    assert (summary.read, summary.merged, summary.problems) == (2, 1, [])  # authors passed over
    index = citelint_index.open(tmp_path / "i.db")
    assert index.counts() == {"openalex": 1}
    found = index.by_doi(["10.7717/peerj.4375"], "openalex")["10.7717/peerj.4375"]
    assert found.title == kept["title"]
    assert index.kept("openalex", "W4400000001") == "W2741809807"
    assert index.work_json("openalex", "W4400000001") == kept
    assert index.kept("openalex", "W2741809807") == "W2741809807"
    ref = Reference(index=1, raw="The state of OA duplicate record of a merged work",
                    title="The state of OA duplicate record of a merged work")
    assert all("duplicate" not in r.title for r in index.search(ref, "openalex"))


def test_a_record_newer_than_its_merge_stays_and_merges_chain(tmp_path: Path) -> None:
    write_openalex_part(tmp_path / "works", "2026-03-01",
                        [_openalex_works()[0], _duplicate("2026-03-01")])
    later = tmp_path / "merged_ids" / "works" / "2026-02-01.csv"
    later.parent.mkdir(parents=True)
    later.write_text("merge_date,id,merge_into_id\n2026-02-01,W4400000009,W4400000008\n"
                     "2026-02-01,https://openalex.org/W4400000008,W4400000001\n", "utf-8")
    summary = citelint_index.build([tmp_path / "works", MERGED_IDS / "merged_ids",
                                    tmp_path / "merged_ids"], tmp_path / "i.db")
    assert summary.merged == 3
    index = citelint_index.open(tmp_path / "i.db")
    # changed after it was merged (2026-03-01 > 2026-01-15): OpenAlex serves it again
    assert index.work_json("openalex", "W4400000001")["id"].endswith("W4400000001")
    assert index.counts() == {"openalex": 2}
    assert index.kept("openalex", "W4400000009") == "W4400000001"  # two hops


def test_bad_merged_ids_rows_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    bad = tmp_path / "merged_ids" / "works" / "2026-01-20.csv.gz"
    bad.parent.mkdir(parents=True)
    with gzip.open(bad, "wt", encoding="utf-8") as out:
        out.write("merge_date,id,merge_into_id\n2026-01-20,W1\n"
                  "yesterday,W2,W3\n2026-01-20,W4400000001,W2741809807\n")
    summary = citelint_index.build([tmp_path / "merged_ids"], tmp_path / "i.db")
    assert summary.merged == 1
    assert [p.split(": ", 1)[0] for p in summary.problems] == [f"{bad}:2", f"{bad}:3"]
    assert "3 columns" in summary.problems[0] and "two OpenAlex ids" in summary.problems[1]


def test_a_reader_maps_the_index_file_into_memory(tmp_path: Path) -> None:
    # pages read through a bounded memory map: no system call and copy per page read
    from citelint.index.store import MMAP_BYTES

    write_crossref_file(tmp_path / "src" / "0.json.gz", _crossref_items())
    citelint_index.build([tmp_path / "src"], tmp_path / "i.db")
    index = citelint_index.open(tmp_path / "i.db")
    assert index._db.execute("PRAGMA mmap_size").fetchone()[0] == MMAP_BYTES
    assert index.by_doi(["10.1038/srep16696"], "crossref")
