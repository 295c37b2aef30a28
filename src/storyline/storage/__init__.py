"""Storage: the relational schema, its migrations, and the ``Store`` over any SQLAlchemy URL."""

from storyline.storage.store import Store, resolve_url

__all__ = ["Store", "resolve_url"]
