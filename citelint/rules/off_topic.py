"""off-topic: a reference looks unrelated to the manuscript's subject (ADVISORY).

What it checks
    How related each reference is to the manuscript: its record's title, abstract, keywords and
    OpenAlex topics (or the cited title, when the reference was not resolved) and its journal are
    compared with the manuscript's title, abstract and keywords and with the rest of the
    reference list, which is mostly on topic. The references whose relatedness is unusually low
    *for this list* (median and MAD of the list's own scores, not a global cut-off) are
    reported.

Why it matters
    An unrelated citation can be padding, citation manipulation (citation rings, coerced or
    self-citations), or a copy-paste slip that put the wrong reference behind a claim. Each one
    leaves a claim without the support it appears to have.

This check is ADVISORY: its finding does not change the reference's status (a verified reference
stays verified), and the report's summary counts advisory findings apart. Being unusual is not
being wrong: methods papers, statistics software and a cytokine borrowed from another field are
legitimately cited far from a paper's subject, and titles alone say little. A reference with no
title, abstract or keywords is never reported (no evidence, no accusation), and lists of fewer than
five references are not judged. When the input has the manuscript's text (JATS, LaTeX, Markdown, or
plain text citing numbered references as [12]), a reference cited only in its methods sections
("Materials and methods", "Statistical analysis", "Software"...) is not judged either: it is cited
for how the work was done, and, measured on real reference lists, well-known methods papers (R,
ImageJ, DESeq2, BLAST...) score as low as intruders from a distant field.

Example, in a review of soil microbiology under drought
    passes: "Drought reshapes the bacterial communities of grassland soils."
    fails:  "Tax incentives and the uptake of electric vehicles in cities."

How to act
    Check that the citation supports the claim it is attached to. If it does, keep it (and
    suppress the finding with the reason); if it does not, replace or remove it.

Options (``[options.off-topic]``)
    method          "auto" (default: "embedding" when the ``embeddings`` extra is
                    installed, else "tfidf"), "tfidf" (offline, milliseconds, catches only the
                    blatant cases) or "embedding" (all-MiniLM-L6-v2 sentence embeddings, shipped
                    in the extra; markedly better on titles alone, see docs/offtopic.md). The
                    method used is given in each reference's ``relatedness``.
    threshold       flag below this many robust standard deviations (modified z-score)
                    under the list's median (default: 1.5 for tfidf, 2.0 for embedding)
    max_ratio       ...and below this share of the median score (default: 0.25 tfidf, 0.5
                    embedding)
    min_references  lists with fewer scored references are not judged (default 5)
    max_share       never flag more than this share of the list (default 0.25)

Each reference's score (``relatedness`` in the JSON report) is given whether or not it is
flagged: ``score``, ``to_manuscript``, ``to_list``, ``shared_terms``, ``missing_terms`` (the
subject's key terms it lacks), ``nearest`` (the reference most like it), ``field``, ``method``,
and, when the input has the manuscript's text, ``cited_in`` (the sections that cite it, each
with its heading path and the sentence of its first citation, which a finding's message quotes)
and ``methods_only`` (True when all of them are methods sections: not judged).
When the reference most like a reported one is reported too, the message says so: a group of
references far from the subject but close to one another is often a method the paper uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from citelint.models import Finding, Match, ReferenceResult, Severity
from citelint.rules import CheckContext, Option

ID = "off-topic"
SEVERITY: Severity = "warning"
ADVISORY = True  # a finding never turns a verified reference into a problem
OPTIONS = {
    "method": Option("auto", str, choices=("auto", "tfidf", "embedding")),
    "threshold": Option(None, float, minimum=0.0),  # None: the method's own (OUTLIER_DEFAULTS)
    "max_ratio": Option(None, float, minimum=0.0, maximum=1.0),
    "min_references": Option(5, int, minimum=1),
    "max_share": Option(0.25, float, minimum=0.0, maximum=1.0),
}

def prepare(options: dict[str, Any]) -> None:
    """Load the scoring method's model ahead of use (the engine runs this in the background)."""
    from citelint.relatedness import prepare as prepare_method

    prepare_method(options["method"])


def ahead(resolved: Sequence[Match | None], options: dict[str, Any]) -> None:
    """Work done while the list resolves: embed the references resolved so far (None: not
    yet), so that scoring after the last answer finds their vectors ready."""
    from citelint.relatedness import embed_ahead

    embed_ahead(resolved, options["method"])


