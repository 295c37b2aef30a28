"""Scoring of pipeline stages against labelled data."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data_dir() -> Path:
    """../shared/data beside the repository root, or $STORYLINE_SHARED_DATA."""
    env = os.environ.get("STORYLINE_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"
