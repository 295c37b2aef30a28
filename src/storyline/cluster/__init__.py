"""Story clustering: which articles report the same story, and why.

``cluster(articles, analyses)`` clusters a corpus (batch); ``OnlineClusterer`` takes articles
one at a time; ``explain`` shows the features and score behind a pair decision.
"""

from storyline.cluster.batch import ClusterResult, choose_model, cluster, cluster_features
from storyline.cluster.explain import Explanation, explain
from storyline.cluster.features import ArticleFeatures, DocFreq, ScoreModel, article_features
from storyline.cluster.online import Decision, Merge, OnlineClusterer

__all__ = [
    "ArticleFeatures", "ClusterResult", "Decision", "DocFreq", "Explanation", "Merge",
    "OnlineClusterer", "ScoreModel", "article_features", "choose_model", "cluster",
    "cluster_features", "explain",
]
