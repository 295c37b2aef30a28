"""ECB+ story clustering over all 43 topics (86 stories), cross-validated by topic.

The shipped article model is trained on the Cybulska train+dev topics, so only the 10 test
topics (20 stories) score it without bias. To score all 86 stories with no story scored by a
model tuned on it, the topics are split into ``FOLDS`` folds (topic number mod ``FOLDS``, fixed
before any run); for each fold the whole training procedure of ``cluster_train.py`` (regression,
thresholds, reassignment choice) runs on the other folds, and the fold's articles are clustered
on their own with that model, in id order and in ``cluster_bench.SHUFFLES`` shuffled orders.
The pooled row scores the predictions of all folds together (stories never span folds).

    python benchmarks/cluster_cv.py [--folds 3] [--processes 2]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import statistics
from multiprocessing import Pool

import cluster_data as cd
from _shared import table
from cluster_bench import SHUFFLES
from cluster_train import MODELS, predict
from storyline.cluster.features import ScoreModel
from storyline.eval.cluster import score_clustering

ORDERS = ["id order"] + [f"shuffled #{seed}" for seed in range(SHUFFLES)]


def topic(article_id: str) -> int:
    return int(article_id.split("_", 1)[0])


def run_fold(args: tuple[int, int]) -> tuple[int, ScoreModel, list[dict[str, str]]]:
    """Train on the other folds, then predict the fold in each order; story ids are prefixed by fold."""
    fold, folds = args
    ecb = cd.load_ecbplus()
    feats = cd.features(ecb)
    train = [f for f in feats if topic(f.id) % folds != fold]
    held = [f for f in feats if topic(f.id) % folds == fold]
    with contextlib.redirect_stdout(io.StringIO()):  # the training log; the model is reported below
        model = MODELS["article"].fit("article", (train, ecb.gold), f"ECB+ topics not {fold} mod {folds}")
    orders = [held] + [random.Random(seed).sample(held, len(held)) for seed in range(SHUFFLES)]
    return fold, model, [{a: f"{fold}:{s}" for a, s in predict(order, model).items()} for order in orders]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    gold = cd.load_ecbplus().gold
    with Pool(args.processes) as pool:
        results = pool.map(run_fold, [(fold, args.folds) for fold in range(args.folds)])

    rows = []
    for fold, model, predictions in results:
        f1s = [score_clustering(gold, p).bcubed.f1 for p in predictions]
        items = len(predictions[0])
        stories = len({gold[a] for a in predictions[0]})
        rows.append([f"fold {fold}", items, stories, f1s[0], statistics.mean(f1s[1:]), min(f1s[1:]),
                     max(f1s[1:]), model.join_threshold, model.merge_threshold, str(model.seed_threshold),
                     str(model.reassign), str(model.split_below)])
    pooled = [score_clustering(gold, {a: s for _, _, p in results for a, s in p[i].items()}) for i in range(len(ORDERS))]
    f1s = [s.bcubed.f1 for s in pooled]
    rows.append(["pooled", pooled[0].items, pooled[0].gold_clusters, f1s[0], statistics.mean(f1s[1:]), min(f1s[1:]),
                 max(f1s[1:]), "", "", "", "", ""])
    print(f"ECB+ by topic, {args.folds} folds (topic mod {args.folds}); each fold clustered alone with the model "
          f"trained on the others")
    print(table(["part", "articles", "stories", "B3-F1 id order", f"mean of {SHUFFLES} orders", "min", "max",
                 "join", "merge", "seed", "reassign", "split below"], rows))
    print("\npooled, every order (B-cubed P / R / F1, pairwise F1, NMI, ARI)")
    print(table(["order", "B3-P", "B3-R", "B3-F1", "pw-F1", "NMI", "ARI"],
                [[name, s.bcubed.precision, s.bcubed.recall, s.bcubed.f1, s.pairwise.f1, s.nmi, s.ari]
                 for name, s in zip(ORDERS, pooled)]))
    print(f"\npooled B-cubed F1 over all {len(ORDERS)} orders: mean {statistics.mean(f1s):.3f} "
          f"sd {statistics.stdev(f1s):.3f}; target >= 0.93")


if __name__ == "__main__":
    main()
