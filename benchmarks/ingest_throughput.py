"""Ingest throughput without NLP: a 10,000-article JSONL file and a folder of HTML pages.

Inputs are generated in a temporary folder from the ECB+ texts (not kept). Each run is
the real CLI (`storyline ingest`) in a child process, into a fresh SQLite store; peak
memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import dataset, table

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Outlet {n}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-03-{day:02d}T10:00:00+00:00">
<link rel="canonical" href="https://outlet{n}.example/news/{i}"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>Copyright Outlet {n}. Cookies help us deliver our services.</footer></body></html>"""


def ecb_texts() -> list[dict]:
    with (dataset("ecbplus") / "ecbplus_docs.jsonl").open() as fh:
        return [json.loads(line) for line in fh]


def run_ingest(inputs: Path, db: Path) -> tuple[float, float]:
    """Seconds and the child's own peak RSS in MiB (wait4 gives per-child usage)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(inputs), "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"ingest failed: {stderr[-2000:].decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jsonl", type=int, default=10_000, help="articles in the JSONL file")
    parser.add_argument("--html", type=int, default=1_000, help="HTML pages in the folder")
    args = parser.parse_args()
    docs = ecb_texts()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        jsonl = tmp_path / "articles.jsonl"
        with jsonl.open("w") as fh:
            for i in range(args.jsonl):
                d = docs[i % len(docs)]
                fh.write(json.dumps({"id": f"a{i}", "title": d["title"], "text": f"{d['text']}\n\nCopy {i}.", "source": f"outlet{i % 50}.example", "url": f"https://outlet{i % 50}.example/{i}", "published": f"2026-03-{1 + i % 28:02d}"}) + "\n")
        elapsed, peak = run_ingest(jsonl, tmp_path / "jsonl.db")
        rows.append([f"JSONL file ({jsonl.stat().st_size / 1e6:.0f} MB)", args.jsonl, elapsed, args.jsonl / elapsed, peak])
        pages = tmp_path / "pages"
        pages.mkdir()
        for i in range(args.html):
            d = docs[i % len(docs)]
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in d["text"].split("\n") if p.strip())
            (pages / f"page{i}.html").write_text(PAGE.format(title=html.escape(d["title"][:120]), n=i % 50, i=i, day=1 + i % 28, paragraphs=paragraphs + f"<p>Copy {i}.</p>"))
        elapsed, peak = run_ingest(pages, tmp_path / "html.db")
        rows.append(["folder of HTML pages", args.html, elapsed, args.html / elapsed, peak])
    print("Ingest throughput without NLP (storyline ingest into a fresh SQLite store)")
    print(table(["input", "articles", "seconds", "articles/s", "peak RSS MiB"], rows))


if __name__ == "__main__":
    main()
