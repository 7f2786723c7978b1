"""A revtex paper gives the same findings whether its list is read from the .bbl that BibTeX
made (decoded revtex markup) or from the .tex and its .bib, when the snapshot has the records.

The fixture (fixtures/revtex) is a real apsrev4-2 .bbl made by BibTeX from a .bib written from
eight real Crossref records, with four mistakes authors make; see its README.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint import check
from citelint.config import Config

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "revtex"


def _findings(path: Path, cache: Path) -> dict[str, tuple]:
    config = Config(snapshots=[FIXTURE / "snapshot.jsonl"], offline=True, cache_dir=cache)
    report = check(path, config=config)
    return {r.reference.location.key: (r.status, sorted(
        (f.rule, f.severity, f.field, f.cited, f.expected) for f in r.findings))
        for r in report.results}


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    cache = tmp_path_factory.mktemp("cache")
    return _findings(FIXTURE / "paper.bbl", cache), _findings(FIXTURE / "paper.tex", cache)


def test_the_bbl_and_the_tex_with_its_bib_give_the_same_findings(routes) -> None:
    bbl, tex = routes
    assert bbl == tex


def test_the_mistakes_in_the_bib_are_found_and_nothing_else(routes) -> None:
    bbl, _ = routes
    found = {key: [f[0] for f in findings] for key, (_, findings) in bbl.items() if findings}
    assert found == {"he2019": ["year-mismatch"], "szpitalak2019": ["volume-mismatch"],
                     "wang2019": ["doi-mismatch"], "schirmer2019": ["doi-missing"]}
    # the rest agree with their records, but the recorded list answer carries none of
    # Crossref's notice fields, so offline their retraction status is unchecked: unverified
    assert {key: status for key, (status, _) in bbl.items()
            if key not in found} == dict.fromkeys(
        ["snodderly2019", "trifonova2019", "emmert2019", "aguilera2019"], "unverified")
