"""Build the multi-style accuracy corpus: real records cited in real CSL styles, with faults.

Input: the JSON Lines of real Crossref work objects written by ``collect_records.py``, and a
checkout (or bare git directory) of the official CSL styles (citation-style-language/styles).
Output, in ``--out``:

- ``snapshot.jsonl``: the records the closed world holds (every record used, except the ones a
  fabricated entry was built from, which are left out so that the entry has no record);
- ``truth.jsonl``: one line per reference: its list, index, case ("correct" or a fault class),
  the record's DOI and what was changed;
- ``STYLE.txt``: the reference list rendered by citeproc-py in that style (one per style);
- ``refs.bib``: the same references as BibTeX (as a reference manager would export them).

Each list holds the same correct references and, for each fault class, references of other
records with that fault. Realistic edits that are not faults are applied to a share of the
correct references: a hyphen for the en dash, the DOI left out, straight quotes for curly ones.

Fault classes (the change is made to the item before the style renders it):

- ``title-word``: one content word of the title replaced by a word from another record's title;
- ``author-edit``: the first author's family name one letter off (a substitution inside it);
- ``year``: the year 2 to 5 years off;
- ``volume``: the volume 3 to 9 higher;
- ``pages``: the page range shifted by 10 to 60 pages;
- ``article-range``: an article number cited as an invented page range (N-N+k);
- ``fabricated``: a title made of two records' title halves, a third record's authors, a fourth's
  journal, volume and year, and invented pages; none of the four records is in the snapshot.

    python bench/build_style_corpus.py --records bench/data/records.jsonl \
        --styles /path/to/styles --out bench/data/styles --correct 40 --per-fault 10 --seed 1
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

#: style name -> CSL file of the official repository, one per common style family
STYLES = {
    "vancouver": "dependent/vancouver-nlm.csl",  # parent: nlm-citation-sequence
    "ama": "american-medical-association.csl",
    "apa": "apa.csl",
    "harvard-ctr": "harvard-cite-them-right.csl",
    "elsevier-harvard": "elsevier-harvard.csl",
    "chicago-ad": "chicago-author-date.csl",
    "chicago-nb": "chicago-notes-bibliography.csl",
    "mla": "modern-language-association.csl",
    "ieee": "ieee.csl",
    "nature": "nature.csl",
    "science": "science.csl",
    "cell": "cell.csl",
    "acs": "american-chemical-society.csl",
    "springer-numbered": "springer-basic-brackets.csl",
    "springer-vancouver": "springer-vancouver-brackets.csl",
    "elsevier-numbered": "elsevier-with-titles.csl",
}
FAULTS = ("title-word", "author-edit", "year", "volume", "pages", "article-range", "fabricated")
_STOP = {"the", "and", "for", "with", "from", "into", "that", "this", "their", "between",
         "under", "over", "after", "during", "within", "among", "using", "based", "through"}


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _clean(text: str) -> str:
    """Crossref titles may hold tags (<i>, <sub>) and runs of spaces; a citation shows text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def csl_item(work: dict[str, Any], item_id: str) -> dict[str, Any] | None:
    """The CSL-JSON item a reference manager would hold for a Crossref work (None if unusable)."""
    title, journal = _first(work.get("title")), _first(work.get("container-title"))
    year = ((work.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    authors = work.get("author") or []
    values = [str(work.get(k, "")) for k in ("volume", "issue", "page")]
    if (not title or not journal or not year or not authors or len(title) < 15
            or any(not a.get("given") or not a.get("family") for a in authors)
            or any("null" in v for v in values) or not work.get("volume")
            or not (work.get("page") or work.get("article-number"))):
        return None
    item: dict[str, Any] = {
        "id": item_id, "type": "article-journal", "title": _clean(title),
        "container-title": _clean(journal),
        "author": [{"family": a["family"], "given": _given(a["given"])} for a in authors],
        "issued": {"date-parts": [[int(year)]]}, "volume": str(work["volume"]),
    }
    if work.get("issue"):
        item["issue"] = str(work["issue"])
    # an article number stands where the pages go, as reference managers put it
    item["page"] = str(work.get("page") or work["article-number"])
    short = _first(work.get("short-container-title"))
    if short:
        item["container-title-short"] = _clean(short)
    if work.get("DOI"):
        item["DOI"] = work["DOI"]
    return item


def _given(given: str) -> str:
    """Given names with each part capitalised ("Chun-yung" -> "Chun-Yung"): citeproc-py 0.11
    initialises a lower-case part as "C.-. yung ." where CSL processors write "C.-Y."."""
    return re.sub(r"(?<![^\s\-])([a-z])", lambda m: m.group(1).upper(), given)


# --- faults --------------------------------------------------------------------------------------


def _content_words(title: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{5,}", title) if w.casefold() not in _STOP]


def fault_title_word(item: dict[str, Any], rng: random.Random, vocabulary: list[str]) -> str:
    words = _content_words(item["title"])
    if not words:
        raise ValueError("no content word")
    old = rng.choice(words)
    new = rng.choice([w for w in vocabulary if w.casefold() != old.casefold()])
    new = new.capitalize() if old[0].isupper() else new.lower()
    item["title"] = re.sub(rf"\b{re.escape(old)}\b", new, item["title"], count=1)
    return f"title word {old!r} -> {new!r}"


def fault_author_edit(item: dict[str, Any], rng: random.Random) -> str:
    family = item["author"][0]["family"]
    inner = [i for i in range(1, len(family) - 1) if family[i].isalpha() and family[i].islower()]
    if len(family) < 4 or not inner:
        raise ValueError("family name too short")
    at = rng.choice(inner)
    letter = rng.choice([c for c in "aeioulnrst" if c != family[at]])
    item["author"][0]["family"] = family[:at] + letter + family[at + 1:]
    return f"first author {family!r} -> {item['author'][0]['family']!r}"


def fault_year(item: dict[str, Any], rng: random.Random) -> str:
    year = item["issued"]["date-parts"][0][0]
    new = year + rng.choice([-5, -4, -3, -2, 2, 3, 4, 5])
    item["issued"] = {"date-parts": [[new]]}
    return f"year {year} -> {new}"


def fault_volume(item: dict[str, Any], rng: random.Random) -> str:
    if not item["volume"].isdigit():
        raise ValueError("volume not a number")
    new = str(int(item["volume"]) + rng.randint(3, 9))
    old, item["volume"] = item["volume"], new
    return f"volume {old} -> {new}"


def fault_pages(item: dict[str, Any], rng: random.Random) -> str:
    match = re.fullmatch(r"(\d+)-(\d+)", item["page"])
    if not match or int(match.group(2)) <= int(match.group(1)):
        raise ValueError("not a page range")
    shift = rng.randint(10, 60)
    old = item["page"]
    item["page"] = f"{int(match.group(1)) + shift}-{int(match.group(2)) + shift}"
    return f"pages {old} -> {item['page']}"


def fault_article_range(item: dict[str, Any], rng: random.Random, work: dict[str, Any]) -> str:
    number = str(work.get("article-number") or "")
    if not number or work.get("page") and "-" in str(work["page"]):
        raise ValueError("no article number")
    digits = re.sub(r"\D", "", number)
    if not digits:
        raise ValueError("article number without digits")
    item["page"] = f"{number}-{int(digits) + rng.randint(5, 15)}"
    return f"article number {number} cited as pages {item['page']}"


def fabricate(items: list[dict[str, Any]], rng: random.Random, item_id: str) -> dict[str, Any]:
    """A plausible entry no record holds: title halves of two records, a third's authors, a
    fourth's journal, volume and year, invented pages."""
    a, b, c, d = items
    left = a["title"].split()
    right = b["title"].split()
    title = " ".join(left[: max(2, len(left) // 2)] + right[len(right) // 2:])
    first = rng.randint(10, 900)
    return {"id": item_id, "type": "article-journal", "title": title, "author": c["author"],
            "container-title": d["container-title"],
            **({"container-title-short": d["container-title-short"]}
               if "container-title-short" in d else {}),
            "issued": d["issued"], "volume": d["volume"],
            "page": f"{first}-{first + rng.randint(5, 20)}"}


# --- realistic edits of correct references -------------------------------------------------------


def edit_text(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """Edits authors make by hand that do not change what is cited."""
    edits = []
    if rng.random() < 0.3 and "\u2013" in text:
        text = text.replace("\u2013", "-")
        edits.append("hyphen for en dash")
    if rng.random() < 0.25:
        without = re.sub(r"[,.]?\s*(?:doi:\s*|Available at:\s*|https://doi\.org/)10\.\S+$", "",
                         text)
        if without != text:
            text = without.rstrip(",") + ("" if without.endswith(".") else ".")
            edits.append("DOI left out")
    if rng.random() < 0.2 and re.search("[\u201c\u201d]", text):
        text = re.sub("[\u201c\u201d]", '"', text)
        edits.append("straight quotes")
    return text, edits


# --- rendering -----------------------------------------------------------------------------------


def _style_file(styles: Path, name: str) -> bytes:
    """A style's XML from a checkout or a bare git directory; a dependent style's parent."""
    if (styles / name).is_file():
        data = (styles / name).read_bytes()
    else:
        data = subprocess.run(["git", "--git-dir", str(styles), "show", f"HEAD:{name}"],
                              check=True, capture_output=True).stdout
    parent = re.search(rb'href="[^"]*/styles/([\w-]+)"\s+rel="independent-parent"', data)
    if name.startswith("dependent/") and parent:
        return _style_file(styles, parent.group(1).decode() + ".csl")
    return data


def render(style_xml: bytes, items: list[dict[str, Any]], work_dir: Path) -> list[str]:
    """The bibliography entries of ``items`` in citation order, as plain text."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    _fix_page_ranges()
    path = work_dir / "style.csl"
    path.write_bytes(style_xml)
    style = CitationStylesStyle(str(path), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    order = list(bibliography.keys)
    by_id = dict(zip(order, entries, strict=True))
    return [by_id[item["id"]] for item in items]


def _fix_page_ranges() -> None:
    """citeproc-py (0.11) shortens a range whose pages differ in length by comparing digits from
    the left ("1-14" becomes "1-4"); CSL abbreviates only pages of equal length. Render those
    ranges in full, as the styles do."""
    from citeproc import model

    owner = next(c for c in vars(model).values()
                 if isinstance(c, type) and "_format_last_page" in vars(c))
    original = vars(owner)["_format_last_page"]
    if getattr(original, "fixed", False):
        return

    def format_last_page(self, first, last):
        return last if len(first) != len(last) else original(self, first, last)

    format_last_page.fixed = True  # type: ignore[attr-defined]
    owner._format_last_page = format_last_page


_NUMBER = re.compile(r"^(\[\d+\]|\(\d+\)|\d+\.)(?=\S)")


def list_text(entries: list[str]) -> str:
    """Entries one per line; a number glued to its entry ("1.Frank") gets its space back."""
    return "\n".join(_NUMBER.sub(r"\1 ", e.replace("\n", " ")) for e in entries) + "\n"


def bibtex(item: dict[str, Any], key: str) -> str:
    names = " and ".join(f"{a['family']}, {a['given']}" for a in item["author"])
    fields = {"author": names, "title": item["title"], "journal": item["container-title"],
              "year": str(item["issued"]["date-parts"][0][0]), "volume": item.get("volume"),
              "number": item.get("issue"), "pages": item.get("page", "").replace("-", "--"),
              "doi": item.get("DOI")}
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@article{{{key},\n{body}\n}}\n"


def build(records: list[dict[str, Any]], styles: Path, out: Path, correct: int, per_fault: int,
          seed: int) -> None:
    rng = random.Random(seed)
    pool = []
    for number, line in enumerate(records):
        item = csl_item(line["work"], f"w{number}")
        if item:
            pool.append((item, line["work"], line["source"]))
    rng.shuffle(pool)
    vocabulary = sorted({w.casefold() for item, _, _ in pool
                         for w in _content_words(item["title"])})
    chosen: list[tuple[dict[str, Any], str, dict[str, Any]]] = []  # (item, case, truth)
    held_out: set[str] = set()
    remaining = list(pool)

    def take(predicate=lambda item, work: True) -> tuple[dict[str, Any], dict[str, Any], str]:
        for position, (item, work, source) in enumerate(remaining):
            if predicate(item, work):
                del remaining[position]
                return json.loads(json.dumps(item)), work, source
        raise LookupError("no record left for this case")

    for _ in range(correct):
        item, work, source = take()
        chosen.append((item, "correct", {"doi": item.get("DOI"), "record_source": source}))
    appliers = {
        "title-word": lambda item, work: fault_title_word(item, rng, vocabulary),
        "author-edit": lambda item, work: fault_author_edit(item, rng),
        "year": lambda item, work: fault_year(item, rng),
        "volume": lambda item, work: fault_volume(item, rng),
        "pages": lambda item, work: fault_pages(item, rng),
        "article-range": lambda item, work: fault_article_range(item, rng, work),
    }
    for fault, apply in appliers.items():
        made = 0
        while made < per_fault:
            try:
                item, work, source = take()
                change = apply(item, work)
            except ValueError:
                continue
            except LookupError:
                print(f"only {made} references for {fault}", file=sys.stderr)
                break
            chosen.append((item, fault, {"doi": item.get("DOI"), "change": change,
                                         "record_source": source}))
            if rng.random() < 0.5:
                item.pop("DOI", None)  # half the faulty references are found by search
            made += 1
    for number in range(per_fault):
        parts = [take()[0] for _ in range(4)]
        held_out.update(p["DOI"].lower() for p in parts if p.get("DOI"))
        chosen.append((fabricate(parts, rng, f"fab{number}"), "fabricated",
                       {"doi": None, "change": "title halves of two records, authors of a third, "
                        "journal/volume/year of a fourth, invented pages"}))
    order = list(range(len(chosen)))
    rng.shuffle(order)
    chosen = [chosen[i] for i in order]
    items = [item for item, _, _ in chosen]

    out.mkdir(parents=True, exist_ok=True)
    used = {item.get("DOI", "").lower() for item, _, _ in chosen} | {
        t["doi"].lower() for _, _, t in chosen if t.get("doi")}
    with open(out / "snapshot.jsonl", "w", encoding="utf-8") as snapshot:
        for _, work, _ in pool:
            doi = str(work.get("DOI", "")).lower()
            if doi in used and doi not in held_out:
                snapshot.write(json.dumps(work) + "\n")
    truth = []
    for style, csl in STYLES.items():
        entries = render(_style_file(styles, csl), items, out)
        texts = []
        for position, ((_, case, facts), entry) in enumerate(zip(chosen, entries, strict=True)):
            edits: list[str] = []
            if case == "correct":
                entry, edits = edit_text(entry, rng)
            texts.append(entry)
            truth.append({"list": f"{style}.txt", "index": position + 1, "case": case,
                          "edits": edits, **facts})
        (out / f"{style}.txt").write_text(list_text(texts), encoding="utf-8")
    (out / "refs.bib").write_text("\n".join(bibtex(item, f"ref{n + 1}")
                                            for n, item in enumerate(items)), encoding="utf-8")
    truth += [{"list": "refs.bib", "index": n + 1, "case": case, "edits": [], **facts}
              for n, (_, case, facts) in enumerate(chosen)]
    (out / "style.csl").unlink()
    with open(out / "truth.jsonl", "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(t) + "\n" for t in truth)
    print(f"{len(items)} references x {len(STYLES)} styles + BibTeX -> {out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", required=True)
    parser.add_argument("--styles", required=True, help="CSL styles checkout or bare git dir")
    parser.add_argument("--out", required=True)
    parser.add_argument("--correct", type=int, default=40)
    parser.add_argument("--per-fault", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with open(args.records, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    build(records, Path(args.styles), Path(args.out), args.correct, args.per_fault, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
