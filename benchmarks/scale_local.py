"""Local-engine scale: story clustering and dedup of 10k / 30k / 100k articles, time and peak memory.

The corpus is made from the 982 real ECB+ texts and their cached analyses (computed once by
``storyline.analyze.Analyzer`` over the original texts, see ``cluster_data.analyses``):

- the texts are published in periods of ``PERIOD_DAYS`` (longer than the clusterer's 30-day
  window plus a story's spread); in each period every ECB+ text appears ``COPIES`` times,
  from different outlets, each copy with a short outlet line appended at the end (so the
  analysis offsets still hold) -- syndicated copies for dedup, one story per ECB+ sub-topic
  and period for clustering. A sub-topic's reports start at a fixed day of the period
  (its hash) and spread over two days.
- from the second period on, the text and title are passed through a per-period letter
  substitution (length-preserving, so the original analysis still fits): dedup then sees
  new texts each period, as with real news, instead of ever larger families of one text;
  clustering sees the original lemmas and entities (its features come from the analysis).

Each (phase, size) runs in a fresh process, so memory is per phase and size: ``loaded`` is the
resident memory after the imports and the 982 texts and analyses (350-400 MiB), ``end`` at the
end of the phase with its state still alive, ``peak`` the process's ``ru_maxrss``. ``load`` is
the one-minute load average when the row finished (the machine is shared): compare cpu s too.

- cluster: the batch clusterer (``cluster.batch`` semantics) over a stream in publication
  order: pass 1 fits document frequencies, pass 2 computes each article's features from
  its analysis and adds it to ``OnlineClusterer``; features are not kept (two passes
  instead of a 100k-element feature list); when the model reassigns articles at the end, the
  articles of the stories still open are featurised again (``OnlineClusterer.finish``).
- dedup: articles stored in a fresh SQLite ``Store`` (timed separately), then
  ``find_duplicates(store.iter_articles(), SqlIndex(store))``: the band index in SQLite.

    python benchmarks/scale_local.py [--sizes 10000,30000,100000] [--timeout 1800]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import cluster_data as cd
from storyline.model import Analysis, Article, Provenance, Source

PERIOD_DAYS = 40
COPIES = 4  # of each text per period
OUTLETS = [f"Outlet {i:02d}" for i in range(40)]
T0 = datetime(2030, 1, 1, tzinfo=timezone.utc)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """The process's resident memory now (after a collection, so garbage is not counted)."""
    gc.collect()
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one generated article comes from: base text, period, copy number, publication time."""

    published: datetime
    base: int
    period: int
    copy: int


def slots(n: int, bases: list[Article], gold: dict[str, str]) -> list[Slot]:
    """The first ``n`` articles of the corpus, in publication order."""
    rng = random.Random(11)
    out = []
    for i in range(n):
        base, rest = i % len(bases), i // len(bases)
        period, copy = divmod(rest, COPIES)
        subtopic_day = zlib.crc32(gold[bases[base].id].encode()) % (PERIOD_DAYS - 10)
        hours = subtopic_day * 24 + rng.uniform(0, 48)
        out.append(Slot(T0 + timedelta(days=period * PERIOD_DAYS, hours=hours), base, period, copy))
    return sorted(out, key=lambda s: (s.published, s.base, s.copy))


def cipher(period: int) -> dict[int, int]:
    """A letter substitution for the period (identity for period 0), case kept."""
    if period == 0:
        return {}
    letters = list(string.ascii_lowercase)
    random.Random(period).shuffle(letters)
    return str.maketrans(string.ascii_lowercase + string.ascii_uppercase, "".join(letters) + "".join(letters).upper())


def copy_id(base: Article, slot: Slot) -> str:
    return f"{base.id}~p{slot.period}c{slot.copy}"


def make_article(slot: Slot, base: Article) -> Article:
    table = cipher(slot.period)
    outlet = OUTLETS[zlib.crc32(f"{base.id}/{slot.period}/{slot.copy}".encode()) % len(OUTLETS)]
    text = base.text.translate(table) + f"\n\n({outlet}, copy {slot.copy}, updated {slot.published:%H:%M})"
    return Article(
        text=text, title=(base.title or "").translate(table), source=Source(outlet),
        provenance=Provenance("scale_local", f"{base.id}/{slot.period}/{slot.copy}"),
        id=copy_id(base, slot), published=slot.published,
    )


@dataclass
class Corpus:
    """The first ``n`` generated articles; ``stream()`` yields (article, analysis of its original)."""

    n: int

    def __post_init__(self) -> None:
        self.ecb = cd.load_ecbplus()
        self.analyses = cd.analyses(self.ecb)
        self.order = slots(self.n, self.ecb.articles, self.ecb.gold)
        self.loaded_rss_mib = rss_mib()  # imports + the 982 texts and analyses, before the phase

    def stream(self) -> Iterator[tuple[Article, Analysis]]:
        for s in self.order:
            yield make_article(s, self.ecb.articles[s.base]), self.analyses[s.base]

    def gold(self) -> dict[str, str]:
        """Article id -> (ECB+ sub-topic, period): the stories clustering should find."""
        bases = self.ecb.articles
        return {copy_id(bases[s.base], s): f"{self.ecb.gold[bases[s.base].id]}/p{s.period}" for s in self.order}

    def families(self) -> int:
        """Distinct (text, period): about the dup groups dedup should find. Fewer where ECB+ texts are
        near-copies of each other; more where an ECB+ text is (almost) empty (e.g. some of topic 34),
        so its copies differ only in the appended line."""
        return len({(s.base, s.period) for s in self.order})


# ------------------------------------------------------------------ workers (one process each)


def cluster_worker(n: int) -> dict:
    from storyline.cluster.batch import choose_model
    from storyline.cluster.features import DocFreq, article_features
    from storyline.cluster.online import OnlineClusterer
    from storyline.eval.cluster import bcubed

    data = Corpus(n)
    wall, cpu = time.perf_counter(), time.process_time()
    idf, sample = DocFreq(), []
    for article, analysis in data.stream():
        f = article_features(article, analysis)
        idf.add(f)
        if len(sample) < 2000:
            sample.append(f)
    clusterer = OnlineClusterer(choose_model(sample), idf)
    for article, analysis in data.stream():
        clusterer.add(article_features(article, analysis))
    # pass 3, at the end: the articles of stories still open, featurised again for ``reassign``
    clusterer.finish(article_features(a, an) for a, an in data.stream() if clusterer.is_open(a.id))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    end_rss = rss_mib()  # the clusterer's state and the corpus still alive
    pred = {a.id: a.story for a in clusterer.assignments()}
    return {"end_rss_mib": end_rss, "wall": wall, "cpu": cpu, "setup": 0.0, "units": len(clusterer.stories),
            "quality": bcubed(data.gold(), pred).f1,
            "loaded_rss_mib": data.loaded_rss_mib}


def dedup_worker(n: int) -> dict:
    from storyline.dedup import find_duplicates
    from storyline.storage import Store
    from storyline.storage.bands import SqlIndex

    data = Corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "scale.db"))
        setup = time.perf_counter()
        batch: list[Article] = []
        for article, _analysis in data.stream():
            batch.append(article)
            if len(batch) == 1000:
                store.add_articles(batch)
                batch = []
        store.add_articles(batch)
        setup = time.perf_counter() - setup
        wall, cpu = time.perf_counter(), time.process_time()
        with SqlIndex(store) as index:
            groups = {d.group for d in find_duplicates(store.iter_articles(), index)}
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        end_rss = rss_mib()
        store.engine.dispose()
    return {"end_rss_mib": end_rss, "wall": wall, "cpu": cpu, "setup": setup, "units": len(groups), "quality": data.families(),
            "loaded_rss_mib": data.loaded_rss_mib}


WORKERS = {"cluster": cluster_worker, "dedup": dedup_worker}


def run_worker(phase: str, n: int) -> None:
    result = WORKERS[phase](n)
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


# ------------------------------------------------------------------ driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--phases", default="cluster,dedup")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per (phase, size) process")
    parser.add_argument("--worker", nargs=2, metavar=("PHASE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker[0], int(args.worker[1]))
        return
    print(f"corpus: ECB+ texts x {COPIES} copies per {PERIOD_DAYS}-day period; load average at start "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'phase':<8}{'articles':>9}{'wall s':>9}{'cpu s':>8}{'ms/art':>8}{'store s':>9}"
          f"{'RSS MiB: loaded':>17}{'end':>6}{'peak':>6}{'stories/groups':>16}{'B3-F1 / expected groups':>25}{'load':>6}")
    for n in [int(x) for x in args.sizes.split(",") if x]:
        for phase in args.phases.split(","):
            try:
                out = subprocess.run([sys.executable, __file__, "--worker", phase, str(n)], capture_output=True,
                                     text=True, check=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"{phase:<8}{n:>9}  stopped after {args.timeout:.0f} s", flush=True)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            store = f"{r['setup']:.1f}" if phase == "dedup" else "-"
            quality = f"{r['quality']:.3f}" if phase == "cluster" else f"{r['quality']}"
            print(f"{phase:<8}{n:>9}{r['wall']:>9.1f}{r['cpu']:>8.1f}{1000 * r['wall'] / n:>8.2f}{store:>9}"
                  f"{r['loaded_rss_mib']:>17.0f}{r['end_rss_mib']:>6.0f}{r['peak_rss_mib']:>6.0f}{r['units']:>16}{quality:>25}{os.getloadavg()[0]:>6.1f}", flush=True)


if __name__ == "__main__":
    main()
