"""Shared fixtures: paths, the shared evaluation data, a fresh store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"
SHARED_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared(name: str) -> Path:
    """A dataset under ../shared/data, or a skip that says what is missing."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} not found: the shared evaluation data is not on this machine")
    return path


@pytest.fixture
def store(tmp_path):
    from storyline.storage import Store

    return Store(str(tmp_path / "test.db"))


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the session (Debian's binaries; .ci/run installs them)."""
    from pgserver import PostgresServer, pg_bin

    if pg_bin() is None:
        pytest.skip("PostgreSQL server binaries not found: apt-get install postgresql (scripts/install-system-deps.sh)")
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server, request):
    """A fresh, empty database on the session's server."""
    import re

    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:50]
    return pg_server.create_database(name)
