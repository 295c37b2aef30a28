"""HTML fragments built in Python: highlighted text, word diffs, SVG charts, safe links.

Every piece of article text goes through ``escape``; markup is only ever put
around escaped segments cut at character offsets, never into raw text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

from storyline.analyze.timex_values import label as timex_label
from storyline.model import Analysis, TimelineEvent


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    css: str  # class names
    label: str = ""  # shown as a tooltip


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, each stretch wrapped in a span carrying the classes of every span over it.

    Overlapping spans (an entity inside a quote) combine their classes on the
    stretch they share, so nesting never breaks.
    """
    n = len(text)
    usable = [s for s in spans if 0 <= s.start < s.end <= n]
    cuts = sorted({0, n, *(s.start for s in usable), *(s.end for s in usable)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        over = [s for s in usable if s.start <= a and b <= s.end]
        piece = escape(text[a:b])
        if not over:
            out.append(piece)
            continue
        css = " ".join(dict.fromkeys(c for s in over for c in s.css.split()))
        label = " · ".join(dict.fromkeys(s.label for s in over if s.label))
        title = f' title="{escape(label)}"' if label else ""
        out.append(f'<span class="{escape(css)}"{title}>{piece}</span>')
    return Markup("".join(out))


# Entity labels worth marking; dates and numbers have their own layers (time expressions, facts).
NAMED = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}


def analysis_spans(analysis: Analysis | None) -> list[Span]:
    """Quotes, time expressions and entities of an analysis as highlight spans."""
    if analysis is None:
        return []
    spans = [Span(q.start, q.end, "hl-quote", f"quote: {q.speaker or 'unknown speaker'}") for q in analysis.quotes]
    spans += [Span(t.start, t.end, "hl-time", f"{t.type} {t.value or 'unresolved'}") for t in analysis.timexes]
    spans += [Span(e.start, e.end, "hl-entity", f"{e.label}: {e.canonical}") for e in analysis.entities if e.label in NAMED]
    return spans


# A sentence ends at . ! ? (and closing quotes or brackets), then space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘'(]?[A-Z0-9])|\n\s*\n")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Sgt|Gen|Gov|Sen|Rep|Prof|Jr|Sr|Inc|Co|Corp|Ltd|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Za-z])\.$")


def _sentence_ends(text: str, start: int, end: int) -> Iterable[re.Match]:
    """Sentence breaks in text[start:end], skipping the periods of abbreviations (Ms. Solberg, 7 p.m.)."""
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.group().startswith(".") and _ABBREVIATION.search(text, max(0, m.start() - 6), m.start() + 1):
            continue
        yield m


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) around a span, found from the punctuation."""
    left = 0
    for m in _sentence_ends(text, 0, start):
        left = m.end()
    right = next((m.start() + 1 for m in _sentence_ends(text, end, len(text))), len(text))
    return left, right


def in_sentence(text: str, start: int, end: int) -> Markup:
    """The sentence holding a claim, escaped, with the claim itself marked."""
    if not (0 <= start < end <= len(text)):
        return Markup("")
    left, right = sentence_bounds(text, start, end)
    return Markup("{}<mark>{}</mark>{}").format(text[left:start].lstrip(), text[start:end], text[end:right].rstrip())


_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]|\s+")


def word_diff(base: str, other: str) -> Markup:
    """``other`` with the words it adds marked <ins> and the words of ``base`` it lacks as <del>."""
    a, b = _WORD.findall(base), _WORD.findall(other)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("replace", "insert"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            out.append(str(escape("".join(b[j1:j2]))))
    return Markup("".join(out))


def segment(value: str) -> str:
    """``value`` as one path segment of a link: a "/" in an id or outlet name must not start another."""
    return quote(value, safe="")


def chip(name: str, article_id: str) -> Markup:
    """A small link naming an outlet, to the article it stands for (a function: cheaper than a macro)."""
    return Markup('<a class="chip" href="/articles/{}">{}</a>').format(segment(article_id), name)


def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None (no javascript:, data:, or odd bytes)."""
    if not url or any(ord(c) < 33 or c in "\"'<>\\`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def when(dt: datetime | None) -> str:
    if dt is None:
        return "undated"
    if dt.hour == dt.minute == 0 and dt.second == 0:
        return dt.strftime("%Y-%m-%d")
    return dt.strftime("%Y-%m-%d %H:%M")


# ------------------------------------------------------------------ SVG


def coverage_bar(counts: Sequence[tuple[str, int]], width: int = 180, height: int = 12) -> Markup:
    """One segment per outlet, as wide as its share of the story's articles."""
    total = sum(n for _, n in counts) or 1
    x = 0.0
    rects = []
    for i, (name, n) in enumerate(counts):
        w = width * n / total
        shade = ("#4a5568", "#a0aec0")[i % 2]
        rects.append(
            f'<rect x="{x:.1f}" y="0" width="{max(w - 1, 1):.1f}" height="{height}" fill="{shade}">'
            f"<title>{escape(name)}: {n}</title></rect>"
        )
        x += w
    label = escape(", ".join(f"{name} ({n})" for name, n in counts))
    return Markup(
        f'<svg class="coverage" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="coverage: {label}">{"".join(rects)}</svg>'
    )


def timex_range(value: str) -> tuple[date, date] | None:
    """The days a TIMEX3 date value covers: 2026-03-14, 2026-03, 2026, 2026-W11."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            d = date(*map(int, m.groups()))
            return d, d
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = map(int, m.groups())
            first = date(y, mo, 1)
            return first, (date(y + mo // 12, mo % 12 + 1, 1) - timedelta(days=1))
        if m := re.fullmatch(r"(\d{4})", value):
            y = int(m.group(1))
            return date(y, 1, 1), date(y, 12, 31)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            first = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return first, first + timedelta(days=6)
    except ValueError:
        return None
    return None


def timeline_svg(events: Sequence[TimelineEvent], width: int = 760, row: int = 24, max_rows: int = 40) -> Markup:
    """Events on a time axis, one row each: a dot for a day, a bar for a longer period, hollow when inferred.

    The axis takes the left part; each row's label sits in a fixed column to its right.
    """
    placed = sorted(
        ((r, e) for e in events if (r := timex_range(e.date))), key=lambda p: (p[0][0], p[1].event)
    )[:max_rows]
    if not placed:
        return Markup("")
    lo = min(r[0] for r, _ in placed)
    hi = max(r[1] for r, _ in placed) + timedelta(days=1)
    left, right, top, text_x = 40, 300, 34, 316
    span = max((hi - lo).days, 1)
    x = lambda d: left + (right - left) * (d - lo).days / span  # noqa: E731
    parts = [f'<line x1="{left}" y1="{top - 10}" x2="{right}" y2="{top - 10}" class="axis"/>']
    for tick in _ticks(lo, hi):
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 14}" x2="{tx:.1f}" y2="{top - 6}" class="axis"/>')
        parts.append(f'<text x="{tx:.1f}" y="{top - 18}" class="tick">{tick.isoformat()}</text>')
    for i, ((first, last), e) in enumerate(placed):
        y = top + i * row + row / 2
        x0, x1 = x(first), x(last + timedelta(days=1))
        hollow = " inferred" if e.inferred else ""
        mark = (
            f'<circle cx="{x0:.1f}" cy="{y:.1f}" r="5" class="event{hollow}"/>'
            if e.granularity == "day" or x1 - x0 < 8
            else f'<rect x="{x0:.1f}" y="{y - 5:.1f}" width="{x1 - x0:.1f}" height="10" rx="3" class="event{hollow}"/>'
        )
        parts.append(
            f"<g><title>{escape(timex_label(e.date))}{' (inferred)' if e.inferred else ''}: {escape(e.event)}</title>"
            f'<line x1="{left}" y1="{y:.1f}" x2="{text_x - 6}" y2="{y:.1f}" class="guide"/>{mark}'
            f'<text x="{text_x}" y="{y + 4:.1f}" class="label"><tspan class="date">{escape(timex_label(e.date))}</tspan> '
            f"{escape(_clip(e.event, 62))}</text></g>"
        )
    height = top + len(placed) * row + 8
    return Markup(
        f'<svg class="timeline" width="100%" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="timeline of {len(placed)} events">{"".join(parts)}</svg>'
    )


def _ticks(lo: date, hi: date, count: int = 3) -> list[date]:
    days = (hi - lo).days
    step = max(days // count, 1)
    return [lo + timedelta(days=k) for k in range(0, days + 1, step)][: count + 1]


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
