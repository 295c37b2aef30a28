"""Scoring direct quotations against PolNeAR attributions (brat standoff).

Gold: the attributions whose Content contains a double quotation mark
(" “ ” „ « »). Single marks do not count: in PolNeAR they are nested quotes
or apostrophes. PolNeAR contents of mixed quotes include unquoted words
("that Crist “would say or do anything”"), and one content may hold several
quoted pieces (“A,” he said, “B.”), so matching is by overlap:

- a predicted quote is right when it overlaps a gold content (several quoted
  pieces of one content are each right); precision = right / predicted;
- a gold content is found when some predicted quote overlaps it;
  recall = found / gold; ``cover80`` = share of found contents whose quoted
  characters (inside marks, without spaces) the predictions cover to 80% or more;
- speaker accuracy, over found contents: the most-overlapping predicted quote
  has a speaker span overlapping the gold Source, or a speaker name equal to
  the canonical name of the entity at the gold Source.

Articles annotated by several annotators (one .ann per annotator): the .ann
whose name sorts first is used.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from storyline.analyze import AnalysisInput, Analyzer
from storyline.eval import shared_data_dir
from storyline.model import Analysis, Quote

GOLD_MARKS = "\"“”„«»"
DOUBLE_APOSTROPHE = "''"  # a straight double mark in some archives (NYT)
_MARK = re.compile("''|[" + GOLD_MARKS + "]")
DEFAULT_DATA = Path("polnear")
COVER_SHARE = 0.8

Segments = list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class GoldQuote:
    content: Segments
    source: Segments


@dataclass(slots=True)
class PolnearDoc:
    name: str
    text: str
    gold: list[GoldQuote]


@dataclass(slots=True)
class QuoteScores:
    split: str
    docs: int = 0
    gold: int = 0
    predicted: int = 0
    predicted_right: int = 0
    gold_found: int = 0
    gold_covered: int = 0
    speaker_right: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def cover80(self) -> float:
        return self.gold_covered / self.gold_found if self.gold_found else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.gold_found if self.gold_found else 0.0

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("errors")
        d.update(
            precision=round(self.precision, 4),
            recall=round(self.recall, 4),
            cover80=round(self.cover80, 4),
            speaker_accuracy=round(self.speaker_accuracy, 4),
        )
        return d


def default_data_path() -> Path:
    return shared_data_dir() / DEFAULT_DATA


def _segments(field_text: str) -> Segments:
    return [(int(a), int(b)) for a, b in (s.split() for s in field_text.split(";"))]


def read_ann(path: Path, text: str) -> list[GoldQuote]:
    """The quoted attributions of one .ann file."""
    spans: dict[str, tuple[str, Segments]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (label, _segments(offsets))
        elif parts[0].startswith("E"):
            events.append(dict(role.split(":", 1) for role in parts[1].split() if ":" in role))
    gold = []
    for roles in events:
        content = spans.get(roles.get("Content", ""))
        if content is None or not any(_has_mark(text[a:b]) for a, b in content[1]):
            continue
        source = spans.get(roles.get("Source", ""), ("", []))
        gold.append(GoldQuote(content[1], source[1]))
    return gold


def _has_mark(text: str) -> bool:
    return _MARK.search(text) is not None


def load_split(root: Path, split: str, limit: int | None = None) -> list[PolnearDoc]:
    """Articles of one split with the first annotator's quoted attributions."""
    split_dir = root / "data" / split
    first_ann: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        first_ann.setdefault(re.sub(r"_[0-9a-f]{4}$", "", ann.stem), ann)
    docs = []
    for name, ann in sorted(first_ann.items())[:limit]:
        text = (split_dir / "text" / f"{name}.txt").read_text(encoding="utf-8")
        docs.append(PolnearDoc(name, text, read_ann(ann, text)))
    return docs


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _overlap_any(span: tuple[int, int], segments: Segments) -> int:
    return sum(_overlap(span, s) for s in segments)


