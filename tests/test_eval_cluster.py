"""Clustering metrics against small cases computed by hand."""

import math

import pytest

from storyline.eval.cluster import bcubed, pairwise, pairwise_labelled, score_clustering

GOLD = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
PRED = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y"}


def test_bcubed_hand_computed():
    # precision per item: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3; recall: a 2/3, b 2/3, c 1/3, d 2/2, e 2/2
    s = bcubed(GOLD, PRED)
    assert s.precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert s.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    assert s.f1 == pytest.approx(11 / 15)


def test_pairwise_hand_computed():
    # predicted pairs ab, cd, ce, de; gold pairs ab, ac, bc, de; shared ab, de
    s = pairwise(GOLD, PRED)
    assert (s.precision, s.recall, s.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_nmi_and_ari_hand_computed():
    s = score_clustering(GOLD, PRED)
    h = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4))
    mi = 0.4 * math.log(5 / 3) + 0.2 * math.log(5 / 9) + 0.4 * math.log(5 / 3)
    assert s.nmi == pytest.approx(mi / h)
    # sum C(n_ij,2) = 2, rows 4, columns 4, C(5,2) = 10: (2 - 1.6) / (4 - 1.6)
    assert s.ari == pytest.approx(0.4 / 2.4)
    assert (s.items, s.gold_clusters, s.pred_clusters, s.missing) == (5, 2, 2, 0)


def test_perfect_and_singleton_predictions():
    perfect = score_clustering(GOLD, {k: "p" + v for k, v in GOLD.items()})
    assert perfect.bcubed.f1 == perfect.pairwise.f1 == pytest.approx(1.0)
    assert perfect.nmi == pytest.approx(1.0) and perfect.ari == pytest.approx(1.0)
    singletons = score_clustering(GOLD, {k: k for k in GOLD})
    assert singletons.bcubed.precision == 1.0
    assert singletons.bcubed.recall == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)
    assert singletons.pairwise.precision == 0.0 and singletons.pairwise.f1 == 0.0


def test_only_items_in_both_are_scored():
    s = score_clustering(GOLD, {"a": "X", "b": "X", "zz": "X"})
    assert (s.items, s.missing) == (2, 3)
    assert s.bcubed.f1 == pytest.approx(1.0)


def test_pairwise_against_labelled_pairs():
    pairs = {("a", "b"): 1, ("a", "c"): 0, ("d", "e"): 1}
    s = pairwise_labelled(pairs, {"a": "1", "b": "1", "c": "2", "d": "3", "e": "4"})
    assert (s.precision, s.recall) == pytest.approx((1.0, 0.5))
