"""Load test of the web app: story list and story pages of a 10,000-article store, driven by wrk.

How the store is made (``--db``, kept and reused when it already holds the articles):

* Articles: the ECB+ texts (../shared/data/ecbplus/ecbplus_docs.jsonl, 982 news
  articles on 86 events) are re-published by 40 made-up outlets until there are
  ``--articles``: copy k of a document keeps its text and publication day, and
  gets another outlet, URL, headline and hour. They are stored with
  ``Store.add_articles`` (what ingest does).
* Analyses: the real ``Analyzer`` runs once per distinct text (the 982
  originals); each copy stores its original's analysis under its own id. The
  copy has the same text and the same publication day, so that is what the
  analyzer would return for it (analysing all 10,000 would take ~40 minutes on
  this shared 2-core machine).
* Dedup: the real ``LocalEngine.dedup()`` over all articles.
* Stories: assigned, not clustered: story = (ECB+ sub-topic, copy k), so a
  story is one event as covered in one round of re-publication (1–30 articles).
  The batch clusterer took 44 s for 600 articles here, too slow for 10,000.
* Briefs: real ``LocalEngine.brief`` for every story the benchmark visits,
  built once before the timed runs (pages then serve the cached brief, as in use).

Then ``storyline serve --workers N`` (uvicorn, default 2 processes: one per core) runs on a free loopback port and
wrk drives it with 2 threads and 4 connections for ``--seconds`` per endpoint;
story pages cycle through ``--stories`` stories (a seeded sample). Latency
percentiles come from wrk's own histogram (a Lua ``done`` hook).

    python benchmarks/web_load.py [--articles 10000] [--seconds 10] [--db PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import ROOT, dataset, table  # noqa: E402

from storyline.engines.local import LocalEngine  # noqa: E402
from storyline.model import Article, Provenance, Source, Story, stable_hash  # noqa: E402
from storyline.storage import Store  # noqa: E402

WRK = "/usr/bin/wrk"
SERVE = "import storyline.cli.serve_cmd; from storyline.cli.app import app; app()"
OUTLETS = [
    f"{town} {paper}"
    for town in ("Ashford", "Brookmere", "Calder", "Dunmore", "Elsworth", "Fenwick", "Glenrock", "Harlow")
    for paper in ("Herald", "Courier", "Ledger", "Post", "Gazette")
]
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), errors))
end
"""


def generated_articles(n: int) -> tuple[list[Article], dict[str, str], dict[str, tuple[str, int]]]:
    """``n`` articles; also each copy's original id, and each article's (sub-topic, copy) story key."""
    docs = [json.loads(line) for line in dataset("ecbplus/ecbplus_docs.jsonl").open(encoding="utf-8")]
    docs = [d for d in docs if len(d.get("text", "").split()) >= 40]
    base = datetime(2025, 1, 6, 6, 0, tzinfo=timezone.utc)
    articles: list[Article] = []
    original: dict[str, str] = {}
    story_key: dict[str, tuple[str, int]] = {}
    for i in range(n):
        k, doc = divmod(i, len(docs))
        d = docs[doc]
        outlet = OUTLETS[(doc * 7 + k * 3) % len(OUTLETS)]
        slug = re.sub(r"\W+", "-", outlet.lower())
        title = (d.get("title") or d["text"][:80]).strip()
        a = Article(
            text=d["text"],
            title=title if k == 0 else f"{title} ({outlet})",
            source=Source(outlet, f"{slug}.example"),
            url=f"https://{slug}.example/{d['doc_id']}/{k}",
            published=base + timedelta(days=3 * int(d["topic"]), minutes=50 * k + doc % 30),
            provenance=Provenance("ecbplus_docs.jsonl", f"doc {d['doc_id']} copy {k}"),
        )
        articles.append(a)
        original[a.id] = articles[doc].id
        story_key[a.id] = (d["subtopic"], k)
    return articles, original, story_key


def build_store(db: Path, n: int) -> tuple[Store, dict[str, float]]:
    store = Store(str(db))
    times: dict[str, float] = {}
    if store.count_articles() >= n and store.list_stories(limit=1):
        return store, times
    engine = LocalEngine(store, batch_size=500)
    articles, original, story_key = generated_articles(n)
    by_id = {a.id: a for a in articles}
    steps = (
        ("ingest originals", lambda: store.add_articles([a for a in articles if original[a.id] == a.id])),
        ("analyze originals", lambda: engine.analyze(lambda k: print(f"  analysed +{k}", file=sys.stderr, flush=True))),
        ("ingest copies", lambda: store.add_articles([a for a in articles if original[a.id] != a.id])),
        ("copy analyses", lambda: copy_analyses(store, by_id, original)),
        ("dedup", engine.dedup),
        ("assign stories", lambda: store.save_stories(assigned_stories(by_id, story_key), replace_all=True)),
    )
    for stage, run in steps:
        t = time.perf_counter()
        run()
        times[stage] = time.perf_counter() - t
        print(f"  {stage}: {times[stage]:.0f} s", file=sys.stderr, flush=True)
    return store, times


