"""Tests for the style families of citelint.citation: one style detected per list, each reference
read with its grammar. The strings are written as the official CSL styles render them; the first
five are the examples of issue 11 that were misread."""

import pytest

from citelint.citation import detect_style, parse_references


def read(*texts: str):
    return parse_references(list(texts))


def test_nature_journal_stops_before_the_volume():
    refs = read("Hockey, S. The history of humanities computing. Comput Hum 29, 389–407 (1995).",
                "Li, J. et al. Large chromosomal deletions in HEK293T cells. PeerJ 9, e11816 "
                "(2021).")
    first = refs[0]
    assert (first.journal, first.volume, first.first_page, first.last_page, first.year) == (
        "Comput Hum", "29", "389", "407", 1995)
    assert first.title == "The history of humanities computing"
    assert (refs[1].article_number, refs[1].et_al, refs[1].author_names) == ("e11816", True,
                                                                          ["Li, J."])


def test_mla_volume_that_looks_like_a_year_is_not_the_journal():
    refs = read("Smith, John, and Ann Lee. “A Study of Widgets”. Journal of Sensors, vol. 2013, "
                "2013, pp. 1–3, https://doi.org/10.1155/2013/123456.",
                "Li, J., et al. “Large Chromosomal Deletions”. PeerJ, vol. 9, 2021, p. e11816.")
    first = refs[0]
    assert (first.journal, first.volume, first.year, first.first_page, first.last_page) == (
        "Journal of Sensors", "2013", 2013, "1", "3")
    assert first.author_names == ["Smith, John", "Ann Lee"]
    assert first.doi == "10.1155/2013/123456"


@pytest.mark.parametrize("texts", [
    ("Frank, H. S. “The Structure of Ordinary Water”. Science 169, no. 3946 (October 1970): "
     "635–41.",
     "Keirstead, J. “Fit for Purpose? Rethinking Modeling in Industrial Ecology”. Journal of "
     "Industrial Ecology 18, no. 2 (2014): 161–63."),
    ("Frank, H. S. 1970. “The Structure of Ordinary Water”. Science 169 (October): 635–41.",
     "Keirstead, J. 2014. “Fit for Purpose? Rethinking Modeling in Industrial Ecology”. Journal "
     "of Industrial Ecology 18 (2): 161–63."),
])
def test_chicago_month_is_not_the_issue(texts):
    first, second = read(*texts)
    assert first.issue in (None, "3946")
    assert first.issue != "October"
    assert (first.journal, first.volume, first.year, first.first_page, first.last_page) == (
        "Science", "169", 1970, "635", "641")
    assert second.title == "Fit for Purpose? Rethinking Modeling in Industrial Ecology"
    assert (second.journal, second.issue) == ("Journal of Industrial Ecology", "2")


def test_apa_abbreviated_journal_keeps_its_abbreviations():
    refs = read("Brown, A., & Green, B. (2019). Costs of diabetes care in Latin America. Value "
                "Health Reg. Issues, 19, 45–52. https://doi.org/10.1016/j.vhri.2019.01.003",
                "Keirstead, J. (2014). Fit for Purpose? Rethinking Modeling in Industrial "
                "Ecology. Journal of Industrial Ecology, 18(2), 161–163.")
    assert refs[0].journal == "Value Health Reg. Issues"
    assert refs[0].title == "Costs of diabetes care in Latin America"
    assert refs[1].journal == "Journal of Industrial Ecology"
    assert refs[1].title == "Fit for Purpose? Rethinking Modeling in Industrial Ecology"


def test_ieee_title_in_curly_quotes_is_taken_whole():
    refs = read("[1] H. S. Frank, “The Structure of Ordinary Water,” Science, vol. 169, no. 3946, "
                "pp. 635–641, 1970.",
                "[2] L. Qi and T. Wang, “Widget detection network: widget detection in mobile "
                "screenshots,” J. Electron. Imag., vol. 28, no. 6, p. 063006, Nov. 2019, doi: "
                "10.1117/1.jei.28.6.063006.")
    assert refs[0].title == "The Structure of Ordinary Water"
    assert (refs[0].journal, refs[0].issue, refs[0].author_names) == ("Science", "3946",
                                                                  ["H. S. Frank"])
    second = refs[1]
    assert second.title == "Widget detection network: widget detection in mobile screenshots"
    assert (second.author_names, second.article_number, second.year) == (["L. Qi", "T. Wang"],
                                                                    "063006", 2019)


