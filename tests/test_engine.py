from factories import authors, matched, record, ref
from factories import cited as names

from citelint.config import Config
from citelint.engine import assign_verdicts, check_matches, prepare_rules
from citelint.matching import score_candidate
from citelint.models import LookupFailure, Manuscript

TITLE = "Hydrogel encapsulation of mesenchymal stem cells"


def _results(matches, config=None):
    manuscript = Manuscript(path="m.txt", format="text", references=[m.reference for m in matches])
    results = check_matches(manuscript, matches, config)
    assign_verdicts(results)
    return results


def test_statuses_follow_matches_and_findings():
    good = matched(ref(1, title=TITLE, year=2022), record(title=TITLE, year=2022))
    other = "Exosomes in wound repair"
    wrong = matched(ref(2, title=other, year=2019), record(title=other, year=2012))
    absent = matched(ref(3, title="A made-up study"), None)
    failed = matched(ref(4, title="A study of cells"), None,
                     failures=[LookupFailure("crossref", "Crossref answered HTTP 503")])
    snapshot = matched(ref(5, title="Another study of mice"), None, authoritative=False,
                       searched=["snapshot"])
    results = _results([good, wrong, absent, failed, snapshot])
    assert [r.status for r in results] == ["verified", "problem", "not-found", "unverified",
                                           "unverified"]
    assert "HTTP 503" in results[3].reason and "snapshot" in results[4].reason


def test_disabled_rule_does_not_run_and_severity_can_be_changed():
    wrong = matched(ref(1, title=TITLE, year=2019, volume="3"),
                    record(title=TITLE, year=2012, volume="4"))
    config = Config(disable=["year-mismatch"], severity={"volume-mismatch": "warning"})
    [result] = _results([wrong], config)
    assert [(f.rule, f.severity) for f in result.findings] == [("volume-mismatch", "warning")]


def test_info_only_findings_keep_a_reference_verified():
    match = matched(ref(1, title=TITLE, year=2022),
                    record(title=TITLE, year=2022, doi="10.1000/x"))
    [result] = _results([match])
    assert result.status == "verified" and result.findings[0].rule == "doi-missing"


def test_offline_skip_is_explained_as_such_not_as_a_failure():
    match = matched(ref(1, title=TITLE), None, searched=["snapshot"], authoritative=False,
                    failures=[LookupFailure("crossref", "offline: not in cache", offline=True)])
    [result] = _results([match])
    assert result.status == "unverified"
    assert "offline" in result.reason and "not in snapshot" in result.reason
    assert "failed" not in result.reason


def test_field_error_on_a_loose_match_is_hedged_to_a_warning():
    # a sibling paper: same authors and a near-identical title, but other year, volume and pages
    cited = ref(1, title="Conditioned medium heals wounds in diabetic rats", authors=names("Guo X"),
                year=2021, volume="12", first_page="100", last_page="110")
    rec = record(title="Conditioned medium heals wounds in diabetic mice",
                 authors=authors("Guo X"), year=2020, volume="11", first_page="5", last_page="9")
    match = matched(cited, rec, field_scores=score_candidate(cited, rec).fields)
    [result] = _results([match])
    volume = next(f for f in result.findings if f.rule == "volume-mismatch")
    assert volume.severity == "warning" and "uncertain" in volume.message
    assert volume.evidence["match_confidence"] < 0.85


def test_field_error_on_a_sound_match_stays_an_error():
    cited = ref(1, title=TITLE, authors=names("Guo X"), year=2015, volume="11", first_page="5")
    rec = record(title=TITLE, authors=authors("Guo X"), year=2012, volume="11", first_page="5")
    match = matched(cited, rec, field_scores=score_candidate(cited, rec).fields)
    [result] = _results([match])
    assert [f.severity for f in result.findings if f.rule == "year-mismatch"] == ["error"]


