"""Learned score models. Regenerate with ``python benchmarks/cluster_train.py --write``."""

from storyline.cluster.features import ScoreModel

ARTICLE_MODEL = ScoreModel(
    name="article",
    weights={"body": 8.0, "title": 2.0, "person": 2.0, "person_clash": -1.0, "place": 1.0, "place_clash": -0.5,
             "org": 0.5, "dates": 1.0, "dates_clash": -0.5, "time_gap": -0.5},
    bias=-4.0,
    join_threshold=0.5,
    merge_threshold=0.5,
    trained_on="untrained placeholder",
)
HEADLINE_MODEL = ARTICLE_MODEL
