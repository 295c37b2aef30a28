"""The brief: assembly on fictional articles and the example corpus, JSON schema, safe HTML/Markdown."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import jsonschema
import pytest

from storyline.analyze import Analyzer
from storyline.brief import build_brief, render, to_json
from storyline.brief.render import schema, value_rows
from storyline.dedup.find import find_duplicates
from storyline.ingest import read_paths
from storyline.model import Article, DupAssignment, Provenance, Source, Story

from conftest import EXAMPLES

EVIL = "<script>alert('x')</script>"


def article(outlet: str, title: str, text: str, day: int | None) -> Article:
    published = datetime(2026, 6, day, 8, 0, tzinfo=timezone.utc) if day else None
    return Article(text, Source(outlet, f"{outlet.lower()}.example"), Provenance(f"{outlet}.txt"),
                   url=f"https://{outlet.lower()}.example/dam", title=title, published=published)


@pytest.fixture(scope="module")
def fictional():
    articles = [
        article("Millbrook", f"Dam at Harrow Lake to be drained {EVIL}",
                "The Harrow Lake dam will be drained in July after engineers found a leak in its spillway. "
                "\u201cWe cannot take any risks with a structure this old,\u201d said Ilsa Crane, the water board's director.\n\n"
                "The dam was built in 1931 and last repaired in 2009.", 3),
        article("Ridgeway", "Harrow Lake dam leak forces draining",
                "Engineers found a leak in the spillway of the Harrow Lake dam, and the lake will be drained in July. "
                "\u201cwe cannot take any risks with a structure this old,\u201d Ilsa Crane said.\n\n"
                "The dam dates from 1931.", 4),
        article("Ridgeway Weekly", "Harrow Lake dam leak forces draining",
                "Engineers found a leak in the spillway of the Harrow Lake dam, and the lake will be drained in July. "
                "\u201cwe cannot take any risks with a structure this old,\u201d Ilsa Crane said.\n\n"
                "The dam dates from 1931.", 5),
    ]
    analyses = list(Analyzer().pipe(articles))
    dups = [DupAssignment(a.id, "g", articles[1].id) for a in articles[1:]]
    story = Story("harrow", "Harrow Lake dam to be drained", [a.id for a in articles], [], articles[0].published, articles[2].published)
    return build_brief(story, articles, analyses, dups), articles


def test_brief_lists_articles_with_duplicates_marked(fictional):
    brief, articles = fictional
    assert [a.id for a in brief.articles] == [a.id for a in articles]
    assert [a.duplicate_of for a in brief.articles] == [None, None, articles[1].id]


def test_brief_groups_the_lower_cased_quote(fictional):
    brief, articles = fictional
    group = next(g for g in brief.quotes if g.speaker == "Ilsa Crane")
    assert {v.article for v in group.variants} == {a.id for a in articles}
    assert {d.kind for d in group.differences} == {"case"}


def test_brief_summary_and_timeline_point_at_article_text(fictional):
    brief, articles = fictional
    texts = {a.id: a.text for a in articles}
    assert 1 <= len(brief.summary) <= 5
    for span in brief.summary + [s for t in brief.timeline for s in t.sources]:
        assert texts[span.article][span.start : span.end] == span.text
    assert all(s.article != articles[2].id for s in brief.summary)  # one copy per duplicate group
    assert {"1931", "2026-07"} <= {t.date for t in brief.timeline}


def test_json_output_validates_against_the_schema(fictional):
    brief, _ = fictional
    document = json.loads(render([brief], "json"))
    jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())
    assert document == json.loads(json.dumps(to_json([brief]), default=str))
    assert set(document["stories"][0]) == {
        "id", "headline", "articles", "summary", "facts", "unique", "contradictions", "quotes", "timeline"
    }


def test_schema_rejects_an_unknown_contradiction_kind(fictional):
    brief, _ = fictional
    document = json.loads(render([brief], "json"))
    document["stories"][0]["contradictions"] = [
        {"kind": "mood", "about": "x", "claims": [{"article": "a", "value": "1", "text": "t", "start": 0, "end": 1}] * 2}
    ]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema())


def test_html_escapes_article_text_and_is_self_contained(fictional):
    brief, _ = fictional
    html = render([brief], "html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert not re.search(r"(?:src|href)\s*=|https?://|url\(|@import", html, re.I)
    assert "<svg" in html and "<style>" in html
    assert 'class="case"' in html  # word-level highlight of the lower-cased word


def test_markdown_and_terminal_escape_and_show_the_sections(fictional):
    brief, _ = fictional
    markdown = render([brief], "markdown")
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    terminal = render([brief], "terminal", width=120)
    for heading in ("Summary", "Quotes", "Timeline", "Articles"):
        assert heading in terminal
    assert EVIL in terminal  # shown as text, not taken as markup
    assert "copy of Ridgeway" in terminal


def test_unknown_format_is_an_error(fictional):
    with pytest.raises(ValueError):
        render([fictional[0]], "pdf")


# ---------------------------------------------------------------- the example corpus


@pytest.fixture(scope="module")
def example():
    """Briefs of the corpus's three multi-article stories (members picked by a key word) and outlet names."""
    articles = [a for a in read_paths([str(EXAMPLES)]) if isinstance(a, Article)]
    analyses = {x.article_id: x for x in Analyzer().pipe(articles)}
    dups = {d.id: d for d in find_duplicates(articles)}
    briefs = {}
    for key, word in (("mill", "Kessler"), ("ferry", "Saltwind"), ("museum", "Varn")):
        members = [a for a in articles if word in a.text]
        story = Story(key, members[0].title or key, [a.id for a in members], [], None, None)
        briefs[key] = build_brief(story, members, [analyses[a.id] for a in members], [dups[a.id] for a in members if a.id in dups])
    return briefs, {a.id: a.source.name for a in articles}


