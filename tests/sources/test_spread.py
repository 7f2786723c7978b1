"""Spreading searches over OpenAlex within a budget (citelint.sources.spread, the resolver's
moved searches, the spend in citelint.sources.openalex), end to end against the fake services
with Crossref's list lane rate-limited so that searches queue for it, on the manuscript of
tests/test_online.py."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fakeapi import OPENALEX_PRICES_USD, FakeAPI, openalex_kind
from test_online import (
    OPENALEX_ONLY,
    PLANTED,
    indexes,
    outcome,
    serve_plan,
    write_manuscript,
)

from citelint import check
from citelint.cli import main
from citelint.config import ConfigError, resolve_config
from citelint.report.json import report_to_dict, validate
from citelint.report.text import write_text
from citelint.sources.openalex import OpenAlexSource, Spend

KEY = "oa-key-7f3e9b2c1d"  # must never show anywhere


@pytest.fixture
def manuscript(fake_api: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The online test manuscript, Crossref's polite pool with its list lane at 3 a second and
    3 in flight (searches then queue for it), and an OpenAlex key."""
    serve_plan(fake_api)
    monkeypatch.setenv("CITELINT_MAILTO", "editor@example.org")
    monkeypatch.setenv("CITELINT_OPENALEX_API_KEY", KEY)
    fake_api.rate_limit("crossref", limit=3, interval=1.0, concurrency=3, retry_after=1,
                        lane="list")
    fake_api.rate_limit("crossref", limit=10, interval=1.0, concurrency=3, retry_after=1,
                        lane="single")
    fake_api.latency(0.05)
    return write_manuscript(tmp_path)


def _searches(api: FakeAPI, service: str) -> list:
    key = "search" if service == "openalex" else "query.bibliographic"
    return [r for r in api.requests if r.service == service and key in r.query
            and r.status != 429]


def _singles(api: FakeAPI) -> list:
    return [r for r in api.requests if r.service == "crossref" and r.path.startswith("/works/")
            and r.status != 429]


