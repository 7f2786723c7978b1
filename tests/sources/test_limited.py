"""A manuscript's time limit on its sources: nothing is asked once it has passed, with a reason
that names it; before, every call goes through unchanged."""

from __future__ import annotations

import pytest

from citelint.sources import SourceUnavailable
from citelint.sources.limited import LimitedSource, TimeLimit


class Asked:
    """A source that notes what it was asked."""

    name, authoritative = "asked", True

    def __init__(self):
        self.asked = []

    def works_by_doi(self, dois):
        self.asked.append("works_by_doi")
        return {}

    def search(self, reference, rows=5):
        self.asked.append("search")
        return []

    def journal_works(self, journal, year, journal_ids=None):
        self.asked.append("journal_works")
        return []

    def work_by_doi(self, doi):
        self.asked.append("work_by_doi")

    def search_would_wait(self):  # not a look-up
        self.asked.append("search_would_wait")
        return False


def ask_everything(source):
    source.works_by_doi(["10.1/x"])
    source.search(None)
    source.journal_works("J", 2020, journal_ids=["S1"])
    source.work_by_doi("10.1/x")


def test_before_the_limit_every_call_goes_through():
    inner = Asked()
    limited = LimitedSource(inner, TimeLimit.starting_now(60))
    ask_everything(limited)
    assert limited.search_would_wait() is False
    assert inner.asked == ["works_by_doi", "search", "journal_works", "work_by_doi",
                           "search_would_wait"]
    assert (limited.name, limited.authoritative) == ("asked", True)
    assert not hasattr(limited, "no_such_thing")  # what the source lacks, it lacks


@pytest.mark.parametrize("call", ["works_by_doi", "search", "journal_works", "work_by_doi"])
def test_past_the_limit_no_look_up_is_made_and_the_reason_names_the_limit(call):
    inner = Asked()
    limit = TimeLimit(30, 0.0)  # long past
    limited = LimitedSource(inner, limit)
    args = {"works_by_doi": (["10.1/x"],), "search": (None,), "journal_works": ("J", 2020),
            "work_by_doi": ("10.1/x",)}[call]
    with pytest.raises(SourceUnavailable) as caught:
        getattr(limited, call)(*args)
    assert str(caught.value) == limit.reason
    assert "time limit of 30 s (--manuscript-timeout) had run out" in limit.reason
    assert inner.asked == []
    assert limited.search_would_wait() is False  # not a look-up: still answered
    with pytest.raises(SourceUnavailable):
        limit.guard(lambda doi: True)("10.1/x")  # a DOI checker or expander too
