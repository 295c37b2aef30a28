"""Learn the story-clustering score models on TRAINING data only, and optionally write them.

- article model (full texts): ECB+ topics of the Cybulska train + dev split.
- headline model (headlines/snippets): the first half (by timestamp) of the UCI stream.

Step 1, teacher forcing: the articles are placed into their gold stories in publication order;
each article's scored candidates (found by the same blocking as at run time) give one example
per candidate, positive when it is the gold story. A logistic regression is fitted on them.
Step 2: join and merge thresholds are chosen by B-cubed F1 of real clustering runs on the
same training articles. Dated training data is also used with its dates hidden (see ``fit``).

    python benchmarks/cluster_train.py            # print the models
    python benchmarks/cluster_train.py --write    # also write src/storyline/cluster/weights.py
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

import cluster_data as cd
from storyline.cluster.batch import cluster_features, publication_order
from storyline.cluster.features import FEATURES, ArticleFeatures, DocFreq, ScoreModel, pair_features
from storyline.cluster.online import OnlineClusterer
from storyline.cluster.weights import ARTICLE_MODEL
from storyline.eval.cluster import bcubed

JOIN_GRID = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
MERGE_GRID = (0.3, 0.5, 0.7, 0.9)
WEIGHTS = cd.REPO / "src" / "storyline" / "cluster" / "weights.py"


def teacher_forced_examples(features: list[ArticleFeatures], gold: dict[str, str]):
    """(feature rows, labels, share of articles whose gold story was among the candidates)."""
    clusterer = OnlineClusterer(ARTICLE_MODEL, DocFreq.of(features), merge_every=0)
    rows, labels, found, joins = [], [], 0, 0
    for f in publication_order(features):
        p, cands = clusterer.observe(f)
        gold_story = "gold:" + gold[f.id]
        if gold_story in clusterer.stories:
            joins += 1
            found += any(c.story == gold_story for c in cands)
            if not any(c.story == gold_story for c in cands):
                cands_feats = pair_features(p, clusterer.stories[gold_story].profile)
                rows.append([cands_feats[k] for k in FEATURES])
                labels.append(1)
        for c in cands:
            rows.append([c.features[k] for k in FEATURES])
            labels.append(int(c.story == gold_story))
        clusterer.place(f.id, p, gold_story)
    return np.array(rows), np.array(labels), found / max(joins, 1)


def undated(features: list[ArticleFeatures]) -> list[ArticleFeatures]:
    return [dataclasses.replace(f, published=None) for f in features]


def fit(features: list[ArticleFeatures], gold: dict[str, str], name: str, trained_on: str) -> ScoreModel:
    """Logistic regression on teacher-forced examples, then thresholds by training B-cubed F1.

    Dated training data is used twice, as is and with its dates hidden, so the model also
    knows what to do with undated input; features that never vary in training get weight 0.
    """
    variants = [features, undated(features)] if any(f.published for f in features) else [features]
    examples = [teacher_forced_examples(v, gold) for v in variants]
    x = np.vstack([e[0] for e in examples])
    y = np.concatenate([e[1] for e in examples])
    varying = [i for i in range(len(FEATURES)) if x[:, i].std() > 0]
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(x[:, varying], y)
    weights = dict.fromkeys(FEATURES, 0.0)
    weights.update({FEATURES[i]: float(w) for i, w in zip(varying, lr.coef_[0])})
    print(f"{name}: {len(y)} examples ({y.sum()} positive), blocking recall of gold story {examples[0][2]:.3f}")
    base = ScoreModel(name, weights, float(lr.intercept_[0]), 0.5, 0.5, trained_on)
    best = (-1.0, 0.5, 0.5)
    for join, merge in itertools.product(JOIN_GRID, MERGE_GRID):
        if merge < join:
            continue
        model = ScoreModel(name, base.weights, base.bias, join, merge, trained_on)
        f1 = sum(bcubed(gold, predict(v, model)).f1 for v in variants) / len(variants)
        if f1 > best[0]:
            best = (f1, join, merge)
    print(f"{name}: training B-cubed F1 {best[0]:.4f} at join {best[1]}, merge {best[2]}")
    return ScoreModel(name, base.weights, base.bias, best[1], best[2], trained_on)


def predict(features: list[ArticleFeatures], model: ScoreModel) -> dict[str, str]:
    return {a.id: a.story for a in cluster_features(features, model).assignments}


def render(model: ScoreModel, var: str) -> str:
    weights = ", ".join(f'"{k}": {round(v, 4)}' for k, v in model.weights.items())
    return (
        f"{var} = ScoreModel(\n    name={model.name!r},\n    weights={{{weights}}},\n"
        f"    bias={round(model.bias, 4)},\n    join_threshold={model.join_threshold},\n"
        f"    merge_threshold={model.merge_threshold},\n    trained_on={model.trained_on!r},\n)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write src/storyline/cluster/weights.py")
    args = parser.parse_args()

    ecb = cd.load_ecbplus()
    ecb_train = [f for f in cd.features(ecb) if ecb.group[f.id] in ("train", "dev")]
    article = fit(ecb_train, ecb.gold, "article", "ECB+ Cybulska train+dev topics")

    uci = cd.load_uci()
    first_half = {a.id for a in cd.stream_halves(uci)[0]}
    uci_train = [f for f in cd.features(uci) if f.id in first_half]
    headline = fit(uci_train, uci.gold, "headline", "UCI subset, first half of the stream by timestamp")

    text = '"""Learned score models. Regenerate with ``python benchmarks/cluster_train.py --write``."""\n\n'
    text += "from storyline.cluster.features import ScoreModel\n\n"
    text += render(article, "ARTICLE_MODEL") + render(headline, "HEADLINE_MODEL")
    print(text)
    if args.write:
        Path(WEIGHTS).write_text(text)
        print(f"wrote {WEIGHTS}")


if __name__ == "__main__":
    main()
