"""Spark local[2] against the local engine on 10k and 100k generated articles: time and peak memory.

The articles are generated from the ECB+ texts (../shared/data/ecbplus/ecbplus_docs.jsonl):
the corpus is repeated in "editions" 60 days apart; each edition rewrites every word of
four or more letters with its own letter permutation (length-preserving, so analysis
offsets stay valid, and editions are not near-duplicates of each other), places each
ECB+ subtopic on its own day, and gives every text one to three copies from other
outlets, hours later, with a credit line appended. spaCy analyses are computed ONCE for
the 982 unique texts (cached under --cache) and carried in the input, so the comparison
measures dedup + clustering only; analysis throughput is reported separately, measured
on a small sample.

Each engine runs as a subprocess (`storyline batch --engine ...`); its peak memory is the
largest sum of RSS over its whole process tree (driver JVM, Python workers), sampled
every 0.2 s from /proc.

    python benchmarks/scale_spark.py                 # 10k and 100k
    python benchmarks/scale_spark.py --sizes 10000 --limit 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import string
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _shared import ROOT, dataset, table

from storyline.analyze import ANALYZER_VERSION
from storyline.model import to_jsonable

EDITION_DAYS = 60
OUTLETS = [f"Outlet {i:02d}" for i in range(40)]
CREDIT = "\n\nDistributed by the Newswire Syndicate."
_WORD = re.compile(r"[A-Za-z]{4,}")


def load_docs() -> list[dict]:
    with open(dataset("ecbplus/ecbplus_docs.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cached_analyses(docs: list[dict], cache: Path) -> tuple[dict[str, dict], float | None]:
    """doc_id -> to_jsonable(Analysis); the docs/second when they had to be computed."""
    path = cache / "ecbplus_analyses.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as f:
            return {r["article_id"]: r for r in map(json.loads, f)}, None
    from storyline.analyze import AnalysisInput, Analyzer

    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    found = {a.article_id: to_jsonable(a) for a in Analyzer().pipe(AnalysisInput(d["doc_id"], d["text"]) for d in docs)}
    rate = len(docs) / (time.perf_counter() - started)
    path.write_text("".join(json.dumps(a) + "\n" for a in found.values()), encoding="utf-8")
    return found, rate


def analysis_rate(docs: list[dict], sample: int) -> float:
    """Articles per second of one Analyzer process (spaCy + extractors) on the first ``sample`` texts."""
    from storyline.analyze import AnalysisInput, Analyzer

    analyzer = Analyzer()
    analyzer.analyze(AnalysisInput("warm-up", docs[0]["text"]))
    started = time.perf_counter()
    for _ in analyzer.pipe(AnalysisInput(d["doc_id"], d["text"]) for d in docs[:sample]):
        pass
    return sample / (time.perf_counter() - started)


def _scrambler(edition: int):
    letters = list(string.ascii_lowercase)
    random.Random(edition).shuffle(letters)
    table_ = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                           "".join(letters) + "".join(letters).upper())
    return (lambda s: s) if edition == 0 else (lambda s: _WORD.sub(lambda m: m.group().translate(table_), s))


def generate(docs: list[dict], analyses: dict[str, dict], n: int, path: Path) -> None:
    rng = random.Random(n)
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        edition = 0
        while written < n:
            scramble = _scrambler(edition)
            for d in docs:
                day = int(d["subtopic"].encode().hex(), 16) % 25  # one day per ECB+ subtopic
                when = start + timedelta(days=EDITION_DAYS * edition + day, hours=rng.randint(6, 20))
                text, title = scramble(d["text"]), scramble(d.get("title") or "")
                for copy in range(1 + rng.choice((0, 0, 1, 2))):
                    if written >= n:
                        return
                    outlet = rng.choice(OUTLETS)
                    body = text if copy == 0 else text + CREDIT
                    out.write(json.dumps({
                        "id": f"e{edition}-{d['doc_id']}-{copy}",
                        "title": title,
                        "text": body,
                        "published": (when + timedelta(hours=3 * copy)).isoformat(),
                        "source": outlet,
                        "url": f"https://{outlet.replace(' ', '').lower()}.example/{edition}/{d['doc_id']}/{copy}",
                        "analysis": analyses[d["doc_id"]],
                    }) + "\n")
                    written += 1
            edition += 1


def _tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run_engine(engine: str, input_path: Path, out: Path, master: str) -> tuple[float, float, dict]:
    """(seconds, peak MiB of the process tree, manifest) of one `storyline batch` subprocess."""
    code = "import storyline.cli.batch_cmd; from storyline.cli.app import app; app()"
    cmd = [sys.executable, "-c", code, "batch", str(input_path), "--out", str(out), "--engine", engine]
    if engine == "spark":
        cmd += ["--master", master, "--conf", "spark.driver.memory=4g"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode:
        sys.exit(f"{engine} run failed with exit code {proc.returncode}")
    return seconds, peak / 2**20, json.loads(stdout)[0]


def agreement(local_out: Path, spark_out: Path) -> tuple[bool, float, float]:
    from storyline.engines.spark_results import read_dup_groups, read_story_assignments
    from storyline.eval.cluster import bcubed

    same_dups = {d.id: d for d in read_dup_groups(str(local_out))} == {d.id: d for d in read_dup_groups(str(spark_out))}
    scores = bcubed(read_story_assignments(str(local_out)), read_story_assignments(str(spark_out)))
    return same_dups, scores.precision, scores.recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--limit", type=int, help="cap every size at N articles (a quick run)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "storyline-scale-spark")
    parser.add_argument("--analysis-sample", type=int, default=40)
    args = parser.parse_args()

    docs = load_docs()
    cache = args.cache / f"analyzer-{ANALYZER_VERSION}"  # the analyses are carried in the inputs
    analyses, computed_rate = cached_analyses(docs, cache)
    rate = computed_rate or analysis_rate(docs, args.analysis_sample)
    print(f"analysis (spaCy + extractors, 1 process): {rate:.1f} articles/s"
          f" ({'all 982 unique texts' if computed_rate else f'sample of {args.analysis_sample}'});"
          f" load average at start {os.getloadavg()[0]:.1f}")

    rows = []
    for size in args.sizes:
        n = min(size, args.limit) if args.limit else size
        input_path = cache / f"articles_{n}.jsonl"
        if not input_path.exists():
            generate(docs, analyses, n, input_path)
        outs = {}
        for engine in ("local", "spark"):
            outs[engine] = cache / f"out_{engine}_{n}"
            load = os.getloadavg()[0]
            seconds, peak, manifest = run_engine(engine, input_path, outs[engine], args.master)
            phases = manifest["seconds"]
            rows.append([engine if engine == "local" else f"spark {args.master}", n, seconds, phases["dedup"],
                         phases["stories"], peak, manifest["dup_groups"], manifest["stories"], load])
            print(f"  {engine} {n}: {seconds:.0f} s, details {manifest['details']}", flush=True)
        same, precision, recall = agreement(outs["local"], outs["spark"])
        print(f"  {n}: same dup groups: {same}; story B-cubed of spark vs local: P={precision:.4f} R={recall:.4f}")
    print(table(["engine", "articles", "total s", "dedup s", "stories s", "peak MiB", "dup groups", "stories",
                 "load"], rows))


if __name__ == "__main__":
    main()
