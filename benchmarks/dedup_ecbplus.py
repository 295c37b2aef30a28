"""Near-duplicate detection on ECB+ with simulated reprints, against datasketch.

Every ECB+ article of at least 50 words (in the chosen topic split) gets one or
two reprints made the way outlets reprint wire copy: a random, seeded mix of a
new headline, trimmed closing sentences, added byline and boilerplate, an
inserted local paragraph, changed quote punctuation and typos. The reprints are
mixed with the unchanged corpus, whose many articles about the same events are
not copies. Pair precision and recall are computed over all pairs of the
corpus; per-transformation recall over (original, reprint) pairs.

storyline runs twice, with its in-memory index (``memory``) and with the band
index in a SQLite store (``sqlite``: the articles stored before the clock
starts, as ingest does), which must find the same pairs. The same corpus goes
through datasketch's MinHash + MinHashLSH in the same run, fed the same shingle hashes (storyline's, computed once per article),
with the same number of permutations (128) and bands (64 x 2) and the same
exact verification, so the two differ only in the permutation arithmetic
(datasketch's default "affine32" family) and the LSH index.

Time is wall-clock (perf_counter) and CPU (process_time) of a run without
tracing (the machine is shared, so CPU time is the steadier figure); memory is
the tracemalloc peak of a second run (Python allocations including numpy's;
the corpus is loaded before tracing starts). The scale table runs each
configuration in a fresh process over synthetic articles, made (and, for
SQLite, stored) before the clock starts, and reports time and the growth of
the process's peak RSS (resource.getrusage) over its size with the corpus
loaded, so it includes SQLite's page cache.

Thresholds were tuned on the train topics (``--split train``); the table
reported is for the test topics (Cybulska & Vossen split).

    python benchmarks/dedup_ecbplus.py [--split test] [--limit N] [--scale 10000,50000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations, count
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from storyline.dedup import DEFAULT_CONFIG, DEFAULT_THRESHOLDS, MemoryIndex, Thresholds, find_duplicates
from storyline.dedup.groups import UnionFind
from storyline.eval import shared_data_dir
from storyline.dedup.minhash import Fingerprint, overlap, shingles, words
from storyline.model import Article, Provenance, Source
from storyline.storage import Store
from storyline.storage.bands import SqlIndex

ECB_DOCS = shared_data_dir() / "ecbplus" / "ecbplus_docs.jsonl"

# Cybulska & Vossen (2015) topic split, as in ecbplus/cybulska_setup.
SPLITS = {
    "train": {1, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 20, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33},
    "dev": {2, 5, 12, 18, 21, 23, 34, 35},
    "test": {36, 37, 38, 39, 40, 41, 42, 43, 44, 45},
}
MIN_WORDS = 50
OUTLETS = ["Daily Courier", "Valley Herald", "Metro Times", "The Sentinel", "Coast Ledger", "Evening Post"]
NAMES = ["Dana Whitfield", "Ravi Menon", "Lucia Ferraro", "Tom Okafor", "Mei Tanaka", "Erik Lund"]
TOWNS = ["Millbrook", "Port Avery", "Kestrel Falls", "Oakhaven", "Dunmore", "Bright Harbor"]


# ------------------------------------------------------------------ reprints

def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def new_headline(rng: random.Random, a: Article) -> tuple[str, str | None]:
    title_words = (a.title or "News").split()
    rng.shuffle(title_words)
    return a.text, f"{rng.choice(['UPDATE:', 'WATCH:', 'Report:', ''])} {' '.join(title_words[:12])}".strip()


def trim_end(rng: random.Random, a: Article) -> tuple[str, str | None]:
    sents = _sentences(a.text)
    keep = max(2, round(len(sents) * rng.uniform(0.5, 0.8)))
    return " ".join(sents[:keep]), a.title


def boilerplate(rng: random.Random, a: Article) -> tuple[str, str | None]:
    outlet = rng.choice(OUTLETS)
    head = f"By {rng.choice(NAMES)}, {outlet} staff writer\n\n"
    tail = (
        f"\n\nCopyright 2026 {outlet}. All rights reserved. This material may not be published, broadcast, "
        f"rewritten or redistributed. Sign up for the {outlet} morning newsletter to get stories like this one."
    )
    return head + a.text + tail, a.title


def local_paragraph(rng: random.Random, a: Article) -> tuple[str, str | None]:
    town, name = rng.choice(TOWNS), rng.choice(NAMES)
    paragraph = (
        f"In {town}, residents followed the news closely. {name}, who runs a shop on Main Street, said "
        f"{rng.randint(2, 40)} customers had asked about it by noon. The {town} council is expected to discuss "
        f"the matter at its meeting on {rng.choice(['Monday', 'Tuesday', 'Thursday'])}."
    )
    sents = _sentences(a.text)
    at = rng.randint(1, max(1, len(sents) - 1))
    return " ".join(sents[:at] + [paragraph] + sents[at:]), a.title


def quote_marks(rng: random.Random, a: Article) -> tuple[str, str | None]:
    text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", a.text)
    text = re.sub(r"``\s*|''", lambda m: "\u201c" if m.group().startswith("`") else "\u201d", text)
    return text.replace("'", "\u2019").replace(" -- ", " \u2014 "), a.title


def typos(rng: random.Random, a: Article) -> tuple[str, str | None]:
    tokens = a.text.split(" ")
    for _ in range(max(1, len(tokens) // 50)):
        i = rng.randrange(len(tokens))
        w = tokens[i]
        if len(w) > 3:
            j = rng.randrange(len(w) - 1)
            tokens[i] = rng.choice([w[:j] + w[j + 1] + w[j] + w[j + 2 :], w[:j] + w[j + 1 :], w[:j] + w[j] + w[j:]])
    return " ".join(tokens), a.title


TRANSFORMS: dict[str, Callable[[random.Random, Article], tuple[str, str | None]]] = {
    "headline": new_headline,
    "trim": trim_end,
    "boilerplate": boilerplate,
    "local": local_paragraph,
    "quotes": quote_marks,
    "typos": typos,
}


def reprint(rng: random.Random, a: Article, n: int) -> tuple[Article, list[str]]:
    names = rng.sample(sorted(TRANSFORMS), rng.randint(1, 4))
    copy = a
    for name in sorted(names, key=list(TRANSFORMS).index):
        text, title = TRANSFORMS[name](rng, copy)
        copy = Article(text, Source(rng.choice(OUTLETS)), Provenance("reprint", f"{a.id}/{n}"), title=title)
    return copy, names


# ------------------------------------------------------------------ corpus

@dataclass
class Corpus:
    articles: list[Article]
    family: dict[str, str]  # article id -> id of the original it copies (or itself)
    transforms: dict[str, list[str]]  # reprint id -> transformations applied
    # Pairs of families whose ECB+ originals share text: ECB+ has reprints of its own.
    same_text: set[frozenset[str]] = field(default_factory=set)  # near-identical originals: copies
    partial: set[frozenset[str]] = field(default_factory=set)  # partial copies: left out of scoring


def load_ecb(split: str, limit: int | None) -> list[Article]:
    if not ECB_DOCS.exists():
        sys.exit(f"{ECB_DOCS} not found: set STORYLINE_SHARED_DATA")
    out = []
    with ECB_DOCS.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            d = json.loads(line)
            if split != "all" and d["topic"] not in SPLITS[split]:
                continue
            out.append(Article(d["text"], Source(f"ecb-{d['doc_id']}"), Provenance(str(ECB_DOCS), f"line {n}"), title=d["title"]))
    return out[:limit] if limit else out


def with_reprints(originals: list[Article], seed: int) -> Corpus:
    rng = random.Random(seed)
    articles, family, transforms = list(originals), {a.id: a.id for a in originals}, {}
    for a in originals:
        if len(words(a.text)) < MIN_WORDS:
            continue
        for n in range(rng.randint(1, 2)):
            copy, names = reprint(rng, a, n)
            articles.append(copy)
            family[copy.id] = a.id
            transforms[copy.id] = names
    rng.shuffle(articles)
    corpus = Corpus(articles, family, transforms)
    _mark_ecb_copies(corpus, originals)
    return corpus


def _mark_ecb_copies(corpus: Corpus, originals: list[Article]) -> None:
    """Pairs of originals with Jaccard >= 0.9 are copies; pairs with containment >= 0.5 are unscored."""
    sets = [shingles(a.text) for a in originals]
    for i, j in combinations(range(len(originals)), 2):
        jaccard, containment = overlap(sets[i], sets[j])
        pair = frozenset((originals[i].id, originals[j].id))
        if jaccard >= 0.9:
            corpus.same_text.add(pair)
        elif containment >= 0.5:
            corpus.partial.add(pair)


# ------------------------------------------------------------------ the two pipelines

def storyline_groups(articles: Iterable[Article], thresholds: Thresholds) -> dict[str, str]:
    return {d.id: d.group for d in find_duplicates(articles, MemoryIndex(), thresholds=thresholds)}


def sqlite_groups(store: Store, articles: Iterable[Article], thresholds: Thresholds) -> dict[str, str]:
    """storyline with its band index in the database; ``articles`` are stored in ``store`` and not indexed yet."""
    with SqlIndex(store) as index:
        return {d.id: d.group for d in find_duplicates(articles, index, thresholds=thresholds)}


_LOW_32_BITS = np.uint64(0xFFFFFFFF)


def datasketch_groups(articles: Iterable[Article], thresholds: Thresholds) -> dict[str, str]:
    """datasketch MinHash + MinHashLSH for candidates, from the same shingles; the same exact verification.

    Each article's shingles are hashed once, by storyline's ``Fingerprint``
    (kept in a bounded cache for verification, as storyline does), and their
    low 32 bits are datasketch's input. The permutations are datasketch's own
    default family ("affine32", 128 of them, seeded once): its API takes
    permutation parameters but applies its own formula, so storyline's
    (a*x + b mod 2^31-1) cannot be passed in.
    """
    from datasketch import MinHash, MinHashLSH

    permutations = MinHash(num_perm=DEFAULT_CONFIG.num_perm, seed=1).permutations  # computed once, as advised
    lsh = MinHashLSH(num_perm=DEFAULT_CONFIG.num_perm, params=(DEFAULT_CONFIG.bands, DEFAULT_CONFIG.rows))
    seen: dict[str, Article] = {}
    fingerprint = lru_cache(maxsize=4096)(lambda i: Fingerprint.of(seen[i].text))
    uf = UnionFind()
    for a in articles:
        if a.id in seen:
            continue
        seen[a.id] = a
        uf.add(a.id)
        fp = fingerprint(a.id)
        if not fp.set.size:
            continue
        m = MinHash(num_perm=DEFAULT_CONFIG.num_perm, permutations=permutations, scheme="affine32", hashfunc=int)
        m.update_batch((fp.set & _LOW_32_BITS).tolist())
        for other in sorted(lsh.query(m)):
            if thresholds.is_copy(fp, fingerprint(other)):
                uf.union(a.id, other)
        lsh.insert(a.id, m)
    return {x: c[0] for c in uf.components() for x in c}


# ------------------------------------------------------------------ scoring

def _pairs(group_of: dict[str, str]) -> set[frozenset[str]]:
    members: dict[str, list[str]] = {}
    for x, g in group_of.items():
        members.setdefault(g, []).append(x)
    return {frozenset(p) for m in members.values() for p in combinations(sorted(m), 2)}


def score(corpus: Corpus, group_of: dict[str, str]) -> dict[str, float | int]:
    def family_pair(p: frozenset[str]) -> frozenset[str]:
        return frozenset(corpus.family[x] for x in p)

    gold = _pairs(corpus.family) | {p for p in _pairs_across(corpus) if family_pair(p) in corpus.same_text}
    predicted = {p for p in _pairs(group_of) if family_pair(p) not in corpus.partial}
    hit = len(gold & predicted)
    return {
        "gold": len(gold),
        "predicted": len(predicted),
        "precision": hit / len(predicted) if predicted else 1.0,
        "recall": hit / len(gold) if gold else 1.0,
    }


def _pairs_across(corpus: Corpus) -> set[frozenset[str]]:
    """All pairs of articles from two families whose originals are the same text."""
    members: dict[str, list[str]] = {}
    for x, f in corpus.family.items():
        members.setdefault(f, []).append(x)
    out = set()
    for pair in corpus.same_text:
        a, b = sorted(pair)
        out |= {frozenset((x, y)) for x in members[a] for y in members[b]}
    return out


def recall_by_transform(corpus: Corpus, group_of: dict[str, str]) -> dict[str, tuple[int, int]]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for copy_id, names in corpus.transforms.items():
        same = group_of[copy_id] == group_of[corpus.family[copy_id]]
        for name in names:
            total[name] += 1
            found[name] += same
    return {name: (found[name], total[name]) for name in TRANSFORMS}


def measure(run: Callable[[Any], dict[str, str]], setup: Callable[[], Any]) -> tuple[dict[str, str], float, float, float]:
    """(result, wall seconds and CPU seconds without tracing, tracemalloc peak MiB of a second run).

    ``setup`` runs before each of the two runs, untimed; ``run`` gets what it returned.
    """
    prepared = setup()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run(prepared)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    prepared = setup()
    tracemalloc.start()
    run(prepared)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, wall, cpu, peak / 2**20


# ------------------------------------------------------------------ scale

def synthetic(n: int, seed: int = 7, copy_rate: float = 0.1) -> Iterator[tuple[Article, str]]:
    """``n`` articles of random Zipf-distributed words; ``copy_rate`` of them reprints of an earlier one.

    Yields (article, family id). Texts are regenerated from their seed, so
    only the originals' numbers are kept.
    """
    vocab = [f"{a}{b}{c}" for a in "bcdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou") for c in ("n", "r", "s", "t", "l", "m", "k", "")][:6000]
    weights = [1 / (r + 1) for r in range(len(vocab))]

    def original(i: int) -> Article:
        r = random.Random(seed * 1_000_003 + i)
        sentences = [" ".join(r.choices(vocab, weights, k=r.randint(8, 25))).capitalize() + "." for _ in range(r.randint(8, 30))]
        return Article(" ".join(sentences), Source(f"outlet{i % 50}"), Provenance("synthetic", str(i)), title=f"story {i}")

    rng = random.Random(seed)
    originals: list[int] = []
    for i in range(n):
        if originals and rng.random() < copy_rate:
            base = rng.choice(originals)
            copy, _ = reprint(rng, original(base), i)
            yield copy, f"f{base}"
        else:
            originals.append(i)
            yield original(i), f"f{i}"


def scale_worker(kind: str, n: int) -> dict[str, float]:
    from datasketch import MinHash  # noqa: F401  (imported before the baseline, like the others)

    # The corpus is made (and stored) before the baseline: generating the synthetic texts costs about as
    # much as deduplicating them, and is the same for every index.
    family: dict[str, str] = {}
    loaded: list[Article] = []
    setup = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db")) if kind == "sqlite" else None
        for chunk in _batched(synthetic(n), 1000):
            family.update((a.id, f) for a, f in chunk)
            if store is None:
                loaded.extend(a for a, _ in chunk)
            else:  # ingest happens before dedup, as in the pipeline
                start = time.perf_counter()
                store.add_articles([a for a, _ in chunk])
                setup += time.perf_counter() - start
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        wall, cpu = time.perf_counter(), time.process_time()
        if kind == "memory":
            group_of = storyline_groups(loaded, DEFAULT_THRESHOLDS)
        elif kind == "datasketch":
            group_of = datasketch_groups(loaded, DEFAULT_THRESHOLDS)
        else:
            with SqlIndex(store) as index:
                group_of = {d.id: d.group for d in find_duplicates(store.iter_articles(), index)}
            store.engine.dispose()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline) / 1024
    gold = _pairs(family)
    predicted = _pairs(group_of)
    hit = len(gold & predicted)
    return {
        "wall": wall,
        "cpu": cpu,
        "setup": setup,
        "rss_growth_mib": grown,
        "precision": hit / len(predicted) if predicted else 1.0,
        "recall": hit / len(gold) if gold else 1.0,
    }


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_scale(sizes: list[int]) -> None:
    print("\nScale: synthetic articles (10% reprints), one fresh process per row, the corpus made before timing;")
    print("peak RSS growth over the process with the corpus loaded (sqlite: stored; its page cache included)")
    print(f"{'index':<12}{'articles':>10}{'wall s':>9}{'cpu s':>8}{'store s':>9}{'peak RSS +MiB':>15}{'precision':>11}{'recall':>8}")
    for n in sizes:
        for kind in ("memory", "sqlite", "datasketch"):
            out = subprocess.run(
                [sys.executable, __file__, "--scale-worker", kind, str(n)], capture_output=True, text=True, check=True
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            store_s = f"{r['setup']:.1f}" if kind == "sqlite" else "-"
            print(
                f"{kind:<12}{n:>10}{r['wall']:>9.1f}{r['cpu']:>8.1f}{store_s:>9}{r['rss_growth_mib']:>15.1f}"
                f"{r['precision']:>11.4f}{r['recall']:>8.4f}",
                flush=True,
            )


# ------------------------------------------------------------------ main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["train", "dev", "test", "all"], default="test")
    parser.add_argument("--limit", type=int, help="only the first N ECB+ articles of the split")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scale", default="10000,50000", help="synthetic sizes for the scale table ('' to skip)")
    parser.add_argument("--jaccard", type=float, default=DEFAULT_THRESHOLDS.jaccard)
    parser.add_argument("--containment", type=float, default=DEFAULT_THRESHOLDS.containment)
    parser.add_argument("--run-density", type=float, default=DEFAULT_THRESHOLDS.run_density)
    parser.add_argument("--run-share", type=float, default=DEFAULT_THRESHOLDS.run_share)
    parser.add_argument("--min-shingles", type=int, default=DEFAULT_THRESHOLDS.min_shingles)
    parser.add_argument("--scale-worker", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_worker:
        print(json.dumps(scale_worker(args.scale_worker[0], int(args.scale_worker[1]))))
        return

    thresholds = Thresholds(args.jaccard, args.containment, args.run_density, args.run_share, args.min_shingles)
    corpus = with_reprints(load_ecb(args.split, args.limit), args.seed)
    n_orig = sum(1 for a in corpus.articles if a.id not in corpus.transforms)
    print(
        f"ECB+ {args.split} topics: {n_orig} articles + {len(corpus.transforms)} reprints; "
        f"ECB+'s own copies: {len(corpus.same_text)} near-identical pairs of originals (scored as copies), "
        f"{len(corpus.partial)} partial (not scored); "
        f"shingles {DEFAULT_CONFIG.shingle_words} words, {DEFAULT_CONFIG.num_perm} permutations, "
        f"{DEFAULT_CONFIG.bands} bands x {DEFAULT_CONFIG.rows} rows; thresholds {thresholds}"
    )
    print(f"\n{'pipeline':<12}{'pairs':>8}{'predicted':>10}{'precision':>11}{'recall':>8}{'wall s':>8}{'cpu s':>7}{'peak MiB':>10}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        stores = count()

        def new_store() -> Store:  # each SQLite run indexes a store of its own, filled before the clock starts
            store = Store(str(Path(tmp) / f"ecb{next(stores)}.db"))
            store.add_articles(corpus.articles)
            return store

        pipelines = {
            "memory": (lambda _: storyline_groups(corpus.articles, thresholds), lambda: None),
            "sqlite": (lambda store: sqlite_groups(store, corpus.articles, thresholds), new_store),
            "datasketch": (lambda _: datasketch_groups(corpus.articles, thresholds), lambda: None),
        }
        for name, (run, setup) in pipelines.items():
            group_of, wall, cpu, peak = measure(run, setup)
            s = score(corpus, group_of)
            results[name] = group_of
            print(f"{name:<12}{s['gold']:>8}{s['predicted']:>10}{s['precision']:>11.4f}{s['recall']:>8.4f}{wall:>8.2f}{cpu:>7.2f}{peak:>10.1f}")

    same = _pairs(results["sqlite"]) == _pairs(results["memory"])
    print(f"\nsqlite and memory index found the same pairs: {'yes' if same else 'NO'}")

    print("\nRecall of (original, reprint) pairs by transformation (storyline, memory index)")
    print(f"{'transformation':<16}{'found':>7}{'total':>7}{'recall':>8}")
    for name, (found, total) in recall_by_transform(corpus, results["memory"]).items():
        print(f"{name:<16}{found:>7}{total:>7}{found / total if total else 1:>8.4f}")

    if args.scale:
        run_scale([int(x) for x in args.scale.split(",") if x])


if __name__ == "__main__":
    main()
