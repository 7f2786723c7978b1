"""Collect real Crossref work objects from recorded API answers, for the accuracy corpus.

The recorded test fixtures (VCR cassettes) of public Crossref clients hold real `/works` answers.
Give this script the git directories of such repositories (for example sckott/habanero and
ropensci/rcrossref, fetched as bare mirrors) and/or plain JSON files of recorded bodies; it reads
every YAML cassette and JSON file at the repository's HEAD, decodes each recorded body, and keeps
the journal articles that carry a title, a container title, an issued year and named authors.
Each kept work is written as one line of JSON Lines with where it came from::

    {"source": "sckott/habanero@<commit>:test/cassettes/...yaml", "work": {...Crossref message...}}

Crossref metadata is factual bibliographic data that Crossref provides without restriction; the
cassettes' projects are MIT-licensed. Abstracts are dropped (they may be the publisher's).

    python bench/collect_records.py --git /path/habanero.git --git /path/rcrossref.git \
        --json recorded.json ... --output bench/data/records.jsonl
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml


def _git(repo: str, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", repo, *args], check=True,
                          capture_output=True).stdout


def _repo_files(repo: str) -> Iterator[tuple[str, bytes]]:
    """``(label, bytes)`` of every cassette or JSON file at HEAD of the bare repository."""
    commit = _git(repo, "rev-parse", "HEAD").decode().strip()
    name = "/".join(Path(repo).parent.name.split("+")) if repo.endswith("repo") else repo
    for path in _git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines():
        if not path.endswith((".yml", ".yaml", ".json")):
            continue
        try:
            yield f"{name}@{commit}:{path}", _git(repo, "show", f"HEAD:{path}")
        except subprocess.CalledProcessError:
            continue  # a large file the mirror lists but does not hold


def _bodies(data: bytes) -> Iterator[Any]:
    """The decoded JSON bodies of a cassette (VCR YAML), or the file itself when it is JSON."""
    try:
        yield json.loads(data)
        return
    except ValueError:
        pass
    try:
        cassette = yaml.safe_load(data)
    except yaml.YAMLError:
        return
    interactions = cassette.get("interactions", []) if isinstance(cassette, dict) else []
    # vcr.py ("interactions": [{"response": {"body": {"string": ...}}}]) and R's vcr
    # ("http_interactions": [{"response": {"body": {"string": ..., "base64_string": ...}}}])
    if isinstance(cassette, dict):
        interactions = interactions or cassette.get("http_interactions", [])
    for interaction in interactions:
        body = ((interaction or {}).get("response") or {}).get("body") or {}
        raw = body.get("string")
        if not raw and body.get("base64_string"):
            raw = base64.b64decode(body["base64_string"])
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if not raw:
            continue
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        try:
            yield json.loads(raw)
        except ValueError:
            continue


def _works(body: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(body, dict):
        return
    message = body.get("message", body)
    if isinstance(message, dict) and isinstance(message.get("items"), list):
        yield from (w for w in message["items"] if isinstance(w, dict))
    elif isinstance(message, dict) and "DOI" in message:
        yield message


def usable(work: dict[str, Any]) -> bool:
    """A journal article a style can render completely: title, journal, year, named authors."""
    authors = work.get("author") or []
    year = (work.get("issued") or {}).get("date-parts") or [[None]]
    return (work.get("type") == "journal-article" and bool(work.get("title"))
            and bool(work.get("container-title")) and bool(year[0] and year[0][0])
            and bool(authors) and all(a.get("family") for a in authors)
            and not str(work.get("DOI", "")).startswith("10.5555/"))  # Crossref's test prefix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git", action="append", default=[], help="bare git directory")
    parser.add_argument("--json", action="append", default=[], help="recorded JSON body")
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    files: list[tuple[str, bytes]] = []
    for repo in args.git:
        files += list(_repo_files(repo))
    files += [(path, Path(path).read_bytes()) for path in args.json]
    seen: set[str] = set()
    kept = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for label, data in files:
            for body in _bodies(data):
                for work in _works(body):
                    doi = str(work.get("DOI", "")).lower()
                    if doi in seen or not usable(work):
                        continue
                    seen.add(doi)
                    work = {k: v for k, v in work.items()
                            if k not in ("abstract", "reference", "link", "license")}
                    out.write(json.dumps({"source": label, "work": work}) + "\n")
                    kept += 1
    print(f"{kept} journal articles from {len(files)} files -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
