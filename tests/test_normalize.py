"""Tests for citelint.normalize: page ranges, text folding and cited-name splitting."""

import pytest

from citelint.normalize import (
    fold_text,
    initials_of,
    is_initials,
    page_range,
    split_name,
    split_pages,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1198-1221", ("1198", "1221")),
        ("1198\u20131221", ("1198", "1221")),
        ("1198--1221", ("1198", "1221")),
        ("1607 \u2013 1623", ("1607", "1623")),
        ("S13-S18", ("S13", "S18")),
        ("S233-S245", ("S233", "S245")),
        ("e12333", ("e12333", None)),
        ("150313", ("150313", None)),
        ("123-9", ("123", "129")),
        ("1607-23", ("1607", "1623")),
        ("S13-8", ("S13", "S18")),
        ("95-102", ("95", "102")),
        ("pp. 45\u201367", ("45", "67")),
        ("129\u201329", ("129", None)),  # Chicago's short form of the one-page range 129-129
    ],
)
def test_split_pages_reads_ranges_locators_and_abbreviations(text, expected):
    assert split_pages(text) == expected


@pytest.mark.parametrize("text", [None, "", "n/a", "pages unknown"])
def test_split_pages_gives_nothing_for_non_pages(text):
    assert split_pages(text) == (None, None)


def test_fold_text_straightens_quotes_dashes_case_and_spaces():
    assert fold_text("  \u201cStem\u2010Cell\u201d \u2013  Wound\u2019s\tHEALING ") == (
        "\"stem-cell\" - wound's healing"
    )


def test_fold_text_keeps_or_strips_diacritics_on_request():
    assert fold_text("Sierra-S\u00e1nchez") == "sierra-s\u00e1nchez"
    assert fold_text("Sierra-S\u00e1nchez", diacritics=False) == "sierra-sanchez"
    assert fold_text("Hor\u0148\u00e1kov\u00e1 \u013d", diacritics=False) == "hornakova l"


def test_fold_text_of_nothing_is_empty():
    assert fold_text(None) == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Guo X", ("Guo", "X")),
        ("Blume-Peytavi U", ("Blume-Peytavi", "U")),
        ("Li Y-J", ("Li", "YJ")),
        ("Li Y\u2010J", ("Li", "YJ")),
        ("Carrade Holt DD", ("Carrade Holt", "DD")),
        ("McDonald Kinkaid H", ("McDonald Kinkaid", "H")),
        ("Ocansey DKW", ("Ocansey", "DKW")),
        ("Shreyasi", ("Shreyasi", "")),
        ("Guo, X.", ("Guo", "X")),
        ("Guo, Xiaoli", ("Guo", "X")),
        ("Guo, X.-L.", ("Guo", "XL")),
        ("Sierra-S\u00e1nchez \u00c1", ("Sierra-S\u00e1nchez", "\u00c1")),
        ("Hor\u0148\u00e1kov\u00e1 \u013d", ("Hor\u0148\u00e1kov\u00e1", "\u013d")),
        ("Brennan M\u00c1", ("Brennan", "M\u00c1")),
        ("J. A. Smith", ("Smith", "JA")),
        ("Xiaoli Guo", ("Guo", "X")),
        ("Ludwig van Beethoven", ("van Beethoven", "L")),
        ("Smith J Jr", ("Smith", "J")),
        ("Hendrawan SJJomh", ("Hendrawan", "SJJ")),
    ],
)
def test_split_name_handles_vancouver_apa_and_given_first(name, expected):
    assert split_name(name) == expected


def test_split_name_of_blank_is_empty():
    assert split_name("  ") == ("", "")


def test_is_initials_accepts_initials_only():
    assert is_initials("DKW") and is_initials("Y-J") and is_initials("J.-P.")
    assert not is_initials("Guo") and not is_initials("SJJomh") and not is_initials("")


def test_initials_of_given_names():
    assert initials_of("Jean-Pierre") == "JP"
    assert initials_of("D. K. W.") == "DKW"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("96ra77", ("96ra77", None)),  # a Science Signaling e-locator is one locator
        ("96ra77-96ra77", ("96ra77", None)),
        ("eaav1234", ("eaav1234", None)),
        ("100364-nan", ("100364", None)),  # "EP  - nan": no end page, not a page called nan
        ("100364\u2013NaN", ("100364", None)),
        ("xvi\u2013xviii", ("xvi", "xviii")),
        ("XI-XIV", ("XI", "XIV")),
        ("1198-1198", ("1198", None)),
    ],
)
def test_split_pages_reads_e_locators_roman_numerals_and_missing_end_pages(text, expected):
    assert split_pages(text) == expected


@pytest.mark.parametrize("text", ["x-12", "mix", "civil"])
def test_split_pages_mixes_no_roman_and_arabic_and_reads_no_words(text):
    assert split_pages(text) == (None, None)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("1198", "1221", "1198-1221"), ("100364", "nan", "100364"), ("96ra77", "96ra77", "96ra77"),
     ("12", None, "12"), (None, "12", None), ("5", " ", "5")],
)
def test_page_range_joins_first_and_last_pages_leaving_out_placeholders(first, last, expected):
    assert page_range(first, last) == expected


@pytest.mark.parametrize("text", ["678-+", "678--+", "678\u2013+", "678+", "678ff."])
def test_a_first_page_and_those_after_it_is_the_first_page(text):
    assert split_pages(text) == ("678", None)


def test_all_caps_family_names_are_read_in_either_order():
    # issue 11: ALL-CAPS names ("GIL M.", "N. MEARS") were read with the initials as the family
    from citelint.normalize import split_name

    assert split_name("GIL M.") == ("GIL", "M")
    assert split_name("N. MEARS") == ("MEARS", "N")
    assert split_name("M. O. Al HAMDANI") == ("Al HAMDANI", "MO")
