"""Tests for citelint.sources.snapshot: reading snapshot files and looking records up offline."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from factories import cited

from citelint.models import Reference
from citelint.names import cited_author
from citelint.readers import InputError
from citelint.sources.snapshot import SnapshotSource

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "fixtures" / "api-examples"
SEED = REPO / "fixtures" / "seed"



def _crossref_line(doi: str, title: str, family: str = "Smith", year: int = 2020) -> str:
    return json.dumps({"DOI": doi, "title": [title], "issued": {"date-parts": [[year]]},
                       "author": [{"family": family, "given": "J", "sequence": "first"}],
                       "container-title": ["Journal of Tests"], "type": "journal-article"})


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_protocol_attributes(tmp_path: Path) -> None:
    source = SnapshotSource([_write(tmp_path / "s.jsonl", [])])
    assert source.name == "snapshot"
    assert source.authoritative is False
    assert len(source) == 0
    assert source.works_by_doi(["10.1000/xyz"]) == {}
    assert source.search(Reference(index=1, raw="Anything at all. J Tests 2020;1:1-2."), 5) == []


def test_comments_blank_lines_and_bad_json_are_located(tmp_path: Path) -> None:
    path = _write(tmp_path / "snapshot.jsonl", [
        "# a comment",
        "// another comment",
        "",
        _crossref_line("10.1000/one", "First title"),
        '{"DOI": "10.1000/two", "title": ["Second"',  # line 5: truncated
        "   ",
        "[1, 2, 3]",  # line 7: JSON, but not a work
        '{"status": "failed", "message-type": "validation-failure", "message": []}',  # line 8
        _crossref_line("10.1000/three", "Third title"),
    ])
    source = SnapshotSource([path])
    assert sorted(r.doi for r in source.records) == ["10.1000/one", "10.1000/three"]
    assert len(source.problems) == 3
    assert source.problems[0].startswith(f"{path}:5: not valid JSON (")
    assert source.problems[0].endswith("the line was skipped.")
    assert source.problems[1].startswith(f"{path}:7: ")
    assert source.problems[2].startswith(f"{path}:8: ")


def test_gzip_is_detected_by_magic_bytes(tmp_path: Path) -> None:
    payload = (_crossref_line("10.1000/GZ", "Compressed title") + "\n").encode("utf-8")
    named = tmp_path / "snap.jsonl.gz"
    named.write_bytes(gzip.compress(payload))
    unnamed = tmp_path / "snap.jsonl"  # gzip content under a plain name
    unnamed.write_bytes(gzip.compress(payload))
    for path in (named, unnamed):
        source = SnapshotSource([path])
        assert [r.title for r in source.records] == ["Compressed title"]
        assert source.problems == []


def test_missing_file_raises_input_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "snapshot.jsonl"
    with pytest.raises(InputError, match=re.escape(str(missing))):
        SnapshotSource([missing])


def test_broken_gzip_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"DOI": "10.1000/x"}\n')[:12])
    with pytest.raises(InputError, match="broken.jsonl.gz"):
        SnapshotSource([path])


def test_doi_lookup_is_case_insensitive_and_first_line_wins(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", [
        _crossref_line("10.1000/ABC.Def", "Kept"),
        _crossref_line("10.1000/abc.def", "Dropped duplicate"),
    ])
    source = SnapshotSource(str(path))  # a single path is accepted too
    for asked in ("10.1000/abc.def", "10.1000/ABC.DEF", "https://doi.org/10.1000/Abc.Def"):
        found = source.works_by_doi([asked, "10.1000/absent"])
        assert list(found) == ["10.1000/abc.def"]
        assert found["10.1000/abc.def"].title == "Kept"
        assert found["10.1000/abc.def"].source == "snapshot"


def test_crossref_and_openalex_lines_mixed(tmp_path: Path) -> None:
    crossref_response = (EXAMPLES / "crossref" / "works_10.1038_srep16696_article-number.json")
    openalex_work = EXAMPLES / "openalex" / "works_doi-url_10.7554_elife.01567.json"
    crossref_body = json.loads(crossref_response.read_text(encoding="utf-8"))
    openalex_body = json.loads(openalex_work.read_text(encoding="utf-8"))
    path = _write(tmp_path / "mixed.jsonl", [
        json.dumps(crossref_body),  # a whole /works/{doi} response, with "message"
        json.dumps(openalex_body),  # an OpenAlex work
        json.dumps(crossref_body["message"]),  # the same Crossref work alone: a duplicate DOI
    ])
    source = SnapshotSource([path])
    assert source.problems == []
    assert len(source) == 2
    found = source.works_by_doi(["10.1038/srep16696", "10.7554/ELIFE.01567"])
    crossref, openalex = found["10.1038/srep16696"], found["10.7554/elife.01567"]
    assert crossref.source == openalex.source == "snapshot"
    assert crossref.article_number == crossref_body["message"]["article-number"]
    assert crossref.title == crossref_body["message"]["title"][0]
    assert openalex.id == openalex_body["id"]
    assert openalex.title == openalex_body["title"]
    assert openalex.year == openalex_body["publication_year"]


def test_list_responses_are_read_item_by_item(tmp_path: Path) -> None:
    body = json.loads((EXAMPLES / "openalex" /
                       "works_filter_openalex_W3045921891_or_W3046863325.json").read_text())
    source = SnapshotSource([_write(tmp_path / "list.jsonl", [json.dumps(body)])])
    assert source.problems == []
    assert len(source) == len(body["results"])


def test_search_ranks_by_title_author_and_year(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", [
        _crossref_line("10.1000/a", "Wound healing with conditioned medium in rats", "Brown", 2019),
        _crossref_line("10.1000/b", "Wound healing with conditioned medium in mice", "Green", 2021),
        _crossref_line("10.1000/c", "Copper and the brain", "White", 2018),
    ])
    source = SnapshotSource([path])
    ref = Reference(index=1, raw="Green J. Wound healing with conditioned medium in mice. "
                                 "J Tests 2021;3:1-9.",
                    title="Wound healing with conditioned medium in mice",
                    authors=cited("Green J"), year=2021)
    results = source.search(ref, rows=5)
    assert [r.doi for r in results][:2] == ["10.1000/b", "10.1000/a"]
    assert "10.1000/c" not in [r.doi for r in results]
    # author and year break a tie between two equally similar titles
    tie = Reference(index=2, raw="", title="Wound healing with conditioned medium",
                    authors=cited("Brown J"), year=2019)
    assert source.search(tie, rows=1)[0].doi == "10.1000/a"
    assert source.search(ref, rows=1)[0].doi == "10.1000/b"
    assert source.search(ref, rows=0) == []


def test_search_without_title_uses_raw_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", [
        _crossref_line("10.1000/a", "Wound healing with conditioned medium in rats", "Brown"),
        _crossref_line("10.1000/b", "Copper and the brain", "White"),
    ])
    source = SnapshotSource([path])
    ref = Reference(index=1, raw="White J. Copper and the brain. Journal of Tests 2020;4:5-6.")
    assert source.search(ref, rows=1)[0].doi == "10.1000/b"


def _seed_citations() -> dict[int, str]:
    text = (SEED / "manuscript.txt").read_text(encoding="utf-8")
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(r"^(\d+)\.\s+(.+)$", text, re.MULTILINE)}


def _seed_truth() -> dict[int, dict]:
    lines = (REPO / "fixtures" / "seed" / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return {t["n"]: t for t in map(json.loads, filter(None, lines))}


@pytest.mark.parametrize("with_fields", [False, True], ids=["raw-only", "parsed"])
def test_search_finds_seed_records_among_distractors(tmp_path: Path, with_fields: bool) -> None:
    distractors = json.loads((EXAMPLES / "openalex" /
                              "works_search_machine_learning_AND_public_health_per-page200.json"
                              ).read_text(encoding="utf-8"))
    extra = _write(tmp_path / "distractors.jsonl", [json.dumps(distractors)])
    source = SnapshotSource([SEED / "snapshot.jsonl", extra])
    assert source.problems == []
    truth, citations = _seed_truth(), _seed_citations()
    checked = 0
    for n, raw in citations.items():
        fact = truth[n]
        if not fact["found"] or not (fact["doi"] or fact["title"]):
            continue
        ref = Reference(index=n, raw=raw)
        if with_fields:  # a crude Vancouver split, as a reader might get it (sometimes wrong)
            authors, _, rest = raw.partition(". ")
            year = re.search(r"\b(?:19|20)\d\d\b", rest)
            ref.title = rest.partition(". ")[0]
            ref.authors = [cited_author(a.strip()) for a in authors.split(",")]
            ref.year = int(year.group(0)) if year else None
        top = source.search(ref, rows=3)
        assert top, f"reference {n}: no candidate"
        if fact["doi"]:
            assert top[0].doi == fact["doi"].lower(), f"reference {n}"
        else:
            assert top[0].title == fact["title"], f"reference {n}"
        checked += 1
    assert checked > 40


def test_a_snapshot_record_says_no_notice_only_when_it_kept_crossrefs_notice_fields(
        tmp_path: Path) -> None:
    """The cited work, cited correctly, is verified offline only when its snapshot record kept
    ``updated-by``, ``update-to`` or ``relation``: a record stripped of them cannot say that no
    retraction is on it, so the reference is unverified, and says why."""
    from citelint import check
    from citelint.config import Config

    refs = tmp_path / "refs.txt"
    refs.write_text("1. Smith J. Tidal rhythms of lichens on sea stacks. Journal of Tests. 2020; "
                    "doi:10.1234/lichen.1\n", "utf-8")
    bare = json.loads(_crossref_line("10.1234/lichen.1", "Tidal rhythms of lichens on sea stacks"))
    statuses = {}
    for name, extra in {"bare": {}, "relation": {"relation": {}},
                        "updated-by": {"updated-by": []}}.items():
        snapshot = _write(tmp_path / f"{name}.jsonl", [json.dumps({**bare, **extra})])
        [result] = check(refs, config=Config(snapshots=[snapshot], offline=True,
                                             cache_dir=tmp_path / "cache")).results
        statuses[name] = (result.status, result.reason)
    assert statuses["relation"] == statuses["updated-by"] == ("verified", None)
    status, reason = statuses["bare"]
    assert status == "unverified" and "whether it has been retracted is unchecked" in reason


# issue 12: a large snapshot is searched through a word index, not record by record
def test_word_index_search_finds_what_the_full_scan_finds(monkeypatch) -> None:
    from citelint.readers import read_file
    from citelint.sources import snapshot

    source = SnapshotSource(SEED / "snapshot.jsonl")
    references = read_file(SEED / "manuscript.txt").references
    full = [[r.doi for r in source.search(ref)] for ref in references]
    monkeypatch.setattr(snapshot, "FULL_SCAN_LIMIT", 0)
    indexed = [[r.doi for r in source.search(ref)] for ref in references]
    assert source._ranker._word_index is not None  # the index was used
    assert sum(1 for f in full if f) > 40
    assert [i[:1] for i in indexed] == [f[:1] for f in full]


def test_word_index_narrows_to_records_sharing_a_rare_word(monkeypatch) -> None:
    from citelint.sources import snapshot
    from citelint.sources.snapshot import _WordIndex

    monkeypatch.setattr(snapshot, "COMMON_WORD_RECORDS", 2)

    texts = [f"common words here {w}" for w in ("alpha", "beta", "gamma")] + ["other text"]
    index = _WordIndex(texts)
    assert list(index.sharing("something about beta")) == [1]
    assert list(index.sharing("common words only")) == [0, 1, 2]  # no rare word: all that share
    assert list(index.sharing("nothing shared")) == []


def test_a_device_or_pipe_named_as_a_snapshot_is_refused_before_it_is_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)  # reading it would block for ever, /dev/zero would never end
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(InputError, match="is not a regular file"):
            SnapshotSource(path)
