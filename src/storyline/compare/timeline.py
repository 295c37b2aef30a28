"""The story's timeline: dated events with the sentences that date them.

Every DATE or TIME expression the analysis resolved to a calendar value gives
an event: the clause around the expression (cut at ';', ':', dashes and
clause-opening conjunctions, trimmed to ``MAX_EVENT_WORDS`` words around it).
Durations, sets, ``*_REF`` values, centuries ("a 19th-century painting") and values with
unknown digits are left out; "…" marks the words of a sentence cut from an event.
Relative expressions were resolved against each article's own publication
date by the analysis; an undated article's relative expressions are resolved
here against the story's earliest date and marked ``inferred``.

Events on the same date whose clauses share enough content words (lemmas,
reporting verbs left out) are merged across sources; each keeps every source as a ``SpanRef``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from storyline.analyze.timex import FUTURE, normalise
from storyline.analyze.timex_values import GRANULARITY_ORDER, period
from storyline.compare.align import REPORTING_LEMMAS
from storyline.dedup.syndication import dateline_end
from storyline.model import Analysis, SpanRef, TimelineEvent, Timex

MAX_EVENT_WORDS = 40
# Share of the smaller clause's content lemmas the other must share to be the same event.
MIN_EVENT_OVERLAP = 0.3
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}

_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s+|\s+[—–]\s+|\s*--\s*|,\s+(?=(?:and|but|while|as|when|where|which|who|after|before|although|because)\b)"
)
# Clock times alone ("8 a.m.", "midnight") take their day from the context, not from the publication date.
_BARE_CLOCK = re.compile(r"^(?:about\s+|around\s+|shortly\s+(?:before|after)\s+)?[\d:.\s]*(?:a\.?m\.?|p\.?m\.?|noon|midnight)?$", re.I)
# Without a parse, a future marker before the expression is the tense the normaliser needs.
_FUTURE_MARKER = re.compile(r"\b(?:will|'ll|shall|expected to|plans? to|set to|due to|going to)\b[^.;]*$", re.I)
_TRIM = " \t\n,;:—–-\"“”'‘’"


@dataclass(frozen=True, slots=True)
class TimelineSource:
    article: str
    text: str
    analysis: Analysis
    published: datetime | None


@dataclass(slots=True)
class _Event:
    date: str
    granularity: str
    inferred: bool
    span: SpanRef
    text: str  # the clause, with "…" where it was cut out of its sentence
    lemmas: set[str]
    published: datetime | None


def _calendar_value(timex: Timex, anchor: date | None, tense: str | None) -> tuple[str, bool] | None:
    """The value to place ``timex`` at and whether it was inferred from the story's dates."""
    if timex.type not in ("DATE", "TIME") or (timex.type == "TIME" and _BARE_CLOCK.match(timex.text)):
        return None
    if timex.resolved:
        return (timex.value, False) if timex.value else None
    if anchor is None:
        return None
    again = normalise(timex.text, anchor, tense)
    return (again.value, True) if again is not None and again.value and again.resolved else None


def _clause(text: str, sentence: tuple[int, int], timex: Timex) -> tuple[int, int]:
    """Offsets of the clause around the time expression, at most MAX_EVENT_WORDS words."""
    start, end = sentence
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.end() <= timex.start:
            start = m.end()
        elif m.start() >= timex.end:
            end = m.start()
            break
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    if len(words) > MAX_EVENT_WORDS:
        at = next((k for k, (a, b) in enumerate(words) if start + b > timex.start), 0)
        first = max(0, min(at - MAX_EVENT_WORDS // 2, len(words) - MAX_EVENT_WORDS))
        start, end = start + words[first][0], start + words[first + MAX_EVENT_WORDS - 1][1]
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM + ".":
        end -= 1
    return start, end


def _excerpt(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The clause as shown, "…" marking the words of its sentence left out before or after it."""
    before = "… " if text[sentence[0] : start].strip(_TRIM) else ""
    after = " …" if text[end : sentence[1]].strip(_TRIM + ".!?") else ""
    return before + re.sub(r"\s+", " ", text[start:end]) + after


def _sentence_of(analysis: Analysis, timex: Timex) -> tuple[int, int]:
    return next(((s, e) for s, e in analysis.sentences if s <= timex.start < e), (timex.start, timex.end))


def _lemmas(analysis: Analysis, start: int, end: int, timex: Timex) -> set[str]:
    return {
        t.lemma
        for t in analysis.tokens
        if start <= t.start < end
        and not (timex.start <= t.start < timex.end)
        and t.pos in CONTENT_POS
        and not t.is_stop
        and t.lemma not in REPORTING_LEMMAS
    }


def _events(source: TimelineSource, anchor: date | None) -> list[_Event]:
    events = []
    dateline = dateline_end(source.text) or 0
    for timex in source.analysis.timexes:
        if timex.start < dateline:  # the dateline's date is when the report was filed, not an event
            continue
        sentence = _sentence_of(source.analysis, timex)
        start, end = _clause(source.text, sentence, timex)
        tense = FUTURE if _FUTURE_MARKER.search(source.text, start, timex.start) else None
        placed = _calendar_value(timex, anchor if source.published is None else None, tense)
        when = period(placed[0]) if placed is not None else None
        if when is None or when.granularity == "century":
            continue  # a "19th-century painting" is no event
        value, inferred = placed  # type: ignore[misc]
        span = SpanRef(source.article, start, end, source.text[start:end])
        shown = _excerpt(source.text, sentence, start, end)
        lemmas = _lemmas(source.analysis, start, end, timex)
        events.append(_Event(value.split("T", 1)[0], when.granularity, inferred, span, shown, lemmas, source.published))
    return events


def _same_event(a: _Event, b: _Event) -> bool:
    if a.date != b.date:
        return False
    if a.span.article == b.span.article and a.span.start == b.span.start:
        return True
    smaller = min(len(a.lemmas), len(b.lemmas))
    return smaller > 0 and len(a.lemmas & b.lemmas) >= MIN_EVENT_OVERLAP * smaller


def build_timeline(sources: Sequence[TimelineSource], story_start: date | None = None) -> list[TimelineEvent]:
    """Dated events of a story in date order; ``story_start`` anchors undated articles."""
    anchor = story_start or min((s.published.date() for s in sources if s.published), default=None)
    merged: list[list[_Event]] = []
    for event in (e for s in sources for e in _events(s, anchor)):
        home = next((group for group in merged if any(_same_event(event, e) for e in group)), None)
        if home is None:
            merged.append([event])
        else:
            home.append(event)
    timeline = [_timeline_event(group) for group in merged]
    timeline.sort(key=lambda t: (period(t.date).first, GRANULARITY_ORDER.index(t.granularity)))  # type: ignore[union-attr]
    return timeline


def _timeline_event(group: list[_Event]) -> TimelineEvent:
    """The merged event told in the words of its earliest-published source."""
    first = min(group, key=lambda e: (e.inferred, e.published is None, e.published.timestamp() if e.published else 0.0))
    sources: list[SpanRef] = []
    for e in group:
        if all((s.article, s.start) != (e.span.article, e.span.start) for s in sources):
            sources.append(e.span)
    return TimelineEvent(first.date, first.granularity, all(e.inferred for e in group), first.text, sources)
