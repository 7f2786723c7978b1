"""End to end online: the real CLI and ``citelint.check`` against the fake Crossref, OpenAlex and
doi.org (tests/fakeapi.py), chosen only through the ``CITELINT_*`` environment variables.

The manuscript is built here from the seed: twenty seed references whose records the seed snapshot
holds (the fake server serves that snapshot), some citing their DOI, some not, plus ten planted
problems: two DOI typos, two DOIs of other works, two fabricated references, three retracted works
(two retracted by a Retraction Watch notice on Crossref, one only flagged ``is_retracted`` by
OpenAlex) and one DataCite-style DOI that only the DOI resolver knows. The tests pin which rule
fires on which reference, the request budget, the warm cache, and behaviour under faults.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import FakeAPI, openalex_from_crossref

from citelint import check
from citelint.cli import EXIT_FINDINGS, EXIT_UNVERIFIED, main
from citelint.config import Config
from citelint.engine import match_stands
from citelint.models import Match, Report
from citelint.readers import read_file
from citelint.resolve import resolve_references
from citelint.sources import transport as transport_module
from citelint.sources.crossref import CrossrefSource
from citelint.sources.doiorg import DoiHandleSource
from citelint.sources.openalex import OpenAlexSource
from citelint.sources.transport import Transport

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
SEED_LINES = {int(m.group(1)): m.group(2).strip()
              for m in (re.match(r"(\d+)\. (.+)", line)
                        for line in (SEED / "manuscript.txt").read_text("utf-8").splitlines())
              if m}

# The 2026 Crossref shape of a Retraction Watch retraction: no recording of it exists (see
# fixtures/api-examples/README.md), so these `updated-by` entries are built from the documented
# shape (type "retraction", source "retraction-watch", the notice's DOI, a label, and `updated`
# as in the recorded `updated-by` correction of 10.1371/journal.pone.0033693). The works
# themselves are invented; 10.5555 is Crossref's test prefix.
RETRACTED_BY_RW = [
    {"DOI": "10.5555/citelint.retracted.1", "type": "journal-article",
     "title": ["Conditioned medium from bone marrow stromal cells reverses chronic diabetic "
               "ulcers in a porcine model"],
     "author": [{"family": "Okafor", "given": "CN"}, {"family": "Lindqvist", "given": "E"},
                {"family": "Moreau", "given": "P"}],
     "container-title": ["Wound Repair and Regeneration"],
     "short-container-title": ["Wound Repair Regen"], "issued": {"date-parts": [[2019]]},
     "volume": "27", "issue": "4", "page": "401-412",
     "updated-by": [{"type": "retraction", "source": "retraction-watch", "label": "Retraction",
                     "DOI": "10.5555/citelint.retraction.1",
                     "updated": {"date-parts": [[2023, 5, 2]],
                                 "date-time": "2023-05-02T00:00:00Z",
                                 "timestamp": 1682985600000}}]},
    {"DOI": "10.5555/citelint.retracted.2", "type": "journal-article",
     "title": ["Exosomes from hypoxia-preconditioned adipose stem cells accelerate burn wound "
               "closure through miR-21 delivery"],
     "author": [{"family": "Varga", "given": "B"}, {"family": "Santos", "given": "ML"},
                {"family": "Tanaka", "given": "K"}, {"family": "Nowak", "given": "J"}],
     "container-title": ["Stem Cell Research & Therapy"],
     "short-container-title": ["Stem Cell Res Ther"], "issued": {"date-parts": [[2021]]},
     "volume": "12", "article-number": "388",
     "updated-by": [{"type": "retraction", "source": "retraction-watch", "label": "Retraction",
                     "DOI": "10.5555/citelint.retraction.2",
                     "updated": {"date-parts": [[2024, 2, 13]],
                                 "date-time": "2024-02-13T00:00:00Z",
                                 "timestamp": 1707782400000}}]},
]
# Crossref knows this work without any notice; only OpenAlex says it is retracted.
RETRACTED_IN_OPENALEX_ONLY = {
    "DOI": "10.5555/citelint.retracted.3", "type": "journal-article",
    "title": ["Keratinocyte growth factor in mesenchymal stem cell secretome promotes "
              "re-epithelialization of full-thickness wounds"],
    "author": [{"family": "Haddad", "given": "R"}, {"family": "Kowalczyk", "given": "A"},
               {"family": "Fischer", "given": "T"}],
    "container-title": ["Cells"], "short-container-title": ["Cells"],
    "issued": {"date-parts": [[2020]]}, "volume": "9", "issue": "11", "article-number": "2412",
}
DATACITE_DOI = "10.5281/zenodo.7012345"  # registered at doi.org only


def _cite(work: dict[str, Any]) -> str:
    names = ", ".join(f"{a['family']} {a['given']}" for a in work["author"])
    where = work.get("page") or work["article-number"]
    return (f"{names}. {work['title'][0]}. {work['short-container-title'][0]} "
            f"{work['issued']['date-parts'][0][0]}; {work['volume']}:{where}. doi:{work['DOI']}")


# (kind, citation text, the DOI of the work really cited or None); list position + 1 = index.
PLAN: list[tuple[str, str, str | None]] = [
    ("seed", SEED_LINES[2] + " doi:10.3390/cells11071198", "10.3390/cells11071198"),
    ("seed", SEED_LINES[8] + " doi:10.1007/s12035-022-02833-3", "10.1007/s12035-022-02833-3"),
    ("doi-typo", SEED_LINES[7] + " doi:10.3389/fimmu.2023.1166563", "10.3389/fimmu.2023.1166536"),
    ("seed", SEED_LINES[11] + " doi:10.1186/s13287-019-1457-9", "10.1186/s13287-019-1457-9"),
    ("seed", SEED_LINES[3], "10.3390/biomedicines12040743"),
    ("fabricated", "Lindgren KA, Moradi-Farsani H, Castellano JP, Whitfield RT. Secretome-loaded "
     "chitosan microneedles restore dermal papilla signalling in scarred porcine skin. J Invest "
     "Dermatol 2021; 141:2287-2299.", None),
    ("seed", SEED_LINES[16] + " doi:10.1161/CIRCULATIONAHA.110.955971",
     "10.1161/circulationaha.110.955971"),
    ("doi-mismatch", SEED_LINES[27] + " doi:10.1073/pnas.1133870100", "10.7150/jca.16116"),
    ("retracted", _cite(RETRACTED_BY_RW[0]), RETRACTED_BY_RW[0]["DOI"]),
    ("seed", SEED_LINES[4], None),  # OpenAlex-only record, no DOI
    ("seed", SEED_LINES[6] + " doi:10.3389/fbioe.2022.870193", "10.3389/fbioe.2022.870193"),
    ("seed", SEED_LINES[18] + " doi:10.33549/physiolres.935186", "10.33549/physiolres.935186"),
    ("datacite", "Moreau P, Okafor CN. Single-cell transcriptomes of wound-edge fibroblasts "
     f"treated with stem cell conditioned medium [Data set]. Zenodo 2022. doi:{DATACITE_DOI}",
     DATACITE_DOI),
    ("seed", SEED_LINES[28] + " doi:10.1203/00006450-199801000-00013",
     "10.1203/00006450-199801000-00013"),
    ("doi-typo", SEED_LINES[49] + " doi:10.1186/s13287-020-1516-x", "10.1186/s13287-020-1561-x"),
    ("seed", SEED_LINES[30], "10.1186/s12861-020-00225-1"),
    ("retracted", _cite(RETRACTED_BY_RW[1]), RETRACTED_BY_RW[1]["DOI"]),
    ("seed", SEED_LINES[9], None),  # OpenAlex-only record, no DOI
    ("doi-mismatch", SEED_LINES[33] + " doi:10.3390/ijms20194781", "10.1016/j.matbio.2017.05.001"),
    ("seed", SEED_LINES[35] + " doi:10.3389/fmolb.2023.1273814", "10.3389/fmolb.2023.1273814"),
    ("fabricated", "Ferreira-Lindholm S, Abadi N, Kurosawa T. Intradermal microvesicle therapy "
     "versus platelet-rich plasma for hypertrophic burn scars: a multicentre randomised trial. "
     "Burns 2020; 46:1532-1541.", None),
    ("seed", SEED_LINES[15], "10.1186/s13287-015-0050-0"),
    ("retracted", _cite(RETRACTED_IN_OPENALEX_ONLY), RETRACTED_IN_OPENALEX_ONLY["DOI"]),
    ("seed", SEED_LINES[39] + " doi:10.1007/s12015-022-10341-z", "10.1007/s12015-022-10341-z"),
    ("seed", SEED_LINES[40] + " doi:10.1186/s13287-019-1212-2", "10.1186/s13287-019-1212-2"),
    ("seed", SEED_LINES[47] + " doi:10.14202/vetworld.2021.2109-2117",
     "10.14202/vetworld.2021.2109-2117"),
    ("seed", SEED_LINES[41], "10.1186/s40779-024-00528-5"),
    ("seed", SEED_LINES[48] + " doi:10.25122/jml-2019-0103", "10.25122/jml-2019-0103"),
    ("seed", SEED_LINES[64] + " doi:10.3389/fcell.2021.654210", "10.3389/fcell.2021.654210"),
    ("seed", SEED_LINES[70] + " doi:10.3389/fbioe.2022.859927", "10.3389/fbioe.2022.859927"),
]
N = len(PLAN)


def indexes(kind: str) -> set[int]:
    return {i for i, (k, _, _) in enumerate(PLAN, 1) if k == kind}


PLANTED = {"doi-not-found": indexes("doi-typo"), "doi-mismatch": indexes("doi-mismatch"),
           "reference-not-found": indexes("fabricated"), "retracted": indexes("retracted")}
SEED_REFS = indexes("seed")
# Seed references with no DOI whose only record is OpenAlex-shaped: Crossref search cannot find
# them, so these (with the fabricated ones and the DataCite one) are the only OpenAlex searches.
OPENALEX_ONLY = {i for i in SEED_REFS if PLAN[i - 1][2] is None}


def write_manuscript(folder: Path) -> Path:
    path = folder / "manuscript.txt"
    lines = [f"{i}. {text}" for i, (_, text, _) in enumerate(PLAN, 1)]
    path.write_text("References\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def serve_plan(api: FakeAPI) -> None:
    """The seed snapshot, the retracted works and the DataCite registration."""
    api.load_jsonl(SEED / "snapshot.jsonl")
    for work in [*RETRACTED_BY_RW, RETRACTED_IN_OPENALEX_ONLY]:
        api.add(work)
    in_openalex = openalex_from_crossref(RETRACTED_IN_OPENALEX_ONLY)
    in_openalex["is_retracted"] = True  # the one place this work is said to be retracted
    api.add(in_openalex)
    api.registered.add(DATACITE_DOI)


def rules_by_index(report: Report) -> dict[int, set[str]]:
    return {r.reference.index: {f.rule for f in r.findings} for r in report.results}


def outcome(report: Report) -> dict[int, tuple[str, list[tuple[str, str, Any]]]]:
    """What a person reads per reference: status and every finding (rule, severity, expected)."""
    return {r.reference.index: (r.status, sorted((f.rule, f.severity, str(f.expected))
                                                 for f in r.findings))
            for r in report.results}


def report_rules(document: dict[str, Any]) -> dict[int, set[str]]:
    return {r["index"]: {f["rule"] for f in r["findings"]} for r in document["references"]}


@pytest.fixture
def manuscript(fake_api: FakeAPI, tmp_path: Path) -> Path:
    # The fake's handler writes headers and body separately; with Nagle's algorithm on, every
    # answer on a kept-alive connection then waits ~40 ms for a delayed ACK. Real services do not.
    fake_api._server.RequestHandlerClass.disable_nagle_algorithm = True
    serve_plan(fake_api)
    return write_manuscript(tmp_path)


class FastTransport(Transport):
    """The product's transport with millisecond backoff and a short read timeout."""

    built = 0

    def __init__(self, **kwargs: Any) -> None:
        fast = {"attempts": 3, "backoff": 0.01, "max_backoff": 0.05, "jitter": 0.01,
                "read_timeout": 0.4, "connect_timeout": 0.5}
        super().__init__(**{**fast, **kwargs})
        FastTransport.built += 1


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the CLI's own sources (citelint.api.build_sources) use :class:`FastTransport`, so
    fault runs through the real command line finish in seconds (no product knob involved)."""
    monkeypatch.setattr(transport_module, "Transport", FastTransport)
    before = FastTransport.built
    yield
    assert FastTransport.built > before, "the CLI no longer builds its transport in build_sources"


def fast_sources(api: FakeAPI, cache: Path, **transport: Any) -> dict[str, Any]:
    """``check()`` keyword arguments: Crossref, OpenAlex and doi.org over one fast transport."""
    shared = FastTransport(cache_dir=cache, **transport)
    return {"sources": [CrossrefSource(shared, f"{api.url}/crossref"),
                        OpenAlexSource(shared, f"{api.url}/openalex")],
            "doi_checker": DoiHandleSource(shared, f"{api.url}/doi").is_registered}


# -- the acceptance run: real CLI, settings from the environment only ---------------------------


def test_cli_online_flags_exactly_the_planted_problems(manuscript: Path, fake_api: FakeAPI,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code = main(["check", str(manuscript), "--format", "json", "--output", str(out)])
    assert code == EXIT_FINDINGS
    assert {r.service for r in fake_api.requests} == {"crossref", "openalex", "doi"}
    document = json.loads(out.read_text("utf-8"))
    assert document["summary"]["references"] == N
    rules = report_rules(document)
    for rule, planted in PLANTED.items():
        fired = {index for index, found in rules.items() if rule in found}
        assert fired == planted, rule


def test_wrong_dois_suggest_the_doi_of_the_cited_work(manuscript: Path) -> None:
    report = check(manuscript)
    for index in PLANTED["doi-not-found"] | PLANTED["doi-mismatch"]:
        result = report.results[index - 1]
        [finding] = [f for f in result.findings if f.rule in ("doi-not-found", "doi-mismatch")]
        right = PLAN[index - 1][2]
        assert finding.severity == "error" and finding.expected == right, index
        assert f"doi:{right}" in finding.message
        assert result.match.record is not None and result.match.record.doi == right


def test_fabricated_references_are_not_found_after_every_source_answered(
        manuscript: Path) -> None:
    report = check(manuscript)
    for index in PLANTED["reference-not-found"]:
        result = report.results[index - 1]
        assert result.status == "not-found"
        assert set(result.match.searched) == {"crossref", "openalex"} and result.match.complete


def test_retractions_come_from_retraction_watch_and_from_openalex_alone(
        manuscript: Path) -> None:
    report = check(manuscript)
    notices = {}
    for index in PLANTED["retracted"]:
        [finding] = [f for f in report.results[index - 1].findings if f.rule == "retracted"]
        assert finding.severity == "error"
        notices[index] = {n["source"]: n for n in finding.evidence["notices"]}
    *by_rw, by_openalex_only = sorted(PLANTED["retracted"])
    for index in by_rw:
        watch = notices[index]["retraction-watch"]
        assert watch["doi"].startswith("10.5555/citelint.retraction.") and watch["date"]
    assert set(notices[by_openalex_only]) == {"openalex"}
    assert rules_by_index(report)[by_openalex_only] == {"retracted"}


def test_datacite_doi_known_only_to_the_resolver_is_unverified_not_unregistered(
        manuscript: Path, fake_api: FakeAPI) -> None:
    report = check(manuscript)
    [index] = indexes("datacite")
    result = report.results[index - 1]
    assert fake_api.count("doi", path=f"/api/handles/{DATACITE_DOI}") == 1
    assert result.match.doi_registered is True
    assert not {"doi-not-found", "reference-not-found"} & rules_by_index(report)[index]
    assert result.status == "unverified" and "registered" in (result.reason or "")


def test_online_field_findings_equal_the_offline_snapshot_run(manuscript: Path,
                                                              tmp_path: Path) -> None:
    online = outcome(check(manuscript))
    offline_report = check(manuscript, config=Config(
        snapshots=[SEED / "snapshot.jsonl"], offline=True, cache_dir=tmp_path / "offline"))
    offline = outcome(offline_report)
    # offline, the snapshot cannot say whether a work was retracted: what online is verified is
    # unverified for that alone
    for result in offline_report.results:
        if result.status == "unverified" and match_stands(result):
            offline[result.reference.index] = ("verified", offline[result.reference.index][1])
    for index in SEED_REFS:
        assert online[index] == offline[index], index
    # the seed's field problems are among them, online too
    assert "pages-article-number" in {rule for i in SEED_REFS for rule, _, _ in online[i][1]}


def test_correct_references_get_no_error(manuscript: Path, tmp_path: Path) -> None:
    online = check(manuscript)
    offline = check(manuscript, config=Config(snapshots=[SEED / "snapshot.jsonl"], offline=True,
                                              cache_dir=tmp_path / "offline"))
    clean = {r.reference.index for r in offline.results  # (retraction status unchecked)
             if r.reference.index in SEED_REFS and r.status != "problem" and match_stands(r)}
    assert len(clean) >= 10
    for index in clean:
        result = online.results[index - 1]
        assert result.status == "verified", index
        assert not [f for f in result.findings if f.severity == "error"], index
    for index in indexes("retracted"):  # correctly cited, retracted: nothing but the retraction
        assert {f.rule for f in online.results[index - 1].findings
                if f.severity == "error"} == {"retracted"}


# -- request economy ----------------------------------------------------------------------------


def test_cold_cache_stays_within_budget_and_warm_cache_makes_no_request(
        manuscript: Path, fake_api: FakeAPI) -> None:
    cold = check(manuscript)
    cold_requests = len(fake_api.requests)
    assert 0 < cold_requests <= 1.5 * N, cold_requests
    assert cold.stats["requests"] == {s: fake_api.count(s) for s in ("crossref", "openalex")} | {
        "doi.org": fake_api.count("doi")}
    fake_api.clear_log()
    warm = check(manuscript)
    assert fake_api.requests == []
    assert outcome(warm) == outcome(cold)


def test_openalex_search_only_when_crossref_has_no_acceptable_candidate(
        manuscript: Path, fake_api: FakeAPI) -> None:
    report = check(manuscript)
    searched = [r.query["search"] for r in fake_api.requests
                if r.service == "openalex" and "search" in r.query and r.path == "/works"]
    assert len(searched) == len(set(searched))
    # OpenAlex's journal look-up (/sources?search=) only for the articles no source holds
    journals = [r for r in fake_api.requests if r.service == "openalex" and r.path == "/sources"]
    assert len(journals) <= sum(r.status == "not-found" for r in report.results)
    crossref_less = OPENALEX_ONLY | PLANTED["reference-not-found"] | indexes("datacite")
    titles = {i: " ".join((report.results[i - 1].reference.title or "").split())
              for i in crossref_less}
    assert sorted(searched) == sorted(titles.values())
    for index in crossref_less:
        record = report.results[index - 1].match.record
        assert record is None or record.source == "openalex", index
    for index in set(range(1, N + 1)) - crossref_less:
        record = report.results[index - 1].match.record
        assert record is not None and record.source == "crossref", index
    lists = [r for r in fake_api.requests if r.service == "openalex" and "filter" in r.query]
    assert len(lists) <= 2  # cited DOIs in one call, second opinions in another


# -- one pipeline ---------------------------------------------------------------------------------


def test_searches_start_while_a_doi_batch_is_still_in_flight(manuscript: Path,
                                                             fake_api: FakeAPI) -> None:
    fake_api.hang("openalex", 3.0)  # the first OpenAlex request is its DOI batch
    check(manuscript)
    batch = next(r for r in fake_api.requests if r.service == "openalex")
    assert batch.query["filter"].startswith("doi:")
    searches = [r for r in fake_api.requests if "query.bibliographic" in r.query]
    assert searches and searches[0].at < batch.answered  # they did not wait for it


def _resolved(matches: list[Match]) -> list[tuple[Any, ...]]:
    return [(m.record and (m.record.source, m.record.doi), m.doi_registered, m.searched,
             [f.source for f in m.failures], sorted((r.source, r.doi) for r in m.others),
             [(v.source, v.works) for v in m.venue]) for m in matches]


def test_side_by_side_resolving_sends_the_requests_of_one_at_a_time(
        manuscript: Path, fake_api: FakeAPI, tmp_path: Path) -> None:
    references = read_file(manuscript).references

    def run(workers: int) -> tuple[list[tuple[str, str, str]], list[tuple[Any, ...]]]:
        fake_api.clear_log()
        given = fast_sources(fake_api, tmp_path / f"cache-{workers}", read_timeout=10)
        matches = resolve_references(references, given["sources"], workers=workers,
                                     doi_checker=given["doi_checker"])
        sent = sorted((r.service, r.path, json.dumps(r.query, sort_keys=True))
                      for r in fake_api.requests)
        return sent, _resolved(matches)

    one_at_a_time, side_by_side = run(1), run(8)
    assert side_by_side == one_at_a_time


def test_no_429_at_the_polite_pool_limits(manuscript: Path, fake_api: FakeAPI,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITELINT_MAILTO", "editor@example.org")
    fake_api.rate_limit("crossref", limit=3, interval=1.0, concurrency=3, retry_after=1,
                        lane="list")
    fake_api.rate_limit("crossref", limit=10, interval=1.0, concurrency=3, retry_after=1,
                        lane="single")
    fake_api.latency(0.05)
    report = check(manuscript)
    assert fake_api.rejected_by_rate_limit == 0
    assert report.stats["retries"] == 0


# -- faults ---------------------------------------------------------------------------------------


def test_503s_and_a_crossref_rate_limit_do_not_change_the_findings(
        manuscript: Path, fake_api: FakeAPI, tmp_path: Path) -> None:
    clean = outcome(check(manuscript, **fast_sources(fake_api, tmp_path / "clean")))
    fake_api.clear_log()
    for service in ("crossref", "openalex", "doi"):
        fake_api.fail_rate(service, 0.2, seed=7)
    fake_api.rate_limit("crossref", limit=5, interval=1.0, retry_after=1)
    faulty = check(manuscript, **fast_sources(fake_api, tmp_path / "faulty", attempts=8))
    assert sum(r.status == 503 for r in fake_api.requests) >= 5  # the faults did happen
    assert outcome(faulty) == clean


def test_crossref_down_leaves_references_unverified_never_not_found(
        manuscript: Path, fake_api: FakeAPI, tmp_path: Path, fast_cli: None) -> None:
    fake_api.down("crossref")
    out = tmp_path / "report.json"
    code = main(["check", str(manuscript), "--format", "json", "--output", str(out)])
    document = json.loads(out.read_text("utf-8"))
    assert code == EXIT_FINDINGS  # OpenAlex still verifies most of the list
    references = {r["index"]: r for r in document["references"]}
    assert not any(r["status"] == "not-found" for r in references.values())
    rules = report_rules(document)
    assert not any({"doi-not-found", "reference-not-found"} & found for found in rules.values())
    # what needed Crossref: the fabricated works (never searched there), the DOI typos (their DOI
    # never checked there) and the DataCite DOI (Crossref could not say it lacks it)
    needed = PLANTED["reference-not-found"] | PLANTED["doi-not-found"] | indexes("datacite")
    for index in needed:
        assert references[index]["status"] == "unverified", index
        reason = references[index]["reason"]
        assert ("crossref" in reason.lower() and "503" in reason), (index, reason)
    for index in PLANTED["doi-not-found"]:  # found under its right DOI, the cited one unchecked
        assert PLAN[index - 1][2] in references[index]["reason"]
    assert all("retracted" in rules[i] for i in PLANTED["retracted"])  # OpenAlex knows too
    assert all("doi-mismatch" in rules[i] for i in PLANTED["doi-mismatch"])


def test_both_sources_down_exits_3_when_asked_and_still_writes_the_report(
        manuscript: Path, fake_api: FakeAPI, tmp_path: Path, fast_cli: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    fake_api.down("crossref")
    fake_api.down("openalex")
    out = tmp_path / "report.json"
    code = main(["check", str(manuscript), "--format", "json", "--output", str(out),
                 "--fail-on", "error,sources-failed"])
    assert code == EXIT_UNVERIFIED
    assert "could not answer" in capsys.readouterr().err
    # by default an outage does not fail the run by itself, and is said once
    assert main(["check", str(manuscript), "--fail-on", "never"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("no reference could be verified") == 1
    assert "does not fail the run; add sources-failed" in captured.err
    document = json.loads(out.read_text("utf-8"))
    assert document["summary"]["unverified"] == N
    assert all(r["findings"] == [] or all(f["rule"] not in PLANTED for f in r["findings"])
               for r in document["references"])


def test_timeouts_and_malformed_json_are_retried_or_leave_references_unverified(
        manuscript: Path, fake_api: FakeAPI, tmp_path: Path) -> None:
    clean = outcome(check(manuscript, **fast_sources(fake_api, tmp_path / "clean")))
    fake_api.hang("crossref", seconds=0.8, times=2)  # read timeout is 0.4 s, then a retry
    fake_api.malformed("openalex", times=2)
    fake_api.malformed("doi", times=1)
    recovered = check(manuscript, **fast_sources(fake_api, tmp_path / "recovered"))
    assert outcome(recovered) == clean

    fake_api.clear_log()
    fake_api.malformed("openalex", times=10)  # more than the attempts: the DOI batch fails
    hurt = check(manuscript, **fast_sources(fake_api, tmp_path / "hurt", attempts=2))
    assert len(hurt.results) == N
    for result in hurt.results:
        if result.match.failures:
            reasons = " ".join(f.reason for f in result.match.failures)
            assert "JSON" in reasons, result.reference.index
            assert result.status != "not-found"
    for index in PLANTED["reference-not-found"]:  # their OpenAlex search may have failed
        assert hurt.results[index - 1].status in ("not-found", "unverified")



def test_a_short_doi_is_resolved_through_the_handle_api_and_accused_of_nothing(
        fake_api: FakeAPI, tmp_path: Path) -> None:
    fake_api.aliases["10/fqd6hj"] = "10.1038/srep16696"  # a made-up code for a real record
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{tosatto2015,\n  author = {Tosatto, Laura and Horrocks, Mathew H. and Dear, "
        "Alexander J. and Knowles, Tuomas P. J. and Dalla Serra, Mauro and Cremades, Nunilo "
        "and Dobson, Christopher M. and Klenerman, David},\n  title = {Single-molecule FRET "
        "studies on alpha-synuclein oligomerization of {Parkinson's} disease genetically "
        "related mutants},\n  journal = {Scientific Reports}, year = 2015, volume = 5,\n"
        "  pages = {16696}, doi = {10/fqd6hj}\n}\n", encoding="utf-8")
    [result] = check(bib).results
    assert fake_api.count("doi", path="/api/handles/10/fqd6hj") == 1
    assert result.match.doi_record is not None
    assert result.match.doi_record.doi == "10.1038/srep16696"
    assert (result.status, result.findings) == ("verified", [])
