"""Typed records passed between pipeline stages.

Stages (ingest -> analyze -> dedup -> cluster -> compare -> brief) take and
return these records only, so the same code serves the CLI, the web app and
Spark. Every span is a pair of character offsets into ``Article.text`` exactly
as stored.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import xxhash

# ---------------------------------------------------------------- ingest


@dataclass(frozen=True, slots=True)
class Source:
    """The outlet: a display name plus a domain (either may be unknown)."""

    name: str
    domain: str | None = None

    @property
    def key(self) -> str:
        """What identifies a publisher when counting independent sources."""
        return (self.domain or self.name).lower()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an article was read: the file and the line, item or record in it."""

    file: str
    locator: str | None = None  # "line 12", "item 3", "record 5"

    def __str__(self) -> str:
        return f"{self.file}:{self.locator}" if self.locator else self.file


def stable_hash(*parts: str | None) -> str:
    """A short, stable, platform-independent hex digest of the given parts."""
    h = xxhash.xxh3_64()
    for part in parts:
        h.update((part or "").encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass(slots=True)
class Article:
    """One news article as ingested.

    ``key`` identifies the document (outlet + URL, or outlet + title when there
    is no URL); ``id`` identifies this version of it (key + text), so a re-crawl
    with changed text gets a new id and the same key.
    """

    text: str
    source: Source
    provenance: Provenance
    url: str | None = None
    title: str | None = None
    byline: str | None = None
    published: datetime | None = None  # always timezone-aware when set
    language: str | None = None
    id: str = ""
    key: str = ""
    version_of: str | None = None  # id of the first stored version with the same key

    def __post_init__(self) -> None:
        if self.published is not None and self.published.tzinfo is None:
            raise ValueError("Article.published must be timezone-aware")
        if not self.key:
            self.key = stable_hash(self.source.key, self.url or self.title or self.text[:500])
        if not self.id:
            self.id = stable_hash(self.key, self.content_hash)

    @property
    def content_hash(self) -> str:
        return stable_hash(self.title, self.text)


@dataclass(frozen=True, slots=True)
class IngestError:
    """One input that could not be read; the rest of the batch goes on."""

    file: str
    locator: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.locator}" if self.locator else self.file
        return f"{where}: {self.reason}"


# ---------------------------------------------------------------- analyze


@dataclass(slots=True)
class Entity:
    text: str
    label: str  # spaCy label: PERSON, GPE, LOC, ORG, NORP, FAC, EVENT, ...
    start: int
    end: int
    canonical: str  # in-document alias merging: "Ms. Ruiz" -> "Ana Ruiz"


@dataclass(slots=True)
class Quote:
    text: str  # the quoted words, without the marks
    start: int
    end: int
    speaker: str | None = None  # resolved name
    speaker_start: int | None = None  # the span in the text naming the speaker
    speaker_end: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    partial: bool = False  # a fragment inside reported speech: called it "a gamble"


@dataclass(slots=True)
class Timex:
    text: str
    start: int
    end: int
    type: str  # DATE, TIME, DURATION, SET
    value: str | None  # TIMEX3 value: 2020-09-30, 2020-09, P20W, PRESENT_REF, ...
    anchored: bool = False  # value depends on the article's publication date
    resolved: bool = True  # False: relative, and there was no date to resolve it against


@dataclass(slots=True)
class NumberFact:
    text: str
    start: int
    end: int
    value: float
    unit: str | None  # "year" for ages, "USD", "week", "people", "percent", ...
    about: str | None  # the entity or noun the number describes
    kind: str = "count"  # age, count, money, duration, percent
    approximate: bool = False  # "about 300", "nearly 20"


@dataclass(slots=True)
class Token:
    """The few token attributes later stages need, without spaCy."""

    start: int
    end: int
    lemma: str
    pos: str
    is_stop: bool = False


@dataclass(slots=True)
class Analysis:
    article_id: str
    analyzer: str  # analyzer version; an article is analysed again when it changes
    sentences: list[tuple[int, int]] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    numbers: list[NumberFact] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    published: datetime | None = None


# ---------------------------------------------------------------- dedup, cluster


@dataclass(frozen=True, slots=True)
class DupAssignment:
    """An article's near-duplicate group; ``parent`` is the group's earliest copy."""

    id: str
    group: str
    parent: str
    syndicated_from: str | None = None  # the wire service, e.g. "AP", when it is a wire copy


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    id: str
    story: str


@dataclass(slots=True)
class Story:
    id: str
    headline: str
    article_ids: list[str]
    sources: list[str]
    first_seen: datetime | None
    last_seen: datetime | None

    @property
    def size(self) -> int:
        return len(self.article_ids)


# ---------------------------------------------------------------- compare, brief


@dataclass(slots=True)
class SpanRef:
    """Exact text in one article."""

    article: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Fact:
    id: str
    text: str
    sources: list[SpanRef]
    publishers: int  # independent publishers: syndicated copies count once


@dataclass(slots=True)
class Claim:
    article: str
    value: str
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Contradiction:
    kind: str  # date, number, age, name, place, quote
    about: str
    claims: list[Claim]
    publishers: dict[str, int] = field(default_factory=dict)  # value -> independent publishers (copies count once)


@dataclass(slots=True)
class QuoteDifference:
    kind: str  # case, punctuation, editorial, omission, insertion, substitution, split
    detail: str
    articles: list[str]


@dataclass(slots=True)
class QuoteGroup:
    speaker: str | None
    variants: list[SpanRef]
    differences: list[QuoteDifference]


@dataclass(slots=True)
class TimelineEvent:
    date: str  # TIMEX3 value
    granularity: str  # day, month, year, week, ...
    inferred: bool
    event: str
    sources: list[SpanRef]


@dataclass(slots=True)
class BriefArticle:
    id: str
    source: str
    title: str | None
    published: datetime | None
    url: str | None
    duplicate_of: str | None


@dataclass(slots=True)
class UniqueFacts:
    article: str
    facts: list[Fact]


@dataclass(slots=True)
class Brief:
    id: str
    headline: str
    articles: list[BriefArticle]
    summary: list[SpanRef]
    facts: list[Fact]
    unique: list[UniqueFacts]
    contradictions: list[Contradiction]
    quotes: list[QuoteGroup]
    timeline: list[TimelineEvent]


def to_jsonable(record: Any) -> Any:
    """Records to plain JSON values: datetimes as ISO 8601, tuples as lists."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_jsonable(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, datetime):
        return record.isoformat()
    if isinstance(record, (list, tuple)):
        return [to_jsonable(x) for x in record]
    if isinstance(record, dict):
        return {k: to_jsonable(v) for k, v in record.items()}
    return record


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)  # slow enough to matter when decoding thousands of records


def from_jsonable(cls: type, data: Any) -> Any:
    """The inverse of ``to_jsonable`` for a record class: rebuilds nested records from plain values."""
    hints = _type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            kwargs[f.name] = _decode(hints[f.name], data[f.name])
    return cls(**kwargs)


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_decode(item, v) for v in value]
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(_decode(a, v) for a, v in zip(args, value))
    if tp is datetime:
        return datetime.fromisoformat(value)
    if dataclasses.is_dataclass(tp):
        return from_jsonable(tp, value)
    return value
