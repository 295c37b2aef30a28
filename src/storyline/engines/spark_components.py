"""Connected components of an edge list in Spark DataFrames.

Each component is labelled by its smallest id (the first member of the sorted component,
as ``UnionFind.components`` orders it). Up to ``driver_max_edges`` edges the edges are
collected and joined with the dedup package's ``UnionFind`` on the driver (one job, no
iterations); above it, min-label propagation runs in DataFrames: every vertex takes the
smallest label among itself and its neighbours until nothing changes, so no edge list is
ever held on the driver. The number of rounds is the largest component diameter (small
for near-duplicate groups and story components, whose members are mostly pairwise
similar).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.dedup.groups import UnionFind

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# 1M edges of two 16-character ids are ~100 MB of Python objects on the driver.
DRIVER_MAX_EDGES = 1_000_000
MAX_ROUNDS = 100


def connected_components(edges: "DataFrame", driver_max_edges: int = DRIVER_MAX_EDGES) -> "DataFrame":
    """(id, component) for every id that has an edge; ``edges`` has string columns ``a``, ``b``."""
    edges = edges.select("a", "b").where("a != b").distinct().localCheckpoint()
    if edges.count() <= driver_max_edges:
        return _on_driver(edges)
    return _propagate(edges)


def _on_driver(edges: "DataFrame") -> "DataFrame":
    uf = UnionFind()
    for row in edges.toLocalIterator():
        uf.union(row.a, row.b)
    rows = [(member, component[0]) for component in uf.components() for member in component]
    return edges.sparkSession.createDataFrame(rows, "id string, component string")


def _propagate(edges: "DataFrame") -> "DataFrame":
    from pyspark.sql import functions as F

    both = edges.union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    labels = both.groupBy("a").agg(F.least(F.min("b"), F.first("a")).alias("label")).withColumnRenamed("a", "id")
    labels = labels.localCheckpoint()
    for _ in range(MAX_ROUNDS):
        offered = both.join(labels, both.a == labels.id).select(F.col("b").alias("id"), "label")
        updated = labels.union(offered).groupBy("id").agg(F.min("label").alias("label")).localCheckpoint()
        changed = updated.join(labels.withColumnRenamed("label", "old"), "id").where("label != old").count()
        labels = updated
        if changed == 0:
            return labels.withColumnRenamed("label", "component")
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
