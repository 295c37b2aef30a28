"""Timeline: relative dates against each article's own date, undated articles inferred, merging."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from storyline.analyze import Analyzer
from storyline.analyze.timex_values import Period, label, period
from storyline.compare.timeline import TimelineSource, build_timeline
from storyline.model import Article, Provenance, Source

# Thursday 2026-05-14 and Wednesday 2026-05-20: "on Tuesday" is a different day in each.
FIRST = datetime(2026, 5, 14, 9, 0, tzinfo=timezone.utc)
SECOND = datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc)


def article(outlet: str, text: str, published: datetime | None) -> Article:
    return Article(text, Source(outlet, f"{outlet.lower()}.example"), Provenance(f"{outlet}.txt"), published=published)


@pytest.fixture(scope="module")
def timeline():
    articles = [
        article(
            "Tidewater",
            "The Orla bridge was closed on Tuesday after inspectors found cracks in two of its piers. "
            "The bridge carried 9,000 vehicles a day last year. Repairs are expected to start in April.",
            FIRST,
        ),
        article(
            "Fenwick",
            "Engineers began tests on the Orla bridge on Tuesday. "
            "The council said the Orla bridge was closed on May 12 after inspectors found cracks. "
            "The repairs will be finished by Sept. 30, the council said.",
            SECOND,
        ),
        article("Quayside", "Ferries replaced the bridge traffic on Tuesday, the operator said.", None),
    ]
    analyses = list(Analyzer().pipe(articles))
    sources = [TimelineSource(a.id, a.text, x, a.published) for a, x in zip(articles, analyses)]
    names = {a.id: a.source.name for a in articles}
    return build_timeline(sources), names


def find(timeline, date_value):
    events, names = timeline
    return [e for e in events if e.date == date_value], names


def test_relative_dates_use_each_articles_own_publication_date(timeline):
    closed, names = find(timeline, "2026-05-12")
    tests, _ = find(timeline, "2026-05-19")
    assert closed and tests
    assert {names[s.article] for e in closed for s in e.sources} >= {"Tidewater", "Fenwick"}
    assert {names[s.article] for e in tests for s in e.sources} == {"Fenwick"}


def test_same_event_from_two_articles_is_merged(timeline):
    on_the_day, names = find(timeline, "2026-05-12")
    closed = [e for e in on_the_day if "closed" in e.event]
    assert len(closed) == 1
    assert {names[s.article] for s in closed[0].sources} == {"Tidewater", "Fenwick"}
    assert closed[0].granularity == "day"
    assert closed[0].inferred is False


def test_last_year_and_month_and_abbreviated_month(timeline):
    year, _ = find(timeline, "2025")
    april, _ = find(timeline, "2027-04")
    september, _ = find(timeline, "2026-09-30")
    assert year and year[0].granularity == "year"
    assert april and april[0].granularity == "month" and "Repairs" in april[0].event
    assert september and september[0].granularity == "day"


def test_undated_articles_relative_date_is_inferred_from_the_story(timeline):
    events, names = timeline
    inferred = [e for e in events if any(names[s.article] == "Quayside" for s in e.sources)]
    assert len(inferred) == 1
    assert inferred[0].inferred is True
    # resolved against the story's earliest date, Thursday 2026-05-14: the Tuesday before
    assert inferred[0].date == "2026-05-12"


def test_events_are_in_date_order_and_sources_point_at_the_text(timeline):
    events, _ = timeline
    starts = [period(e.date).first for e in events]
    assert starts == sorted(starts)
    for e in events:
        for s in e.sources:
            assert s.text and s.end > s.start


def test_period_granularities():
    assert period("2026-05-12T14:00") == Period("day", date(2026, 5, 12), date(2026, 5, 12))
    assert period("2026-W20") == Period("week", date(2026, 5, 11), date(2026, 5, 17))
    assert period("2026-Q3") == Period("quarter", date(2026, 7, 1), date(2026, 9, 30))
    assert period("2025-WI") == Period("season", date(2025, 12, 1), date(2026, 2, 28))
    assert period("201") == Period("decade", date(2010, 1, 1), date(2019, 12, 31))
    assert period("2026-02-30") is None
    assert period("P3D") is None and period("PRESENT_REF") is None


@pytest.mark.parametrize(
    "value, said",
    [("2026-09", "September 2026"), ("2025-SU", "summer 2025"), ("201", "the 2010s"), ("18", "the 1800s"),
     ("2021-W39", "week 39 of 2021"), ("2026-Q3", "Q3 2026"), ("2026-H1", "first half of 2026"),
     ("2026-05-12", "2026-05-12"), ("2026-05-12T14:00", "2026-05-12 14:00"), ("PRESENT_REF", "PRESENT_REF")],
)
def test_values_read_as_a_reader_says_them(value, said):
    assert label(value) == said


def events_of(text: str, published: datetime | None = FIRST):
    item = article("Tidewater", text, published)
    (analysis,) = Analyzer().pipe([item])
    return build_timeline([TimelineSource(item.id, item.text, analysis, item.published)])


def test_a_century_describes_and_dates_no_event():
    events = events_of("The museum lost a 19th-century seascape on Tuesday. It was painted in 1874.")
    assert sorted(e.date for e in events) == ["1874", "2026-05-12"]


def test_words_cut_from_an_events_sentence_are_marked():
    [event] = events_of("Ana Ruiz, the mayor of Orla, said on Tuesday that the bridge would close; the council disagreed.")
    assert event.event == "Ana Ruiz, the mayor of Orla, said on Tuesday that the bridge would close …"
    source = event.sources[0]
    assert source.text == "Ana Ruiz, the mayor of Orla, said on Tuesday that the bridge would close"


def test_a_dateline_is_no_event():
    from storyline.dedup.syndication import dateline_end

    wire = article("Wire", "ORLA, May 13 (TWS) — The Orla bridge was closed on Tuesday after inspectors found cracks.", FIRST)
    (analysis,) = Analyzer().pipe([wire])
    assert any(t.text == "May 13" for t in analysis.timexes)
    events = build_timeline([TimelineSource(wire.id, wire.text, analysis, wire.published)])
    assert [e.date for e in events] == ["2026-05-12"]
    assert dateline_end("PORTVALE, March 15 (GWS) — A ferry struck the pier.") == len("PORTVALE, March 15 (GWS) —")
    assert dateline_end("LONDON (Reuters) - Shares fell.") == len("LONDON (Reuters) -")
    assert dateline_end("The alliance (NATO) — divided — met.") is None