def copy_analyses(store: Store, by_id: dict[str, Article], original: dict[str, str]) -> None:
    """Each copy gets its original's analysis (same text, same day) under its own id."""
    done = store.get_analyses(set(original.values()))
    copies = [i for i, o in original.items() if i != o]
    for start in range(0, len(copies), 500):
        batch = []
        for i in copies[start : start + 500]:
            a = dataclasses.replace(done[original[i]], article_id=i, published=by_id[i].published)
            batch.append(a)
        store.save_analyses(batch)


def assigned_stories(by_id: dict[str, Article], story_key: dict[str, tuple[str, int]]) -> list[Story]:
    members: dict[tuple[str, int], list[Article]] = {}
    for i, key in story_key.items():
        members.setdefault(key, []).append(by_id[i])
    stories = []
    for (subtopic, k), arts in members.items():
        arts.sort(key=lambda a: a.published)
        stories.append(
            Story(
                id="s" + stable_hash("web_load", subtopic, str(k)),
                headline=arts[0].title or arts[0].text[:80],
                article_ids=[a.id for a in arts],
                sources=sorted({a.source.name for a in arts}),
                first_seen=arts[0].published,
                last_seen=arts[-1].published,
            )
        )
    return stories


def warm_briefs(store: Store, story_ids: list[str]) -> list[float]:
    """Build (and cache) the briefs of the visited stories; returns each build's seconds."""
    engine = LocalEngine(store)
    took = []
    for sid in story_ids:
        t = time.perf_counter()
        if engine.brief(sid) is None:
            raise RuntimeError(f"story {sid} has no brief")
        took.append(time.perf_counter() - t)
    return took


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--db", str(db), "--port", str(port), "--no-auth", "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/stories?limit=1", timeout=2).read()
            return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not start")


def wrk(base: str, paths: list[str], seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % ", ".join(json.dumps(p) for p in paths))
        script = f.name
    try:
        out = subprocess.run(
            [WRK, "-t2", "-c4", f"-d{seconds}s", "--timeout", "10s", "-s", script, base + paths[0]],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    finally:
        os.unlink(script)
    requests, duration_us, p50, p95, p99, errors = map(int, re.search(r"RESULT (.*)", out).group(1).split())
    return {"requests": requests, "rps": requests / (duration_us / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--limit", type=int, help="a quick run: this many articles instead of --articles")
    ap.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    ap.add_argument("--stories", type=int, default=40, help="story pages visited (a seeded sample)")
    ap.add_argument("--workers", type=int, default=2, help="server processes (storyline serve --workers)")
    ap.add_argument("--db", type=Path, help="the store to build or reuse (default: a file under benchmarks/out)")
    args = ap.parse_args()
    n = args.limit or args.articles
    db = args.db or ROOT / "benchmarks" / "out" / f"web_load_{n}.db"
    db.parent.mkdir(parents=True, exist_ok=True)

    store, build_times = build_store(db, n)
    stories = store.list_stories()
    sample = random.Random(7).sample(stories, min(args.stories, len(stories)))
    brief_times = warm_briefs(store, [s.id for s in sample])
    sizes = sorted(s.size for s in sample)

    proc, base = start_server(db, args.workers)
    try:
        rows = []
        for name, paths in (
            ("story list (/?sort=recent)", ["/?sort=recent"]),
            ("story list, words (/?q=…)", ["/?q=police", "/?q=earthquake", "/?q=arrested", "/?q=released"]),
            (f"story page ({len(sample)} stories)", [f"/stories/{s.id}" for s in sample]),
            ("brief JSON (/api/…/brief)", [f"/api/stories/{s.id}/brief" for s in sample]),
        ):
            r = wrk(base, paths, args.seconds)
            rows.append([name, r["requests"], r["rps"], r["p50"], r["p95"], r["p99"], r["errors"]])
    finally:
        proc.terminate()
        proc.wait(10)

    print(f"store: {store.count_articles()} articles, {len(stories)} stories; visited stories have "
          f"{sizes[0]}–{sizes[-1]} articles (median {sizes[len(sizes) // 2]})")
    if build_times:
        print("build: " + ", ".join(f"{k} {v:.0f} s" for k, v in build_times.items()))
    print(f"first brief per visited story (built, or read from an earlier run's cache): median {sorted(brief_times)[len(brief_times) // 2] * 1000:.0f} ms, max {max(brief_times) * 1000:.0f} ms")
    print(f"wrk: 2 threads, 4 connections, {args.seconds} s per endpoint, loopback; latency in ms\n")
    print(table(["endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows))


if __name__ == "__main__":
    main()