def _fresh(api: FakeAPI, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """A cold cache and an empty log for the next run."""
    monkeypatch.setenv("CITELINT_CACHE_DIR", str(folder))
    api.clear_log()
    api.openalex_billed = 0.0


def test_off_by_default_no_search_goes_to_openalex_in_crossrefs_place(
        manuscript: Path, fake_api: FakeAPI) -> None:
    report = check(manuscript)
    # OpenAlex is searched only for the references Crossref's search could not settle, even
    # with a key and Crossref's list lane full
    searched = [r.query["search"] for r in _searches(fake_api, "openalex") if r.path == "/works"]
    crossref_less = OPENALEX_ONLY | PLANTED["reference-not-found"] | indexes("datacite")
    assert sorted(searched) == sorted(" ".join((report.results[i - 1].reference.title or "")
                                               .split()) for i in crossref_less)
    assert _singles(fake_api) == []  # nothing confirmed on Crossref's single lane
    assert "spread" not in report.stats["openalex"]
    assert report.stats["openalex"]["budget_usd"] == 0
    assert "OpenAlex:" not in write_text(report)


def test_with_a_budget_searches_spread_with_the_same_findings_and_the_spend_reported(
        manuscript: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    plain = check(manuscript)
    plain_lists = len(_searches(fake_api, "crossref"))
    _fresh(fake_api, monkeypatch, tmp_path / "cache-spread")
    monkeypatch.setenv("CITELINT_OPENALEX_BUDGET", "0.5")
    spread = check(manuscript)
    moved = spread.stats["openalex"]["spread"]
    assert moved["moved"] > 0 and moved["confirmed"] > 0
    assert not moved["budget_reached"]
    # the moved searches left Crossref's list lane; each accepted record was confirmed by DOI
    # on Crossref's single lane
    assert len(_searches(fake_api, "crossref")) <= plain_lists - moved["confirmed"]
    assert moved["confirmed"] <= len(_singles(fake_api)) <= moved["moved"]
    assert moved["moved"] == moved["confirmed"] + moved["fell_back"]
    assert outcome(spread) == outcome(plain)
    for result in spread.results:  # Crossref's record speaks, OpenAlex's is its second opinion
        record = result.match.record
        if record is not None and result.reference.index not in OPENALEX_ONLY:
            assert record.source == "crossref", result.reference.index
    # the spend: every billed OpenAlex call, at the cost OpenAlex announced, within the budget
    stats = spread.stats["openalex"]
    kinds: dict[str, int] = {}
    for r in fake_api.requests:
        if r.service == "openalex":
            kinds[openalex_kind(r.path, r.query)] = kinds.get(openalex_kind(r.path, r.query),
                                                              0) + 1
    assert stats["calls"] == dict(sorted(kinds.items()))
    expected = sum(OPENALEX_PRICES_USD[k] * n for k, n in kinds.items())
    assert stats["spent_usd"] == pytest.approx(expected) == pytest.approx(fake_api.openalex_billed)
    assert stats["announced_usd"] == pytest.approx(expected)
    assert 0 < stats["spent_usd"] <= stats["budget_usd"] == 0.5
    assert stats["remaining_today_usd"] == pytest.approx(1 - expected, abs=1e-4)
    document = report_to_dict(spread)
    validate(document)
    text = write_text(spread)
    assert f"{moved['moved']} searches moved from Crossref's list lane" in text
    assert f"${stats['spent_usd']:.4f} spent of the $0.5000 budget" in text


def test_no_search_is_moved_beyond_the_budget(manuscript: Path, fake_api: FakeAPI,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Each moved search leaves only when everything charged so far, the calls in flight and
    its own price fit in the budget; then the moves stop."""
    budget = 0.004
    monkeypatch.setenv("CITELINT_OPENALEX_BUDGET", str(budget))
    committed: list[int] = []  # at each move: charged + held for moves in flight, its own too
    hold, init = Spend.hold, Spend.__init__

    def reentrant(self: Spend, *args: float) -> None:
        init(self, *args)
        self._lock = threading.RLock()  # so that the totals are read as hold() decides

    def watched(self: Spend, kind: str) -> int | None:
        with self._lock:
            price = hold(self, kind)
            if price is not None:
                committed.append(self._spent + self._held)
        return price

    monkeypatch.setattr(Spend, "__init__", reentrant)
    monkeypatch.setattr(Spend, "hold", watched)
    report = check(manuscript)
    moved = report.stats["openalex"]["spread"]
    assert moved["budget_reached"] and moved["moved"] > 0
    assert moved["moved"] <= budget / OPENALEX_PRICES_USD["search"]
    assert len(committed) == moved["moved"]  # every move held its price first
    assert all(total <= round(budget * 1_000_000) for total in committed)
    assert len(outcome(report)) == len(report.results)
    stats = report.stats["openalex"]
    if stats["spent_usd"] > budget:  # the calls made without spreading passed it: said so
        assert "took the spend over the budget" in write_text(report)


def test_when_openalex_finds_nothing_convincing_crossref_is_searched_as_before(
        manuscript: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    plain = check(manuscript)
    _fresh(fake_api, monkeypatch, tmp_path / "cache-empty")
    monkeypatch.setenv("CITELINT_OPENALEX_BUDGET", "0.5")

    answer = fake_api._openalex

    def nothing_found(path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/works" and "search" in query:  # OpenAlex's searches find nothing
            query = {**query, "search": "zzzz-nothing-matches-this"}
        return answer(path, query)

    monkeypatch.setattr(fake_api, "_openalex", nothing_found)
    report = check(manuscript)
    moved = report.stats["openalex"]["spread"]
    assert moved["moved"] > 0 and moved["confirmed"] == 0
    assert moved["fell_back"] == moved["moved"]
    # every reference Crossref knows is found there, as without spreading; none is "not found"
    # for OpenAlex's silence alone
    for before, after in zip(plain.results, report.results, strict=True):
        if before.reference.index in OPENALEX_ONLY:
            continue
        assert after.status == before.status, after.reference.index
        assert (after.match.record and after.match.record.doi) == (
            before.match.record and before.match.record.doi)


def test_without_an_api_key_spreading_is_off_and_the_report_says_why_once(
        manuscript: Path, fake_api: FakeAPI, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.delenv("CITELINT_OPENALEX_API_KEY")
    out = tmp_path / "report.json"
    code = main(["check", str(manuscript), "--openalex-budget", "0.2", "--format", "json",
                 "--output", str(out), "--format", "text", "--output", str(tmp_path / "r.txt")])
    assert code in (0, 1)
    stats = json.loads(out.read_text("utf-8"))["stats"]["openalex"]
    assert "needs an OpenAlex API key" in stats["spread_off"]
    assert "spread" not in stats
    assert _singles(fake_api) == []
    text = (tmp_path / "r.txt").read_text("utf-8")
    assert text.count("needs an OpenAlex API key") == 1


def test_the_key_never_shows_in_a_spread_runs_reports(manuscript: Path, fake_api: FakeAPI,
                                                      tmp_path: Path) -> None:
    outputs = [tmp_path / f"report.{ext}" for ext in ("json", "txt", "md", "sarif")]
    args = ["check", str(manuscript), "--openalex-budget", "0.5"]
    for out in outputs:
        args += ["--output", str(out)]
    main(args)
    assert any(r.service == "openalex" and "search" in r.query for r in fake_api.requests)
    for out in outputs:
        assert KEY not in out.read_text("utf-8")
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text("utf-8", errors="replace")


def test_the_spend_holds_within_the_budget_and_takes_the_announced_cost() -> None:
    spend = Spend(0.0025)
    first = spend.hold("search")
    second = spend.hold("search")
    assert first == second == 1000  # millionths of a dollar, as documented
    assert spend.hold("search") is None  # 0.003 would pass 0.0025
    spend.charge("search", {"x-ratelimit-cost-usd": "0.001"})
    spend.release(first)
    assert spend.hold("search") is None  # 0.001 spent + 0.001 held + 0.001 > 0.0025
    spend.release(second)
    spend.charge("list", {})  # no announced cost: the documented price
    spend.charge("singleton", {"x-ratelimit-cost-usd": "0.0001",
                               "x-ratelimit-remaining-usd": "0.9989"})
    report = spend.report()
    assert report["calls"] == {"list": 1, "search": 1, "singleton": 1}
    assert report["spent_usd"] == pytest.approx(0.0012)
    assert report["announced_usd"] == pytest.approx(0.0011)
    assert report["remaining_today_usd"] == pytest.approx(0.9989)
    # a singleton announced at a cost: the next one is held at that cost, not at "free"
    assert spend.hold("singleton") == 100


@pytest.mark.parametrize("value", ["-1", "lots", "inf", True])
def test_a_budget_that_is_not_an_amount_is_refused_naming_where_it_came_from(
        value: object, tmp_path: Path) -> None:
    environ = {"CITELINT_OPENALEX_BUDGET": value} if isinstance(value, str) else {}
    flags = {} if isinstance(value, str) else {"openalex_budget": value}
    with pytest.raises(ConfigError, match="CITELINT_OPENALEX_BUDGET|--openalex-budget"):
        resolve_config(tmp_path, flags=flags, environ=environ)


def test_the_budget_comes_from_the_file_the_environment_or_the_flag(tmp_path: Path) -> None:
    (tmp_path / "citelint.toml").write_text("openalex-budget = 0.25\n", encoding="utf-8")
    assert resolve_config(tmp_path, environ={}).openalex_budget == 0.25
    assert resolve_config(tmp_path, environ={"CITELINT_OPENALEX_BUDGET": "0.5"}
                          ).openalex_budget == 0.5
    assert resolve_config(tmp_path, flags={"openalex_budget": "1"},
                          environ={"CITELINT_OPENALEX_BUDGET": "0.5"}).openalex_budget == 1.0
    assert resolve_config(tmp_path, flags={"openalex_budget": "0"},
                          environ={}).openalex_budget == 0.0



def test_no_call_is_held_beyond_what_is_left_of_todays_allowance() -> None:
    spend = Spend(0.5)
    spend.charge("search", {"x-ratelimit-cost-usd": "0.001",
                            "x-ratelimit-remaining-usd": "0.0015"})
    held = spend.hold("search")
    assert held == 1000
    assert spend.hold("search") is None  # 0.002 held would pass the 0.0015 left today
    spend.release(held)


def test_a_search_stays_with_crossref_while_its_list_lane_is_free(
        manuscript: Path, fake_api: FakeAPI, tmp_path: Path) -> None:
    from citelint.readers import read_file
    from citelint.resolve import resolve_references
    from citelint.sources.crossref import CrossrefSource
    from citelint.sources.spread import SearchSpread
    from citelint.sources.transport import Transport

    transport = Transport(cache_dir=tmp_path / "lane-cache")
    crossref = CrossrefSource(transport, f"{fake_api.url}/crossref")
    openalex = OpenAlexSource(transport, f"{fake_api.url}/openalex", budget_usd=0.5)
    spread = SearchSpread(crossref, openalex)
    no_doi = [r for r in read_file(manuscript).references if not r.doi][:2]
    resolve_references(no_doi, [crossref, openalex], spread=spread)  # one at a time
    assert spread.report()["moved"] == 0
    assert len(_searches(fake_api, "crossref")) == 2
