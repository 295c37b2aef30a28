"""Story clustering on the shared datasets, with the models learned by cluster_train.py.

What was tuned on what (see cluster_train.py): the article model on ECB+ train+dev topics,
the headline models on the first half of the UCI stream. Reported: ECB+ test topics and all
topics (in id order, and the spread over 8 shuffled orders: undated reports are clustered in the
order given); UCI second half (also with its timestamps hidden, for the undated model) and all;
Google News (never used for tuning); Gedikli (never used).
The model is chosen from the input by text length, never by dataset name.

    python benchmarks/cluster_bench.py [--dataset ecbplus|uci|googlenews|gedikli|all] [--limit N]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import time

import cluster_data as cd
from storyline.cluster.batch import cluster_features, publication_order
from storyline.eval.cluster import pairwise_labelled, score_clustering

SHUFFLES = 8
TARGETS = {"ECB+": ("B-cubed F1", 0.93), "UCI": ("B-cubed F1", 0.85), "Google News": ("NMI", 0.90),
           "Gedikli": ("pairwise F1", 0.80)}
ROWS: list[str] = []
BCUBED_F1: dict[str, float] = {}  # part -> B-cubed F1, for the spread over shuffled orders


def run(name: str, part: str, feats: list, gold: dict[str, str]) -> dict[str, str]:
    start = time.perf_counter()
    result = cluster_features(feats)
    seconds = time.perf_counter() - start
    pred = {a.id: a.story for a in result.assignments}
    s = score_clustering(gold, pred) if gold else None
    if s:
        BCUBED_F1[part] = s.bcubed.f1
        ROWS.append(
            f"{name:<12} {part:<26} {s.items:>6} {s.gold_clusters:>5} {s.pred_clusters:>5} "
            f"{s.bcubed.precision:>6.3f} {s.bcubed.recall:>6.3f} {s.bcubed.f1:>6.3f} "
            f"{s.pairwise.f1:>6.3f} {s.nmi:>6.3f} {s.ari:>6.3f} {result.model.name:>16} {seconds:>6.1f}s"
        )
    return pred


def ecbplus(limit: int | None) -> None:
    ds = cd.load_ecbplus()
    feats = cd.features(ds)[:limit]
    run("ECB+", "test topics (36-45)", [f for f in feats if ds.group[f.id] == "test"], ds.gold)
    run("ECB+", "all 43 topics", feats, ds.gold)
    # Undated reports are clustered in the order given; by id is one order among many
    for seed in range(SHUFFLES):
        shuffled = random.Random(seed).sample(feats, len(feats))
        run("ECB+", f"test topics, shuffled #{seed}", [f for f in shuffled if ds.group[f.id] == "test"], ds.gold)
        run("ECB+", f"all topics, shuffled #{seed}", shuffled, ds.gold)
    ROWS.extend(_order_spread())


def _order_spread() -> list[str]:
    """Mean and standard deviation of the shuffled ECB+ rows' B-cubed F1."""
    lines = []
    for part in ("test topics", "all topics"):
        f1s = [f1 for name, f1 in BCUBED_F1.items() if name.startswith(f"{part}, shuffled")]
        lines.append(f"{'ECB+':<12} {part + ', ' + str(len(f1s)) + ' orders':<26} B-cubed F1 mean "
                     f"{statistics.mean(f1s):.3f} sd {statistics.stdev(f1s):.3f} min {min(f1s):.3f} max {max(f1s):.3f}")
    return lines


def uci(limit: int | None) -> None:
    ds = cd.load_uci()
    feats = cd.features(ds)[:limit]
    second = {a.id for a in cd.stream_halves(ds)[1]}
    run("UCI", "second half of stream", [f for f in feats if f.id in second], ds.gold)
    run("UCI", "all", feats, ds.gold)
    # the undated model on held-out headlines: the second half in stream order, timestamps hidden
    hidden = [dataclasses.replace(f, published=None) for f in publication_order(feats) if f.id in second]
    run("UCI", "second half, dates hidden", hidden, ds.gold)


def googlenews(limit: int | None) -> None:
    ds = cd.load_googlenews()
    feats = cd.features(ds)[:limit]
    run("Google News", "News-T, all (stream order)", feats, ds.gold)


def gedikli(limit: int | None) -> None:
    ds, pairs = cd.load_gedikli()
    feats = cd.features(ds)[:limit]
    pred = run("Gedikli", "100 articles", feats, {})
    prf = pairwise_labelled(pairs, pred)
    stories = len(set(pred.values()))
    ROWS.append(f"{'Gedikli':<12} {'4950 labelled pairs':<26} {len(feats):>6} {'45':>5} {stories:>5} "
                f"pairwise P {prf.precision:.3f} R {prf.recall:.3f} F1 {prf.f1:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["ecbplus", "uci", "googlenews", "gedikli", "all"], default="all")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each dataset")
    args = parser.parse_args()
    for name, fn in [("ecbplus", ecbplus), ("uci", uci), ("googlenews", googlenews), ("gedikli", gedikli)]:
        if args.dataset in (name, "all"):
            fn(args.limit)
    print(f"{'dataset':<12} {'part':<26} {'items':>6} {'gold':>5} {'pred':>5} "
          f"{'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'pw-F1':>6} {'NMI':>6} {'ARI':>6} {'model':>16} {'time':>7}")
    for row in ROWS:
        print(row)
    print("\ntargets: " + "; ".join(f"{k} {m} >= {t}" for k, (m, t) in TARGETS.items()))


if __name__ == "__main__":
    main()
