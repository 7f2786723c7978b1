"""Measure a trained sequence model (a linear-chain CRF) against citelint's rule-based parser.

Issue 11 asks for the parser of plain-text references to be chosen by measurement: a tested
rule-based grammar per style family, or a trained sequence model such as a CRF. This script
trains a CRF (python-crfsuite) on the correct references of one or more draws of the multi-style
corpus (``bench/build_style_corpus.py``) and reads the correct references of another draw with
it, then scores both readers the same way ``accuracy_eval.parse_accuracy`` does: per field, the
share of references whose field equals the record's.

Labels for training come from the records: in each rendered reference the record's title,
journal (full or short), year, volume, issue and pages are found by their words, and the tokens
before the title are the authors. A reference whose title cannot be found is left out of
training. Records that occur in the test draw are left out of training, so that the model cannot
remember a title or a journal it is then asked to read. Identifiers (DOIs, URLs) are removed
before either reader sees the text, as citelint's parser takes them out first. The list's style
family as citelint detects it (``citelint.citation.detect_style``) is a feature of every token,
so that the model gets what the grammars get.

    python bench/crf_eval.py --train bench/data/styles-11 --train bench/data/styles-23 \\
        --test bench/data/styles-31 [--json bench/results/crf.json]

Needs python-crfsuite (``pip install python-crfsuite``); bench only, never imported by citelint.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's citelint

from accuracy_eval import parse_accuracy  # noqa: E402

from citelint.citation import detect_style  # noqa: E402
from citelint.readers import read_file  # noqa: E402

_TOKEN = re.compile(r"\w+|[^\w\s]")
_IDENTIFIER = re.compile(r"(?:https?://\S+|\bdoi:\s*\S+|\b10\.\d{4,9}/\S+)", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,3}\.(?=\s))")


def _plain(html_text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def _words_pattern(text: str) -> re.Pattern[str] | None:
    words = re.findall(r"\w+", _plain(text))
    if not words:
        return None
    return re.compile(r"[\W_]*".join(re.escape(w) for w in words), re.IGNORECASE)


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def labelled_spans(text: str, work: dict[str, Any]) -> list[tuple[int, int, str]] | None:
    """Character spans of the record's fields in a rendered reference, or None when the title
    cannot be found."""
    spans: list[tuple[int, int, str]] = []
    pattern = _words_pattern(_first(work.get("title")))
    title = pattern.search(text) if pattern else None
    if title is None:
        return None
    spans.append((title.start(), title.end(), "TITLE"))
    label = _LABEL.match(text)
    spans.append((label.end() if label else 0, title.start(), "AUTHOR"))
    rest = title.end()
    for name in sorted({*(work.get("container-title") or []),
                        *(work.get("short-container-title") or [])}, key=len, reverse=True):
        found = _words_pattern(name)
        match = found.search(text, rest) if found else None
        if match:
            spans.append((match.start(), match.end(), "JOURNAL"))
            break
    taken = [(s, e) for s, e, tag in spans if tag != "AUTHOR"]

    def place(value: str, tag: str, after: int = rest) -> None:
        if not value:
            return
        for match in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text):
            if match.start() >= after and not any(s <= match.start() < e for s, e in taken):
                spans.append((match.start(), match.end(), tag))
                taken.append((match.start(), match.end()))
                return

    year = ((work.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    place(str(year or ""), "YEAR", after=0)  # author-date styles give it before the title
    place(str(work.get("volume") or ""), "VOLUME")
    place(str(work.get("issue") or ""), "ISSUE")
    pages = str(work.get("page") or work.get("article-number") or "")
    first, _, last = pages.partition("-")
    place(first, "PAGES")
    if last:
        for match in re.finditer(rf"(?<!\w){re.escape(first)}\W+(\w+)", text):
            spans.append((match.start(), match.end(), "PAGES"))
            break
    # the author span is what comes before the title: a year there is the year's
    return sorted(spans, key=lambda span: span[2] == "AUTHOR")


def tokens_of(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _shape(token: str) -> str:
    shape = re.sub(r"[A-Z]", "X", token)
    shape = re.sub(r"[a-z]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1\1", shape)


def features(tokens: list[re.Match[str]], style: str | None) -> list[list[str]]:
    words = [t.group(0) for t in tokens]
    out = []
    for i, word in enumerate(words):
        feats = [f"style={style}", f"pos={10 * i // max(len(words), 1)}", f"w={word.lower()}",
                 f"shape={_shape(word)}", f"len={min(len(word), 8)}",
                 f"suffix={word[-3:].lower()}", f"digit={word.isdigit()}",
                 f"title={word.istitle()}", f"upper={word.isupper()}"]
        if word.isdigit():
            feats.append(f"year_like={len(word) == 4 and word[:2] in ('19', '20')}")
        for offset in (-3, -2, -1, 1, 2, 3):
            j = i + offset
            if 0 <= j < len(words):
                other = words[j]
                feats += [f"{offset}:w={other.lower()}", f"{offset}:shape={_shape(other)}"]
            else:
                feats.append(f"{offset}:edge")
        out.append(feats)
    return out


def labels_for(tokens: list[re.Match[str]], spans: list[tuple[int, int, str]]) -> list[str]:
    out = []
    for token in tokens:
        tag = next((t for s, e, t in spans if s <= token.start() < e), "O")
        out.append(tag)
    return out


def _lists(corpus: Path) -> list[str]:
    truth = [json.loads(line) for line in open(corpus / "truth.jsonl", encoding="utf-8")]
    return sorted({t["list"] for t in truth if t["list"].endswith(".txt")})


def load(corpus: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The corpus's correct text references: list, index, text without identifiers, doi."""
    truth = [json.loads(line) for line in open(corpus / "truth.jsonl", encoding="utf-8")]
    records = {}
    for line in open(corpus / "snapshot.jsonl", encoding="utf-8"):
        work = json.loads(line)
        records[work["DOI"].lower()] = work
    items = []
    for name in _lists(corpus):
        lines = (corpus / name).read_text("utf-8").splitlines()
        style = detect_style(lines)
        facts = {t["index"]: t for t in truth if t["list"] == name}
        for number, line in enumerate(lines, 1):
            fact = facts.get(number)
            if fact is None or fact["case"] != "correct" or not fact.get("doi"):
                continue
            items.append({"list": name, "index": number, "raw": line, "style": style,
                          "text": " ".join(_IDENTIFIER.sub(" ", line).split()),
                          "doi": fact["doi"].lower()})
    return items, records


