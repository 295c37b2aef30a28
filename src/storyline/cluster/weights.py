"""Learned score models. Regenerate with ``python benchmarks/cluster_train.py --write``."""

from storyline.cluster.features import ScoreModel

ARTICLE_MODEL = ScoreModel(
    name='article',
    weights={"body": 2.3929, "title": 3.6533, "names": 4.5012, "names_clash": -2.715, "person": 2.2897, "person_clash": -0.8892, "place": 0.9122, "place_clash": -0.6252, "org": -1.5684, "dates": 1.5968, "dates_clash": -0.4512, "numbers": 1.723, "numbers_clash": -0.6624, "time_gap": 0.0, "undated": 0.0},
    bias=-1.2664,
    join_threshold=0.1,
    merge_threshold=0.9,
    trained_on='ECB+ Cybulska train+dev topics',
)
HEADLINE_MODEL = ScoreModel(
    name='headline',
    weights={"body": 8.4791, "title": 6.8699, "names": 2.4287, "names_clash": -0.7688, "person": 3.1637, "person_clash": -0.5031, "place": -1.0919, "place_clash": -0.2901, "org": 0.7345, "dates": 1.447, "dates_clash": -0.6527, "numbers": 2.5008, "numbers_clash": -0.631, "time_gap": -25.0369, "undated": -1.6933},
    bias=-1.6686,
    join_threshold=0.1,
    merge_threshold=0.5,
    trained_on='UCI subset, first half of the stream by timestamp',
)