def _quoted_chars(text: str, segments: Segments) -> set[int]:
    """Offsets of the non-space characters between quotation marks within a gold content."""
    chars: set[int] = set()
    for a, b in segments:
        inside, pos = False, a
        for m in _MARK.finditer(text, a, b):
            if inside:
                chars.update(i for i in range(pos, m.start()) if not text[i].isspace())
            inside = not inside if m.group() in ('"', DOUBLE_APOSTROPHE) else m.group() in "“„«"
            pos = m.end()
        if inside:
            chars.update(i for i in range(pos, b) if not text[i].isspace())
    return chars


def _covered(text: str, gold: GoldQuote, quotes: list[Quote]) -> bool:
    wanted = _quoted_chars(text, gold.content)
    if not wanted:
        return True
    got = sum(1 for i in wanted if any(q.start <= i < q.end for q in quotes))
    return got >= COVER_SHARE * len(wanted)


def _source_name(analysis: Analysis, source: Segments) -> str | None:
    for e in analysis.entities:
        if e.label in ("PERSON", "ORG", "GPE", "NORP") and _overlap_any((e.start, e.end), source):
            return e.canonical
    return None


def _speaker_right(analysis: Analysis, gold: GoldQuote, quote: Quote) -> bool:
    if quote.speaker_start is not None and _overlap_any((quote.speaker_start, quote.speaker_end), gold.source):
        return True
    name = _source_name(analysis, gold.source)
    return bool(name and quote.speaker and name.casefold() == quote.speaker.casefold())


def score_doc(doc: PolnearDoc, analysis: Analysis, scores: QuoteScores) -> None:
    quotes = analysis.quotes
    scores.docs += 1
    scores.gold += len(doc.gold)
    scores.predicted += len(quotes)
    for q in quotes:
        if any(_overlap_any((q.start, q.end), g.content) for g in doc.gold):
            scores.predicted_right += 1
        else:
            scores.errors.append({"doc": doc.name, "kind": "false_positive", "quote": q.text[:120]})
    for g in doc.gold:
        hits = [q for q in quotes if _overlap_any((q.start, q.end), g.content)]
        content = " ".join(doc.text[a:b] for a, b in g.content)
        if not hits:
            scores.errors.append({"doc": doc.name, "kind": "missed", "content": content[:160]})
            continue
        scores.gold_found += 1
        scores.gold_covered += _covered(doc.text, g, hits)
        best = max(hits, key=lambda q: _overlap_any((q.start, q.end), g.content))
        if _speaker_right(analysis, g, best):
            scores.speaker_right += 1
        else:
            source = " ".join(doc.text[a:b] for a, b in g.source)
            scores.errors.append(
                {"doc": doc.name, "kind": "speaker", "quote": best.text[:80], "gold": source, "got": best.speaker,
                 "got_span": doc.text[best.speaker_start:best.speaker_end] if best.speaker_start is not None else None}
            )


def evaluate(
    split: str = "dev", data: Path | None = None, limit: int | None = None, analyzer: Analyzer | None = None
) -> QuoteScores:
    root = data or default_data_path()
    if not (root / "data" / split).is_dir():
        raise FileNotFoundError(f"{root}/data/{split} not found: set --data or STORYLINE_SHARED_DATA")
    docs = load_split(root, split, limit)
    analyzer = analyzer or Analyzer()
    scores = QuoteScores(split)
    analyses = analyzer.pipe(AnalysisInput(d.name, d.text) for d in docs)
    for doc, analysis in zip(docs, analyses):
        score_doc(doc, analysis, scores)
    return scores


def format_table(rows: Iterable[QuoteScores]) -> str:
    header = ("split", "docs", "gold", "pred", "pred_ok", "gold_found", "P", "R", "cover80", "speaker_ok", "speaker")
    lines = ["  ".join(f"{h:>10}" for h in header)]
    for s in rows:
        values = (
            s.split, s.docs, s.gold, s.predicted, s.predicted_right, s.gold_found,
            f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.cover80:.3f}", s.speaker_right, f"{s.speaker_accuracy:.3f}",
        )
        lines.append("  ".join(f"{v:>10}" for v in values))
    return "\n".join(lines)
