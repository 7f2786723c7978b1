"""Inline suppressions shared by the readers: parsing, and which reference a comment belongs to."""

from __future__ import annotations

from citelint.models import Location, Reference, Suppression
from citelint.readers.inline import attach_comments, parse_suppressions


def test_items_are_split_on_semicolons_and_a_bare_rule_has_no_reason() -> None:
    assert parse_suppressions("doi-missing: never registered; journal-abbreviation") == [
        Suppression("doi-missing", "never registered"), Suppression("journal-abbreviation", "")]
    assert parse_suppressions(None) == [] and parse_suppressions(" ; ") == []


def test_a_comment_belongs_to_the_reference_it_stands_in_or_directly_before() -> None:
    lines = ["1. First", "   continued", "", "", "2. Second", "3. Third"]
    refs = [Reference(i + 1, text, location=Location(line=line))
            for i, (text, line) in enumerate([("First", 1), ("Second", 5), ("Third", 6)])]
    comments = {2: ("a", False),  # trailing on the first reference's second line
                3: ("b", True),   # alone, and the next non-blank line starts the second
                6: ("c", False)}  # trailing on the third
    attach_comments(refs, comments, lines)
    assert [[s.rule for s in r.suppressions] for r in refs] == [["a"], ["b"], ["c"]]


def test_a_comment_before_every_reference_belongs_to_none_and_is_returned() -> None:
    refs = [Reference(1, "First", location=Location(line=3))]
    assert attach_comments(refs, {1: ("x", False)}, ["heading", "", "1. First"]) == [1]
    assert refs[0].suppressions == []