@pytest.mark.parametrize("style, texts", [
    ("acs", ("(1) Frank, H. S. The Structure of Ordinary Water. Science 1970, 169 (3946), "
             "635–641.",
             "(2) Qi, L.; Wang, T. Widget Detection Network. J. Electron. Imag. 2019, 28 (6), 1.")),
    ("elsevier-numbered", ("[1] H.S. Frank, The Structure of Ordinary Water, Science 169 (1970) "
                           "635–641.",
                           "[2] L. Qi, T. Wang, Widget Detection Network, J. Electron. Imag. 28 "
                           "(2019) 1.")),
    ("nature", ("1. H. S. Frank, The Structure of Ordinary Water. Science 169, 635–641 (1970).",
                "2. L. Qi, T. Wang, Widget Detection Network. J. Electron. Imag. 28, 1 (2019).")),
    ("springer", ("Frank HS (1970) The Structure of Ordinary Water. Science 169:635–641",
                  "Qi L, Wang T (2019) Widget Detection Network. J Electron Imag 28:1")),
])
def test_numbered_and_author_date_families(style, texts):
    assert detect_style(list(texts)) == style
    first, second = read(*texts)
    assert (first.title, first.journal, first.volume, first.year) == (
        "The Structure of Ordinary Water", "Science", "169", 1970)
    assert (first.first_page, first.last_page) == ("635", "641")
    assert second.author_names[-1].replace(",", "").replace(".", "").split()[-1] in ("Wang", "T")


def test_a_list_of_no_known_style_falls_back_to_the_general_readings():
    texts = ["Keller P, Ortiz L. A title here. J Foo. 2020;12(3):45-67.",
             "Some words that are not a citation at all"]
    assert detect_style(texts) is None
    assert read(*texts)[0].journal == "J Foo"


def test_a_reference_off_the_list_style_is_still_read():
    refs = read("Hockey, S. The history of humanities computing. Comput Hum 29, 389–407 (1995).",
                "Li, J. et al. Large chromosomal deletions. PeerJ 9, e11816 (2021).",
                "Keller P, Ortiz L. A title here. J Foo. 2020;12(3):45-67.")
    assert (refs[2].journal, refs[2].volume, refs[2].year) == ("J Foo", "12", 2020)


@pytest.mark.parametrize("texts", [
    ("Niparko, J. K. “A Tribute to Howard E. 'Rocky' Stone”. Archives of Otolaryngology - Head "
     "and Neck Surgery 120, no. 2 (1994): 129–29.",
     "Frank, H. S. “The Structure of Ordinary Water”. Science 169, no. 3946 (1970): 635–41."),
    ("Niparko, J. K. (1994). A Tribute to Howard E. 'Rocky' Stone. Archives of Otolaryngology - "
     "Head and Neck Surgery, 120(2), 129–129.",
     "Frank, H. S. (1970). The Structure of Ordinary Water. Science, 169(3946), 635–641."),
])
def test_quotes_inside_a_title_and_an_initial_before_them(texts):
    first = read(*texts)[0]
    assert first.title == "A Tribute to Howard E. 'Rocky' Stone"
    assert first.journal == "Archives of Otolaryngology - Head and Neck Surgery"
    assert (first.first_page or first.article_number, first.last_page) == ("129", None)


def test_hyphenated_initials_in_compact_names():
    refs = read("Fu C-Z, Si W-R, Yang D, Yang J (2021) Numerical Study of Heat Transfer. "
                "Mathematical Problems in Engineering 2021:1–13",
                "Kim JY, Sohn JH, Choi J-M, et al (2012) Alveolar Macrophages Play a Key Role. "
                "PLoS ONE 7:e47971")
    assert [a.written for a in refs[0].authors] == ["Fu C-Z", "Si W-R", "Yang D", "Yang J"]
    assert [a.family for a in refs[1].authors] == ["Kim", "Sohn", "Choi"] and refs[1].et_al


def test_a_lettered_locator_still_ends_the_journal_and_is_not_read_as_pages():
    refs = read("Rietz, R. (2001). In the Wake of the Plague. JAMA: The Journal of the American "
                "Medical Association, 286(17), 2165-a-2166.",
                "Frank, H. S. (1970). The Structure of Ordinary Water. Science, 169(3946), "
                "635–641.")
    first = refs[0]
    assert first.journal == "JAMA: The Journal of the American Medical Association"
    assert (first.first_page, first.last_page, first.article_number) == (None, None, None)


def test_names_the_patterns_miss_are_still_the_authors_before_the_year_or_quoted_title():
    apa = read("Zheng, Y. xin ., & Zhan, H. S. (2020). Efficacy of a gel. Evid Based Med, 20, 1-9.",
               "Frank, H. S. (1970). The Structure of Ordinary Water. Science, 169(3946), 635–641.")
    assert [a.written for a in apa[0].authors] == ["Zheng, Y. xin.", "Zhan, H. S."]
    assert apa[0].title == "Efficacy of a gel"
    chicago = read("MEARS, N., and P. WILLIAMSON. “The ‘Holy Days’ of Queen Elizabeth I”. History "
                   "105, no. 365 (2020): 201–28.",
                   "Frank, H. S. “The Structure of Ordinary Water”. Science 169, no. 3946 (1970): "
                   "635–41.")
    assert [a.written for a in chicago[0].authors] == ["MEARS, N.", "P. WILLIAMSON"]
    assert chicago[0].title == "The ‘Holy Days’ of Queen Elizabeth I"


