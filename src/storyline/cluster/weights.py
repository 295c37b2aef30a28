"""Learned score models. Regenerate with ``python benchmarks/cluster_train.py --write``."""

from storyline.cluster.features import ScoreModel

ARTICLE_MODEL = ScoreModel(
    name='article',
    weights={"body": 4.6765, "title": 4.6973, "person": 3.8919, "person_clash": -1.8039, "place": 1.5809, "place_clash": -1.0436, "org": 0.1585, "dates": 2.5204, "dates_clash": -0.9055, "numbers": 1.6942, "numbers_clash": -0.8634, "time_gap": 0.0},
    bias=-1.9655,
    join_threshold=0.1,
    merge_threshold=0.9,
    trained_on='ECB+ Cybulska train+dev topics',
)
HEADLINE_MODEL = ScoreModel(
    name='headline',
    weights={"body": 8.4294, "title": 6.8796, "person": 3.0849, "person_clash": -0.4988, "place": -0.254, "place_clash": -0.3433, "org": 0.8601, "dates": 1.0155, "dates_clash": -0.4899, "numbers": 2.1622, "numbers_clash": -0.6021, "time_gap": -25.0428},
    bias=-1.9987,
    join_threshold=0.3,
    merge_threshold=0.7,
    trained_on='UCI subset, first half of the stream by timestamp',
)
