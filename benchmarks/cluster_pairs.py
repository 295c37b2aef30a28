"""How well the pair features tell apart the two same-type events of an ECB+ topic.

Every pair of articles within a topic is an example, positive when both report the same
sub-topic. A logistic regression over the pair features is scored by ROC AUC:
cross-validated over the training topics (Cybulska train+dev, five folds by topic), and
fitted on them and applied to the test topics. Rows with and without the ``rare`` feature
(shared words rare in English at large) show what it adds.

    python benchmarks/cluster_pairs.py
"""

from __future__ import annotations

import itertools

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, cross_val_predict

import cluster_data as cd
from storyline.cluster.features import FEATURES, DocFreq, pair_features, profile


def topic_pairs(ds: cd.Dataset, features: list, idf: DocFreq, groups: tuple[str, ...]):
    """(feature rows, same-event labels, topic of each pair) for all pairs within a topic."""
    profiles = {f.id: profile(f, idf) for f in features if ds.group[f.id] in groups}
    by_topic: dict[str, list[str]] = {}
    for i in profiles:
        by_topic.setdefault(ds.gold[i].removesuffix("plus").removesuffix("ecb"), []).append(i)
    rows, labels, topics = [], [], []
    for topic, ids in by_topic.items():
        for a, b in itertools.combinations(ids, 2):
            feats = pair_features(profiles[a], profiles[b])
            rows.append([feats[k] for k in FEATURES])
            labels.append(ds.gold[a] == ds.gold[b])
            topics.append(topic)
    return np.array(rows), np.array(labels), np.array(topics)


def main() -> None:
    ds = cd.load_ecbplus()
    features = cd.features(ds)
    idf = DocFreq.of(features)
    x, y, topics = topic_pairs(ds, features, idf, ("train", "dev"))
    xt, yt, _ = topic_pairs(ds, features, idf, ("test",))
    rare = FEATURES.index("rare")
    print(f"ECB+ pairs within a topic: {len(y)} training ({y.sum()} same event), {len(yt)} test ({yt.sum()})")
    print(f"{'features':<22} {'train CV AUC':>12} {'test AUC':>9}")
    for name, columns in (("all but rare", [i for i in range(len(FEATURES)) if i != rare]),
                          ("all", list(range(len(FEATURES)))), ("rare alone", [rare])):
        model = LogisticRegression(max_iter=3000)
        cv = cross_val_predict(model, x[:, columns], y, groups=topics, cv=GroupKFold(5), method="decision_function")
        test = model.fit(x[:, columns], y).decision_function(xt[:, columns])
        print(f"{name:<22} {roc_auc_score(y, cv):>12.3f} {roc_auc_score(yt, test):>9.3f}")


if __name__ == "__main__":
    main()