def test_a_severity_override_does_not_undo_the_downgrade_on_an_uncertain_match():
    cited = ref(1, title="Conditioned medium heals wounds in diabetic rats", authors=names("Guo X"),
                year=2021, volume="12", first_page="100", last_page="110")
    rec = record(title="Conditioned medium heals wounds in diabetic mice",
                 authors=authors("Guo X"), year=2020, volume="11", first_page="5", last_page="9")
    match = matched(cited, rec, field_scores=score_candidate(cited, rec).fields)
    [result] = _results([match], Config(severity={"volume-mismatch": "error"}))
    volume = next(f for f in result.findings if f.rule == "volume-mismatch")
    assert volume.severity == "warning" and "uncertain" in volume.message


def _author_findings(config):
    # one author the record lacks (error) and one reference with a needless "et al." (warning)
    extra = matched(ref(1, title=TITLE, authors=names("Thomas MA", "Medicine C")),
                    record(title=TITLE, authors=authors("Thomas MA")))
    et_al = matched(ref(2, title=TITLE, authors=names("Thomas MA", "Fahey MJ"), et_al=True),
                    record(title=TITLE, authors=authors("Thomas MA", "Fahey MJ")))
    return [(r.reference.index, f.severity) for r in _results([extra, et_al], config)
            for f in r.findings if f.rule == "author-mismatch"]


def test_a_severity_override_keeps_a_rules_own_grades_apart():
    assert _author_findings(None) == [(1, "error"), (2, "warning")]
    same = Config(severity={"author-mismatch": "error"})
    assert _author_findings(same) == [(1, "error"), (2, "warning")]
    lower = Config(severity={"author-mismatch": "warning"})
    assert _author_findings(lower) == [(1, "warning"), (2, "info")]
    lowest = Config(severity={"author-mismatch": "info"})
    assert _author_findings(lowest) == [(1, "info"), (2, "info")]


def test_an_override_raising_a_rule_raises_its_default_grade():
    from citelint.engine import regraded

    assert regraded("info", "info", "warning") == "warning"
    assert regraded("info", "info", "error") == "error"
    assert regraded("warning", "warning", "error") == "error"
    assert regraded("info", "warning", "error") == "warning"  # a softer finding stays softer


def test_no_source_at_all_says_how_to_get_one():
    match = matched(ref(1, title=TITLE), None, searched=[], authoritative=False)
    [result] = _results([match])
    assert result.status == "unverified" and "--snapshot" in result.reason


def test_a_title_alone_does_not_verify():
    # issue 11: `verified` was given after comparing the title alone
    alone = matched(ref(1, title=TITLE), record(title=TITLE, year=2022))
    other = "Exosomes in wound repair"
    more = matched(ref(2, title=other, year=2022), record(title=other, year=2022))
    first, second = _results([alone, more])
    assert first.status == "unverified" and "Only the title" in first.reason
    assert first.compared == ["title"] and first.not_compared["year"] == "not cited"
    assert second.status == "verified" and second.compared == ["title", "year"]


def test_a_rule_that_fails_on_one_reference_costs_only_that_reference(monkeypatch):
    from citelint.rules import year_mismatch

    original = year_mismatch.check

    def broken(match, context):
        if match.reference.index == 2:
            raise IndexError("list index out of range")
        return original(match, context)

    monkeypatch.setattr(year_mismatch, "check", broken)
    good, hit = (matched(ref(i, title=title, year=2022),
                         record(title=title, year=2022, doi=f"10.1000/{i}"))
                 for i, title in ((1, TITLE), (2, "Exosomes in the repair of wounds")))
    first, second = _results([good, hit], Config(severity={"year-mismatch": "error"}))
    assert first.status == "verified"
    assert second.status == "unverified" and "year-mismatch check failed" in second.reason
    [bug] = [f for f in second.findings if f.rule == "year-mismatch"]
    assert bug.severity == "info"  # the run does not fail (exit 1) because of a bug
    assert "IndexError: list index out of range" in bug.message and "report it" in bug.message


