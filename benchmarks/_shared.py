"""Helpers shared by the benchmark scripts: where the evaluation data is, peak memory, tables."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from storyline.eval import shared_data_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = shared_data_dir()


def dataset(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        sys.exit(f"{path} not found: set STORYLINE_SHARED_DATA or put the shared data beside the repository")
    return path


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table with right-aligned numbers."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths)))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)
