"""Engines run the pipeline stages at a given scale: ``local`` in one process over a store,
``spark`` over Parquet/JSONL on a Spark cluster. Both call the same stage functions."""