def test_a_list_rule_that_fails_is_reported_on_every_reference(monkeypatch):
    from citelint.rules import duplicate_reference

    def broken(matches, context):
        raise KeyError("boom")

    monkeypatch.setattr(duplicate_reference, "check_list", broken)
    results = _results([matched(ref(i, title=TITLE, year=2022), record(title=TITLE, year=2022))
                        for i in (1, 2)])
    for result in results:
        assert any(f.rule == "duplicate-reference" and "internal error" in f.message
                   for f in result.findings)
        assert result.status == "unverified"


def test_a_work_matched_while_crossref_failed_has_its_retraction_status_unchecked():
    from factories import matched, record, ref

    from citelint.engine import unchecked_notices_reason
    from citelint.models import LookupFailure

    cited = ref(title="A title", year=2020)
    crossref_failed = [LookupFailure("crossref", "Crossref answered HTTP 503 three times.")]
    match = matched(cited, record(source="openalex", title="A title", year=2020),
                    failures=crossref_failed)
    reason = unchecked_notices_reason(match)
    assert reason and "retracted is unchecked" in reason and "HTTP 503" in reason
    # Crossref's own record of the work carries its notices
    assert unchecked_notices_reason(matched(cited, record(title="A title", notices_known=True),
                                            failures=crossref_failed)) is None


def test_a_retraction_status_nobody_answered_for_is_unchecked_never_cleared():
    from factories import matched, record, ref

    from citelint.engine import match_stands, unchecked_notices_reason
    from citelint.models import LookupFailure, ReferenceResult

    cited = ref(title="A title", year=2020, journal="J")
    offline = [LookupFailure("crossref", "offline: not in cache", offline=True)]
    openalex = record(source="openalex", title="A title", year=2020, journal="J")
    snapshot = record(source="snapshot", title="A title", year=2020, journal="J")
    kept = record(source="snapshot", title="A title", year=2020, journal="J",
                  notices_known=True)
    # offline, Crossref skipped: OpenAlex's record, or a snapshot's that cannot say, clears nothing
    skipped = unchecked_notices_reason(matched(cited, openalex, failures=offline,
                                               searched=["openalex"]))
    assert skipped and "not asked about it" in skipped and "second opinion" in skipped
    not_asked = matched(cited, snapshot, searched=["snapshot"])
    reason = unchecked_notices_reason(not_asked)
    assert reason and "carries none of Crossref's notice fields" in reason
    assert reason.startswith("The work was found in snapshot,")
    # a snapshot copy that kept Crossref's notice fields says, as Crossref's own answer does
    assert unchecked_notices_reason(matched(cited, kept, searched=["snapshot"])) is None
    assert unchecked_notices_reason(matched(cited, snapshot, searched=["snapshot"], others=[
        record(title="A title", notices_known=True)])) is None
    # Crossref answered for this reference and holds no such work: no Crossref notice on it
    assert unchecked_notices_reason(matched(cited, openalex,
                                            searched=["crossref", "openalex"])) is None
    # the verdict: unverified with that reason, yet a match that stands (citelint fix uses it)
    [result] = _results([not_asked])
    assert (result.status, result.reason) == ("unverified", reason)
    assert match_stands(result)
    assert not match_stands(ReferenceResult(cited, not_asked, "unverified", [], "other reason"))


def test_an_outage_gives_every_reference_one_reason_per_source_and_nothing_verified_says_why():
    from citelint.engine import unverified_cause, unverified_reason

    down = "Crossref could not be reached; not asking it again in this run."
    by_doi = matched(ref(1, doi="10.1/x"), None, searched=[], authoritative=False, failures=[
        LookupFailure("crossref", f"Crossref could not be asked about 1 of 1 DOIs: {down}"),
        LookupFailure("crossref", down)])
    by_search = matched(ref(2), None, searched=[], authoritative=False,
                        failures=[LookupFailure("crossref", down)])
    assert unverified_reason(by_doi) == unverified_reason(by_search) == \
        f"A lookup failed: crossref: {down}"
    results = check_matches(Manuscript("m.txt", "text", []), [by_doi, by_search])
    assign_verdicts(results)
    assert unverified_cause(results) == "sources-failed"
    offline = matched(ref(3), None, searched=[], authoritative=False, failures=[
        LookupFailure("crossref", "offline: not in cache", offline=True)])
    assert unverified_cause(check_matches(Manuscript("m.txt", "text", []), [offline])) \
        == "sources-not-asked"


