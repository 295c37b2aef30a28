"""`storyline brief` on a 5-article story, end to end, model loading included.

The five Kessler mill articles of the example corpus are written to a temporary JSONL
file; the real CLI runs on it in a child process with a fresh store (wall time from
process start to exit), then the same work runs in-process stage by stage for the
breakdown.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import ROOT, table


def story_jsonl(path: Path) -> int:
    from storyline.ingest import read_paths
    from storyline.model import Article

    picked = [a for a in read_paths([str(ROOT / "examples" / "corpus")]) if isinstance(a, Article) and "Kessler" in a.text]
    with path.open("w") as fh:
        for a in picked:
            fh.write(json.dumps({"title": a.title, "text": a.text, "published": a.published.isoformat() if a.published else None, "source": f"{a.source.name} ({a.source.domain})" if a.source.domain else a.source.name, "url": a.url}) + "\n")
    return len(picked)


def stage_breakdown(src: Path, db: Path) -> list[list[object]]:
    rows = []
    t0 = time.perf_counter()
    from storyline.analyze import Analyzer
    from storyline.brief import render
    from storyline.engines.local import LocalEngine
    from storyline.storage import Store

    rows.append(["imports", time.perf_counter() - t0])
    steps = {}
    t = time.perf_counter()
    analyzer = Analyzer()
    steps["load spaCy model"] = time.perf_counter() - t
    engine = LocalEngine(Store(str(db)), analyzer=analyzer)
    for name, fn in [("ingest", lambda: engine.ingest([str(src)])), ("analyze", engine.analyze), ("dedup", engine.dedup), ("cluster", engine.cluster)]:
        t = time.perf_counter()
        fn()
        steps[name] = time.perf_counter() - t
    t = time.perf_counter()
    briefs = engine.briefs()
    steps["compare + brief"] = time.perf_counter() - t
    t = time.perf_counter()
    render(briefs, "terminal")
    steps["render"] = time.perf_counter() - t
    rows += [[k, v] for k, v in steps.items()]
    rows.append(["total in-process", time.perf_counter() - t0])
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "story.jsonl"
        n = story_jsonl(src)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "storyline.cli", "brief", str(src), "--db", str(Path(tmp) / "cli.db")], capture_output=True, text=True)
        wall = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(run.stderr[-2000:])
        rows = stage_breakdown(src, Path(tmp) / "inproc.db")
    print(f"storyline brief on a {n}-article story (fresh store, model loading included)")
    print(table(["measure", "seconds"], [["CLI end to end (process start to exit)", wall]]))
    print()
    print(table(["stage (in-process)", "seconds"], rows))


if __name__ == "__main__":
    main()