def crf_fields(text: str, tokens: list[re.Match[str]], tags: list[str]) -> dict[str, Any]:
    """The fields a tagging gives, in the shape ``parse_accuracy`` reads."""
    def span(tag: str) -> str | None:
        chosen = [t for t, g in zip(tokens, tags, strict=True) if g == tag]
        return text[chosen[0].start():chosen[-1].end()] if chosen else None

    def first(tag: str) -> str | None:
        return next((t.group(0) for t, g in zip(tokens, tags, strict=True) if g == tag), None)

    year = first("YEAR")
    return {"title": span("TITLE"), "journal": span("JOURNAL"),
            "year": int(year) if year and year.isdigit() else None, "volume": first("VOLUME"),
            "first_page": first("PAGES"), "article_number": None,
            "authors": sum(1 for g in tags if g == "AUTHOR")}


def main(argv: list[str] | None = None) -> int:
    import pycrfsuite

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, action="append", required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    test_items, test_records = load(args.test)
    held_out = {item["doi"] for item in test_items}
    trainer = pycrfsuite.Trainer(verbose=False)
    used = skipped = 0
    for corpus in args.train:
        items, records = load(corpus)
        for item in items:
            work = records.get(item["doi"])
            if item["doi"] in held_out or work is None:
                continue
            spans = labelled_spans(item["text"], work)
            if spans is None:
                skipped += 1
                continue
            tokens = tokens_of(item["text"])
            trainer.append(features(tokens, item["style"]), labels_for(tokens, spans))
            used += 1
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 150})
    model = args.test.parent / ".crf-model.crfsuite"
    started = time.monotonic()
    trainer.train(str(model))
    trained = time.monotonic() - started
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    results: dict[str, Any] = {"trained_on": used, "left_out_untitled": skipped,
                               "train_seconds": round(trained, 1), "lists": {}}
    totals: dict[str, Counter[str]] = {"crf": Counter(), "rules": Counter()}
    count = 0
    for name in _lists(args.test):
        items = [i for i in test_items if i["list"] == name]
        truth = [{"index": i["index"], "case": "correct", "doi": i["doi"]} for i in items]
        crf_parsed, rule_parsed = [], []
        started = time.monotonic()
        for item in items:
            tokens = tokens_of(item["text"])
            tags = tagger.tag(features(tokens, item["style"]))
            crf_parsed.append({"index": item["index"], **crf_fields(item["text"], tokens, tags)})
        crf_seconds = time.monotonic() - started
        started = time.monotonic()
        references = read_file(args.test / name).references  # as citelint check reads the list
        rule_seconds = time.monotonic() - started
        wanted = {i["index"] for i in items}
        for ref in references:
            if ref.location.line in wanted:
                rule_parsed.append({"index": ref.location.line, **{k: getattr(ref, k) for k in (
                    "title", "journal", "year", "volume", "first_page", "article_number")},
                    "authors": len(ref.authors)})
        crf = parse_accuracy(crf_parsed, truth, test_records)
        rules = parse_accuracy(rule_parsed, truth, test_records)
        results["lists"][name] = {"crf": crf, "rules": rules, "references": len(items),
                                  "crf_seconds": round(crf_seconds, 2),
                                  "rules_seconds": round(rule_seconds, 2)}
        for field in crf:
            totals["crf"][field] += round(crf[field] * len(items))
            totals["rules"][field] += round(rules.get(field, 0) * len(items))
        count += len(items)
        print(f"{name:24} crf {crf}\n{'':24} rules {rules}", file=sys.stderr)
    results["overall"] = {reader: {f: round(n / count, 3) for f, n in sorted(t.items())}
                          for reader, t in totals.items()}
    print(f"overall ({count} references): {results['overall']}", file=sys.stderr)
    model.unlink(missing_ok=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
