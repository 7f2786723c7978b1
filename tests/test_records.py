"""Crossref and OpenAlex JSON, as the services really send it, read into Records."""

from __future__ import annotations

import json
from pathlib import Path

from citelint.records import abstract_from_inverted_index, is_crossref_work, record_from_json

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "api-examples"


def _work(name: str) -> dict:
    data = json.loads((EXAMPLES / name).read_text("utf-8"))
    return data.get("message", data)


def test_crossref_article_number_and_dates():
    record = record_from_json(_work("crossref/works_10.1038_srep16696_article-number.json"))
    assert record.source == "crossref" and record.doi == "10.1038/srep16696"
    assert record.article_number == "16696" and record.first_page is None
    assert record.journal == "Scientific Reports" and record.journal_short == ["Sci Rep"]
    assert record.year == 2015 and record.year_online == 2015 and record.year_print is None
    assert record.authors[0].family == "Tosatto" and record.authors[0].given == "Laura"


def test_crossref_updated_by_correction_is_a_notice_on_the_work():
    record = record_from_json(
        _work("crossref/works_10.1371_journal.pone.0033693_updated-by_correction.json"))
    assert [(u.type, u.source) for u in record.updates] == [("correction", "publisher")]
    assert record.type == "journal-article"


def test_crossref_retraction_notice_is_typed_as_a_notice_not_as_the_article():
    items = _work("crossref/journals_1932-6203_works_rows30_2021_contains_retraction_notices.json")
    notice = next(i for i in items["items"] if i["DOI"] == "10.1371/journal.pone.0210896")
    assert record_from_json(notice).type == "notice:retraction"


def test_openalex_work_with_e_locator_and_topics():
    record = record_from_json(_work("openalex/works_doi-url_10.7554_elife.01567.json"))
    assert record.source == "openalex" and record.doi == "10.7554/elife.01567"
    assert record.article_number == "e01567" and record.first_page is None
    assert record.journal == "eLife" and record.year == 2014 and record.is_retracted is False
    assert record.topics[0]["field"] == "Agricultural and Biological Sciences"
    assert record.abstract and record.authors[0].name == "Martial Sankar"


def test_openalex_single_short_page_stays_a_page():
    record = record_from_json({"id": "W1", "display_name": "A letter", "publication_year": 2020,
                               "biblio": {"first_page": "12", "last_page": "12"}})
    assert (record.first_page, record.last_page, record.article_number) == ("12", "12", None)


def test_the_two_services_are_told_apart():
    assert is_crossref_work(_work("crossref/works_10.1038_srep16696_article-number.json"))
    assert not is_crossref_work(_work("openalex/works_W2741809807.json"))


def test_inverted_index_rebuilds_the_abstract_in_order():
    assert abstract_from_inverted_index({"cells": [1], "Stem": [0], "heal": [2]}) == \
        "Stem cells heal"


def test_a_crossref_copy_knows_its_notices_only_when_it_kept_their_fields():
    work = _work("crossref/works_10.1371_journal.pone.0033693_updated-by_correction.json")
    assert record_from_json(work, "snapshot").notices_known
    kept = {k: v for k, v in work.items() if k not in ("updated-by", "update-to")}
    assert record_from_json({**kept, "relation": {}}, "snapshot").notices_known
    stripped = {k: v for k, v in kept.items() if k != "relation"}
    assert not record_from_json(stripped, "snapshot").notices_known