def relatedness_for(matches: Sequence[Match], context: CheckContext) -> list[dict[str, Any]]:
    """Per-reference relatedness for ``matches`` (in order), computed once per context and list.

    The engine puts these into ``ReferenceResult.relatedness``; ``check_list`` reuses them. The
    result is kept in ``context.memo``, keyed by the identity of the matches and the method.
    """
    from citelint.relatedness import resolve_method, score_relatedness  # numpy: only when run

    method = resolve_method(context.options_for(ID, OPTIONS)["method"])
    key = (method, tuple(id(m) for m in matches))
    cached = context.memo.get(ID)
    if cached is not None and cached[0] == key:
        return cached[2]
    scores = score_relatedness(context.manuscript, matches, method=method)
    # keep the matches alive with the scores so that their ids cannot be reused by other objects
    context.memo[ID] = (key, list(matches), scores)
    return scores


def _message(score: dict[str, Any], rank: int, scored: int, median: float,
             reported: set[int]) -> str:
    place = "lowest in the list" if rank == 1 else f"{_ordinal(rank)} lowest of {scored}"
    parts = [f"relatedness {score['score']:.2f}, {place}; the list's median is {median:.2f}"]
    against = ("the manuscript's title/abstract" if score.get("shared_with") == "manuscript"
               else "the other references")
    terms = score.get("shared_terms") or []
    missing = score.get("missing_terms") or []
    shared = (f"it shares only {', '.join(repr(t) for t in terms[:3])} with {against}" if terms
              else f"it shares no terms with {against}")
    if missing:
        shared += f" and lacks its key terms {', '.join(repr(t) for t in missing)}"
    parts.append(shared)
    field, majority = score.get("field"), score.get("majority_field")
    if field and majority and field != majority:
        parts.append(f"its field is {field} while most references are {majority}")
    cited_in = score.get("cited_in") or []
    if cited_in:
        first = cited_in[0]
        where = f"in {first['heading']!r}" if first["heading"] else "in the text"
        claim = f": \u201c{first['excerpt']}\u201d" if first.get("excerpt") else ""
        more = (f" (and {len(cited_in) - 1} other section{'s' if len(cited_in) > 2 else ''})"
                if len(cited_in) > 1 else "")
        parts.append(f"it is cited {where}{more}{claim}")
    if score.get("nearest") in reported:
        parts.append(f"the reference most like it, [{score['nearest']}], is reported too: "
                     "works cited as a group may be a method the paper uses")
    return ("Advisory: this reference looks unrelated to the manuscript's subject ("
            + "; ".join(parts)
            + "). Check that it supports the claim it is cited for.")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def check_list(matches: Sequence[Match], context: CheckContext) -> Iterator[tuple[int, Finding]]:
    """Yield ``(position, Finding)`` for the references that are outliers in relatedness."""
    from citelint.relatedness import OUTLIER_DEFAULTS, judged, outliers, resolve_method, robust_z

    scores = relatedness_for(matches, context)
    options = context.options_for(ID, OPTIONS)
    default_z, default_ratio = OUTLIER_DEFAULTS[resolve_method(options["method"])]
    z_threshold = default_z if options["threshold"] is None else float(options["threshold"])
    max_ratio = default_ratio if options["max_ratio"] is None else float(options["max_ratio"])
    flagged = outliers(scores, z_threshold=z_threshold, max_ratio=max_ratio,
                       min_references=int(options["min_references"]),
                       max_share=float(options["max_share"]))
    if not flagged:
        return
    median, scale, _ = robust_z(scores)
    assert median is not None and scale is not None
    threshold = min(median - z_threshold * scale, max_ratio * median)
    ranked = sorted((s["score"], i) for i, s in enumerate(scores) if judged(s))
    rank_of = {i: r + 1 for r, (_, i) in enumerate(ranked)}
    reported = {matches[position].reference.index for position in flagged}
    for position in flagged:
        score = scores[position]
        yield position, Finding(
            rule=ID,
            severity=SEVERITY,
            message=_message(score, rank_of[position], len(ranked), median, reported),
            evidence={
                "score": score["score"],
                "median": round(median, 4),
                "threshold": round(max(threshold, 0.0), 4),
                "shared_terms": score.get("shared_terms", []),
                "missing_terms": score.get("missing_terms", []),
                "nearest": score.get("nearest"),
                "nearest_similarity": score.get("nearest_similarity"),
                "field": score.get("field"),
                "majority_field": score.get("majority_field"),
                "to_manuscript": score.get("to_manuscript"),
                "to_list": score.get("to_list"),
                "method": score.get("method"),
                "cited_in": score.get("cited_in", []),
            },
        )


def annotate(results: Sequence[ReferenceResult], context: CheckContext) -> None:
    """Put each reference's relatedness into its result (reusing what check_list computed)."""
    scores = relatedness_for([r.match for r in results], context)
    for result, score in zip(results, scores, strict=True):
        result.relatedness = score