def test_planted_quote_variants_in_the_example_corpus(example):
    briefs, outlet = example
    group = next(g for g in briefs["mill"].quotes if g.speaker == "Marta Lindqvist")
    assert sorted(outlet[v.article] for v in group.variants) == sorted(
        ["Harbour Gazette", "Northern Ledger", "Valley Times", "Radio Portvale", "Portvale Evening Star"]
    )
    assert outlet[group.variants[0].article] == "Harbour Gazette"  # the base
    found = {d.kind: sorted(outlet[a] for a in d.articles) for d in group.differences}
    assert found.pop("case") == ["Northern Ledger"]
    assert found.pop("editorial") == ["Valley Times"]
    assert found.pop("omission") == ["Radio Portvale"]
    assert found.pop("split") == ["Portvale Evening Star"]
    assert set(found) <= {"punctuation"}
    assert all("with every tool" not in v.text for v in group.variants)


@pytest.mark.parametrize("story,speaker,outlets", [
    ("mill", "Henrik Dahl", {"Harbour Gazette", "Northern Ledger", "Radio Portvale"}),
    ("mill", "Ruth Ellery", {"Harbour Gazette", "Valley Times"}),
    ("museum", "Rhona Castell", {"Coastline Daily", "Brackenridge Herald", "Bayside Observer"}),
])
def test_control_quotes_in_the_example_corpus(example, story, speaker, outlets):
    briefs, outlet = example
    group = next(g for g in briefs[story].quotes if g.speaker == speaker)
    assert {outlet[v.article] for v in group.variants} == outlets
    assert {d.kind for d in group.differences} <= {"punctuation"}


def test_example_briefs_validate_and_render(example):
    briefs, _ = example
    jsonschema.validate(json.loads(render(list(briefs.values()), "json")), schema())
    html = render(list(briefs.values()), "html")
    assert not re.search(r"(?:src|href)\s*=|https?://", html, re.I)


def test_an_agreed_fact_leaves_out_the_outlet_that_contradicts_its_value(example):
    briefs, outlet = example
    mill = briefs["mill"]
    age = next(f for f in mill.facts if "Marta Lindqvist, 52" in f.text)
    assert "Valley Times" not in {outlet[s.article] for s in age.sources}  # it says 53
    assert age.publishers == len({outlet[s.article] for s in age.sources})
    only_valley = next(u for u in mill.unique if outlet[u.article] == "Valley Times")
    assert any("Marta Lindqvist, 53" in f.text for f in only_valley.facts)


def test_a_contradiction_counts_the_publishers_behind_each_value(example):
    briefs, _ = example
    ferry = briefs["ferry"]
    injured = next(c for c in ferry.contradictions if {k.value for k in c.claims} == {"37 people", "41 people"})
    rows = {r.value: r for r in value_rows(ferry, injured)}
    assert rows["37 people"].publishers == 1  # a wire story and two copies of it
    (who, _), = rows["37 people"].lines
    assert who.count("(copy)") == 2
    assert rows["41 people"].publishers == 1
    markdown = render([ferry], "markdown")
    assert "**37 people** (1 publisher)" in markdown
    terminal = render([ferry], "terminal", width=200)
    assert "37 people  1 publisher" in terminal


def test_what_only_one_publisher_says_is_in_every_text_format(example):
    briefs, outlet = example
    mill = briefs["mill"]
    plain = re.compile(r"[A-Za-z0-9 ,.]+")  # shown alike in every format: nothing to escape
    article, sentence = next((u.article, f.text) for u in mill.unique for f in u.facts[:5] if plain.fullmatch(f.text))
    for fmt in ("terminal", "markdown", "html"):
        out = render([mill], fmt, width=1000)
        assert "Only one publisher says" in out
        assert outlet[article] in out and sentence in out, fmt


def test_a_quote_printed_by_a_copy_is_marked_as_the_copy_in_every_format(example):
    briefs, outlet = example
    ferry = briefs["ferry"]
    copies = {a.id for a in ferry.articles if a.duplicate_of}
    quoted = [v for g in ferry.quotes for v in g.variants if v.article in copies]
    assert quoted, "the ferry wire story's copies carry its quotes"
    markdown, terminal = render([ferry], "markdown"), render([ferry], "terminal", width=300)
    quotes_html = render([ferry], "html").split("<h2>Quotes</h2>", 1)[1].split("<h2>", 1)[0]
    for v in quoted:
        assert f"- {outlet[v.article]} \\(copy\\): “" in markdown
        assert f"{outlet[v.article]} (copy): “" in terminal
        assert f'<div class="src">{outlet[v.article]} (copy)</div>' in quotes_html
