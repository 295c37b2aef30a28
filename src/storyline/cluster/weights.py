"""Learned score models. Regenerate with ``python benchmarks/cluster_train.py --write``."""

from storyline.cluster.features import ScoreModel

ARTICLE_MODEL = ScoreModel(
    name='article',
    weights={"body": 1.6913, "title": 1.5527, "names": 2.0907, "names_clash": -2.2744, "person": 1.2251, "person_clash": -0.6244, "place": 0.401, "place_clash": -0.4743, "org": -0.9192, "dates": 1.5657, "dates_clash": -0.2122, "numbers": 1.4638, "numbers_clash": -0.757, "time_gap": 0.0, "undated": 0.0, "lead": 1.1286, "lead_clash": -1.7726, "arrival_gap": 0.0, "rare": 5.2957},
    bias=-0.3664,
    join_threshold=0.3,
    merge_threshold=0.55,
    trained_on='ECB+ Cybulska train+dev topics',
    adopt_threshold=0.01,
    adopt_below=2,
    seed_threshold=0.7,
    merge_by_linkage=True,
    reassign=True,
    split_below=0.55,
)
HEADLINE_MODEL = ScoreModel(
    name='headline',
    weights={"body": 6.8604, "title": 6.245, "names": 2.0509, "names_clash": -0.7292, "person": 2.7492, "person_clash": -0.443, "place": -0.7176, "place_clash": -0.102, "org": 0.4587, "dates": 0.9459, "dates_clash": -0.6315, "numbers": 2.2507, "numbers_clash": -0.6865, "time_gap": -24.9836, "undated": 0.0},
    bias=-1.4411,
    join_threshold=0.35,
    merge_threshold=0.7,
    trained_on='UCI subset, first half of the stream by timestamp',
    adopt_threshold=0.05,
    adopt_below=5,
    seed_threshold=None,
    merge_by_linkage=False,
    reassign=False,
    split_below=None,
)
HEADLINE_UNDATED_MODEL = ScoreModel(
    name='headline-undated',
    weights={"body": 6.3951, "title": 6.562, "names": 1.6614, "names_clash": -0.5075, "person": 1.5645, "person_clash": -0.4687, "place": -0.3913, "place_clash": -0.02, "org": -0.1143, "dates": 0.728, "dates_clash": -0.6811, "numbers": 1.5776, "numbers_clash": -0.5111, "time_gap": 0.0, "undated": 0.0, "lead": 1.3866, "lead_clash": -0.2328, "arrival_gap": -19.2878},
    bias=-0.754,
    join_threshold=0.3,
    merge_threshold=0.8,
    trained_on='UCI subset, first half of the stream by timestamp, dates hidden',
    adopt_threshold=0.1,
    adopt_below=2,
    seed_threshold=None,
    merge_by_linkage=False,
    reassign=False,
    split_below=None,
)
