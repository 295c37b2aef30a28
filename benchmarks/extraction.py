"""Body extraction on the article-extraction-benchmark pages: token P/R/F1 against ground truth.

Scored as upstream does: per page, precision and recall of the bag of whitespace
tokens, averaged over pages. storyline's HTML reader is compared with plain
``trafilatura.extract`` (default settings) in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter

import trafilatura

from _shared import dataset, table
from storyline.ingest import read_bytes
from storyline.model import Article


def prf(predicted: str, truth: str) -> tuple[float, float, float]:
    p_tokens, t_tokens = Counter(predicted.split()), Counter(truth.split())
    overlap = sum((p_tokens & t_tokens).values())
    p = overlap / max(1, sum(p_tokens.values())) if p_tokens else 0.0
    r = overlap / max(1, sum(t_tokens.values()))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    root = dataset("article-extraction-benchmark")
    truth = json.loads((root / "ground-truth.json").read_text())
    ids = sorted(truth)[: args.limit]
    scores: dict[str, list[tuple[float, float, float]]] = {"storyline": [], "trafilatura.extract": []}
    seconds = {k: 0.0 for k in scores}
    failures = 0
    for doc_id in ids:
        raw = (root / "html" / f"{doc_id}.html.gz").read_bytes()
        expected = truth[doc_id]["articleBody"]
        t = time.perf_counter()
        results = list(read_bytes(raw, doc_id))
        seconds["storyline"] += time.perf_counter() - t
        body = " ".join(r.text for r in results if isinstance(r, Article))
        failures += not body
        scores["storyline"].append(prf(body, expected))
        t = time.perf_counter()
        plain = trafilatura.extract(gzip.decompress(raw).decode("utf-8", errors="replace")) or ""
        seconds["trafilatura.extract"] += time.perf_counter() - t
        scores["trafilatura.extract"].append(prf(plain, expected))
    rows = []
    for name, s in scores.items():
        n = len(s)
        rows.append([name, n, sum(x[0] for x in s) / n, sum(x[1] for x in s) / n, sum(x[2] for x in s) / n, n / seconds[name]])
    print(f"Body extraction, {len(ids)} pages of article-extraction-benchmark (token bag P/R/F1, mean over pages)")
    print(table(["extractor", "pages", "precision", "recall", "F1", "pages/s"], rows))
    print(f"pages where storyline found no body: {failures}")


if __name__ == "__main__":
    main()