def test_roman_volumes_open_ranges_and_a_name_list_that_ends_in_a_title_word():
    refs = read("HOBBS, A. G. SOME AMUSING INSTANCES OF NASAL REFLEX. JAMA XXVIII, 789 (1897).",
                "Cockerell, T. D. A. A New Bee of the Genus Emphor. Psyche 20, 107– (1913).",
                "Madrigal Martínez, M. & García Viveros, H. Harmonic interaction of the unified "
                "power flow controller. Int. Trans. Electr. Energ. Syst. 25, 3139-3154 (2014).")
    assert (refs[0].journal, refs[0].volume, refs[0].article_number) == ("JAMA", "XXVIII", "789")
    assert (refs[1].journal, refs[1].first_page or refs[1].article_number) == ("Psyche", "107")
    assert [a.family for a in refs[2].authors] == ["Madrigal Martínez", "García Viveros"]
    assert refs[2].title == "Harmonic interaction of the unified power flow controller"


def test_a_family_name_starting_like_a_suffix_is_not_cut():
    refs = read("Twigden, K. M., Sritharan, S. & Henry, R. S. Cyclic testing of walls. Eng. "
                "Struct. 140, 406–420 (2017).",
                "King, M. L., Jr. & Iiyama, T. A second paper. Nature 1, 1–2 (1960).")
    assert [a.family for a in refs[0].authors] == ["Twigden", "Sritharan", "Henry"]
    assert [a.family for a in refs[1].authors] == ["King", "Iiyama"]


def test_long_journal_letter_locator_colon_title_and_quotes_inside_a_quoted_title():
    nature = read("Boettiger, C. & Temple Lang, D. Treebase: an R package for discovery of "
                  "phylogenies. Methods Ecol Evol 3, 1060–1066 (2012).",
                  "Rahimi, N. et al. Characterization of surface defects on Be-implanted GaSb. "
                  "Journal of Vacuum Science & Technology B, Nanotechnology and Microelectronics: "
                  "Materials, Processing, Measurement, and Phenomena 32, 04E109 (2014).")
    assert [a.family for a in nature[0].authors] == ["Boettiger", "Temple Lang"]
    assert nature[0].title.startswith("Treebase: an R package")
    assert nature[1].journal.endswith("Measurement, and Phenomena")
    assert nature[1].article_number == "04E109"
    chicago = read("Okawa, C. M. P. “Contributions of the Research Group “Urban Water” of the "
                   "State University”. Ciência E Natura 42 (2020): e12.",
                   "Frank, H. S. “The Structure of Ordinary Water”. Science 169, no. 3946 (1970): "
                   "635–41.")
    assert chicago[0].title == "Contributions of the Research Group “Urban Water” of the State " \
                               "University"
    assert chicago[0].journal == "Ciência E Natura"


def test_a_species_abbreviation_in_a_vancouver_title_is_not_an_author():
    refs = read("Dhanushkodi A, McDonald MP. Intracranial V. cholerae Sialidase Protects against "
                "Excitotoxic Neurodegeneration. PLoS ONE. 2011;6(12):e29285.",
                "Frank HS. The Structure of Ordinary Water. Science. 1970;169:635-41.")
    assert [a.family for a in refs[0].authors] == ["Dhanushkodi", "McDonald"]
    assert refs[0].title.startswith("Intracranial V. cholerae Sialidase")


def test_a_nickname_in_brackets_stays_with_its_name():
    refs = read("Li, J., Guo, Y., & Yu, X. (Bill) . (2019). Vertical bearing capacity of piles. "
                "Ocean Engineering, 181, 109-120.",
                "Frank, H. S. (1970). The Structure of Ordinary Water. Science, 169(3946), "
                "635–641.")
    assert [a.family for a in refs[0].authors] == ["Li", "Guo", "Yu"]


def test_detect_style_chooses_as_counting_every_grammar_on_every_citation():
    # detect_style stops trying a grammar once it can neither reach the bar nor beat an earlier
    # one; its choice must be that of the full count: the first grammar reading the most
    # citations, when they are at least half of the list and at least two
    import random
    from pathlib import Path

    from citelint.citation import GRAMMARS, _body_without_identifiers, _strip_label, _styled_split

    def counted(texts):
        bodies = [_body_without_identifiers(t) for t in (_strip_label(x) for x in texts) if t]
        counts = {name: sum(_styled_split(b, name) is not None for b in bodies)
                  for name in GRAMMARS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] >= max(2, -(-len(bodies) // 2)) else None

    styles = Path(__file__).parent / "fixtures" / "styles"
    lines = {p.stem: [line for line in p.read_text().splitlines() if line.strip()]
             for p in sorted(styles.glob("*.txt"))}
    r = random.Random(5)
    lists = list(lines.values())
    for _ in range(60):  # two or three styles mixed in varying shares, ties included
        chosen = r.sample(sorted(lines), r.randint(2, 3))
        lists.append([line for name in chosen for line in r.sample(lines[name], r.randint(
            1, min(6, len(lines[name]))))])
    chosen_styles = set()
    for texts in lists:
        chosen_styles.add(detect_style(texts))
        assert detect_style(texts) == counted(texts)
    assert len(chosen_styles) > 3  # the lists do test the choice