def test_an_advisory_finding_alone_keeps_a_verified_reference_verified():
    titles = ["Mesenchymal stem cells accelerate wound healing in mice",
              "Stem cell secretome promotes diabetic wound closure",
              "Exosomes from stem cells in cutaneous wound repair",
              "Wound healing with hydrogels that carry stem cells",
              "Angiogenesis in healing wounds treated with stem cells",
              "Stem cells and scar formation in skin wounds",
              "Copper chelation in Alzheimer's disease amyloid plaques"]
    journals = ["Wound Repair Regen"] * 6 + ["J Alzheimers Dis"]
    people = ["Guo X"] * 6 + ["Lee K"]  # sharing an author would protect it (authorship)
    matches = [matched(ref(i + 1, title=t, year=2020, authors=names(p), journal=j),
                       record(title=t, year=2020, authors=authors(p), journal=j))
               for i, (t, j, p) in enumerate(zip(titles, journals, people, strict=True))]
    manuscript = Manuscript(path="m.txt", format="text", references=[m.reference for m in matches],
                            title="Mesenchymal stem cells for wound healing")
    results = check_matches(manuscript, matches, Config(options={
        "off-topic": {"method": "tfidf", "threshold": 0.5, "max_ratio": 1.0}}))
    assign_verdicts(results)
    [off_topic] = [r for r in results if r.findings]
    assert off_topic.reference.index == 7
    assert [f.rule for f in off_topic.findings] == ["off-topic"]
    assert off_topic.findings[0].severity == "warning"
    assert {r.status for r in results} == {"verified"}


def test_rules_prepare_then_work_ahead_on_each_state_of_the_list(monkeypatch):
    from citelint.rules import off_topic

    seen = []
    model = []

    def prepare(options):
        seen.append(("prepare", options["method"]))
        if not model:
            raise RuntimeError("no model here")  # left for the rule to report when it runs

    monkeypatch.setattr(off_topic, "prepare", prepare)
    monkeypatch.setattr(off_topic, "ahead", lambda matches, options: seen.append(
        ("ahead", [m is not None for m in matches])))
    first, second = matched(ref(1, title=TITLE), None), matched(ref(2, title=TITLE), None)
    states = [[None, None], [first, None], [first, second]]
    prepare_rules(Config(), iter(states))
    assert seen == [("prepare", "auto")]  # not prepared: nothing to do ahead
    seen.clear()
    model.append("loaded")
    prepare_rules(Config(), iter(states))
    assert seen == [("prepare", "auto"), ("ahead", [False, False]), ("ahead", [True, False]),
                    ("ahead", [True, True])]


def test_a_check_tells_the_rules_of_each_reference_as_it_settles(monkeypatch, tmp_path):
    from citelint import check
    from citelint.rules import off_topic

    states = []
    monkeypatch.setattr(off_topic, "ahead", lambda matches, options: states.append(
        [m is not None for m in matches]))
    path = tmp_path / "refs.txt"
    path.write_text("References\n\n1. Smith J. A study of mice. Nature 2020.\n"
                    "2. Jones K. Another study of rats. Cell 2021.\n", encoding="utf-8")
    check(path, sources=[], offline=True)
    assert states and states[-1] == [True, True]


def test_the_states_of_the_list_are_not_waited_for_when_no_rule_works_ahead():
    # TF-IDF has nothing to do ahead: the background thread must not wake for each reference
    read = []

    def states():
        read.append("state")
        yield [None]

    prepare_rules(Config(options={"off-topic": {"method": "tfidf"}}), states())
    assert read == []
    prepare_rules(Config(options={"off-topic": {"method": "embedding"}}), states())
    assert read == ["state"]
