"""Near-duplicate and syndication detection.

``find_duplicates(articles, index)`` groups copies of the same text (trimmed,
re-headlined, with boilerplate or a local paragraph added) and names the wire
service a group is a copy of. The pieces are pure functions, so Spark can run
``minhash.text_band_keys`` in ``mapPartitions`` and the same band-key join in SQL.
"""

from storyline.dedup.find import DEFAULT_THRESHOLDS, Thresholds, find_duplicates
from storyline.dedup.index import DedupIndex, MemoryIndex
from storyline.dedup.minhash import DEFAULT_CONFIG, MinHashConfig, text_band_keys
from storyline.dedup.syndication import WireSignal, canonical_agency, wire_signal

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_THRESHOLDS",
    "DedupIndex",
    "MemoryIndex",
    "MinHashConfig",
    "Thresholds",
    "WireSignal",
    "canonical_agency",
    "find_duplicates",
    "text_band_keys",
    "wire_signal",
]
