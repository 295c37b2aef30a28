"""Clustering metrics: B-cubed, pairwise, NMI and ARI of a predicted partition against gold.

Partitions are mappings item id -> cluster label. Only items present in both are scored
(the number of items left out is reported), so a prediction over a superset of the gold
items is fine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> "PRF":
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1)


@dataclass(frozen=True, slots=True)
class ClusterScores:
    items: int
    gold_clusters: int
    pred_clusters: int
    missing: int  # gold items without a prediction
    bcubed: PRF
    pairwise: PRF
    nmi: float
    ari: float


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _contingency(gold: Mapping[str, str], pred: Mapping[str, str], items: list[str]):
    joint = Counter((pred[i], gold[i]) for i in items)
    return joint, Counter(pred[i] for i in items), Counter(gold[i] for i in items)


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """Mean over items of the share of the item's predicted (gold) cluster that is in its gold (predicted) one."""
    items = [i for i in gold if i in pred]
    if not items:
        return PRF(0.0, 0.0, 0.0)
    joint, pred_sizes, gold_sizes = _contingency(gold, pred, items)
    precision = sum(n * n / pred_sizes[c] for (c, _), n in joint.items()) / len(items)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in joint.items()) / len(items)
    return PRF.of(precision, recall)


def pairwise(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """Precision and recall of the same-cluster item pairs (0 when there are no predicted or gold pairs)."""
    items = [i for i in gold if i in pred]
    joint, pred_sizes, gold_sizes = _contingency(gold, pred, items)
    together = sum(_pairs(n) for n in joint.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    return PRF.of(together / pred_pairs if pred_pairs else 0.0, together / gold_pairs if gold_pairs else 0.0)


def pairwise_labelled(pairs: Mapping[tuple[str, str], int], pred: Mapping[str, str]) -> PRF:
    """Pairwise P/R/F1 against explicitly labelled pairs (1 = same story), e.g. Gedikli's story chains."""
    tp = fp = fn = 0
    for (a, b), label in pairs.items():
        same = a in pred and b in pred and pred[a] == pred[b]
        tp += same and label == 1
        fp += same and label != 1
        fn += (not same) and label == 1
    return PRF.of(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)


def score_clustering(gold: Mapping[str, str], pred: Mapping[str, str]) -> ClusterScores:
    items = [i for i in gold if i in pred]
    g = [gold[i] for i in items]
    p = [pred[i] for i in items]
    return ClusterScores(
        items=len(items),
        gold_clusters=len(set(g)),
        pred_clusters=len(set(p)),
        missing=len(gold) - len(items),
        bcubed=bcubed(gold, pred),
        pairwise=pairwise(gold, pred),
        nmi=float(normalized_mutual_info_score(g, p)) if items else 0.0,
        ari=float(adjusted_rand_score(g, p)) if items else 0.0,
    )
