"""Briefs as terminal text (rich), Markdown, one self-contained HTML page, or JSON.

Article text is untrusted web content: the HTML goes through Jinja2 with
autoescape on, Markdown escapes its special characters, and the terminal
output escapes rich markup. The HTML page has no external references: its CSS
and the SVG timeline chart are inline.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storyline.compare.quotes import side_by_side
from storyline.analyze.timex_values import label, period
from storyline.model import Brief, BriefArticle, Contradiction, to_jsonable

FORMATS = ("terminal", "markdown", "html", "json")
TEMPLATES = Path(__file__).with_name("templates")
SCHEMA_PATH = Path(__file__).with_name("schema.json")
CHART_WIDTH, CHART_LEFT, CHART_RIGHT = 760, 40, 40
# Sentences per outlet under "Only one publisher says" in text formats: most of a report is its own.
UNIQUE_SHOWN = 5


def render(briefs: Sequence[Brief], fmt: str = "terminal", *, width: int = 100, color: bool = False) -> str:
    """All briefs in one of ``FORMATS``; ``width`` and ``color`` apply to the terminal format."""
    if fmt == "terminal":
        return render_terminal(briefs, width=width, color=color)
    if fmt == "markdown":
        return render_markdown(briefs)
    if fmt == "html":
        return render_html(briefs)
    if fmt == "json":
        return json.dumps(to_json(briefs), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def to_json(briefs: Sequence[Brief]) -> dict:
    """The JSON document ``schema.json`` describes."""
    return {"stories": [to_jsonable(b) for b in briefs]}


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- shared helpers


def outlet_names(brief: Brief) -> dict[str, str]:
    """Article id -> outlet name, with the date when one outlet has several articles."""
    counts: dict[str, int] = {}
    for a in brief.articles:
        counts[a.source] = counts.get(a.source, 0) + 1
    return {a.id: a.source if counts[a.source] == 1 else f"{a.source} ({_day(a)})" for a in brief.articles}


def outlet_labels(brief: Brief) -> dict[str, str]:
    """``outlet_names``, with " (copy)" after a near-duplicate's, so that a reprint never reads as a source."""
    names = outlet_names(brief)
    return {a.id: names[a.id] + (" (copy)" if a.duplicate_of else "") for a in brief.articles}


def _day(article: BriefArticle) -> str:
    return article.published.strftime("%Y-%m-%d %H:%M") if article.published else "undated"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(slots=True)
class ValueRow:
    """One value of a contradiction: the publishers behind it and each distinct sentence, with who printed it."""

    value: str
    publishers: int
    lines: list[tuple[str, str]]  # (outlets, text); a wire story and its copies share a line


def value_rows(brief: Brief, contradiction: Contradiction) -> list[ValueRow]:
    """The claims grouped by value, with the publishers behind each (three copies of one wire story are one)."""
    labels = outlet_labels(brief)
    rows: dict[str, dict[str, list[str]]] = {}
    for k in contradiction.claims:
        who = labels.get(k.article, k.article)
        rows.setdefault(k.value, {}).setdefault(_one_line(k.text), []).append(who)
    shown = label if contradiction.kind == "date" else str
    return [
        ValueRow(shown(value), contradiction.publishers[value], [(", ".join(who), text) for text, who in lines.items()])
        for value, lines in rows.items()
    ]


def unique_facts(brief: Brief, limit: int | None = None) -> list[tuple[str, list[str], int]]:
    """What only one publisher says: (outlet, its first ``limit`` such sentences, how many more)."""
    names = outlet_names(brief)
    out = []
    for u in brief.unique:
        texts = [_one_line(f.text) for f in u.facts]
        shown = texts if limit is None else texts[:limit]
        out.append((names.get(u.article, u.article), shown, len(texts) - len(shown)))
    return out


def _publishers(n: int) -> str:
    return f"{n} publisher{'s' if n != 1 else ''}"


def article_marks(brief: Brief) -> dict[str, str]:
    """Article id -> 'copy of X' for near-duplicates."""
    names = outlet_names(brief)
    return {a.id: f"copy of {names.get(a.duplicate_of, a.duplicate_of)}" for a in brief.articles if a.duplicate_of}


# ---------------------------------------------------------------- terminal


def render_terminal(briefs: Sequence[Brief], width: int = 100, color: bool = False) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color, highlight=False)
    for brief in briefs:
        _terminal_brief(console, brief)
    return out.getvalue()


def _terminal_brief(console: Console, brief: Brief) -> None:
    names = outlet_names(brief)
    labels = outlet_labels(brief)
    console.rule(f"[bold]{escape(brief.headline)}[/]")
    outlets = sorted({a.source for a in brief.articles})
    console.print(f"{len(brief.articles)} articles from {len(outlets)} outlets: {escape(', '.join(outlets))}")
    if brief.summary:
        console.print("\n[bold]Summary[/]")
        for s in brief.summary:
            console.print(f"  {escape(_one_line(s.text))} [dim]({escape(names.get(s.article, s.article))})[/]")
    if brief.facts:
        console.print("\n[bold]Agreed facts[/]")
        for f in brief.facts:
            console.print(f"  [green]{f.publishers} publishers[/]  {escape(_one_line(f.text))}")
    if brief.unique:
        console.print(f"\n[bold]Only one publisher says[/] [dim](the first {UNIQUE_SHOWN} of each; JSON lists all)[/]")
        for outlet, texts, more in unique_facts(brief, UNIQUE_SHOWN):
            console.print(f"  [bold]{escape(outlet)}[/]")
            for text in texts:
                console.print(f"    {escape(text)}")
            if more:
                console.print(f"    [dim]and {more} more[/]")
    if brief.contradictions:
        console.print("\n[bold]Contradictions[/]")
        for c in brief.contradictions:
            console.print(f"  [red]{escape(c.kind)}[/]: {escape(c.about)}")
            for row in value_rows(brief, c):
                console.print(f"    [bold]{escape(row.value)}[/]  [dim]{_publishers(row.publishers)}[/]")
                for who, text in row.lines:
                    console.print(f"      {escape(who)}: “{escape(text)}”")
    if brief.quotes:
        console.print("\n[bold]Quotes[/]")
        for g in brief.quotes:
            console.print(f"  [bold]{escape(g.speaker or 'unknown speaker')}[/]")
            for v in g.variants:
                console.print(f"    {escape(labels.get(v.article, v.article))}: “{escape(_one_line(v.text))}”")
            for d in g.differences:
                who = ", ".join(names.get(a, a) for a in d.articles)
                console.print(f"    [yellow]{escape(d.kind)}[/] {escape(d.detail)} [dim]({escape(who)})[/]")
    if brief.timeline:
        console.print("\n[bold]Timeline[/]")
        for t in brief.timeline:
            flag = " [dim](inferred)[/]" if t.inferred else ""
            who = ", ".join(dict.fromkeys(names.get(s.article, s.article) for s in t.sources))
            console.print(f"  {escape(label(t.date)):<14} {escape(_one_line(t.event))}{flag} [dim]({escape(who)})[/]")
    console.print("\n[bold]Articles[/]")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for col in ("published", "outlet", "title", "note"):
        table.add_column(col)
    marks = article_marks(brief)
    for a in brief.articles:
        table.add_row(_day(a), escape(a.source), escape(a.title or ""), escape(marks.get(a.id, "")))
    console.print(table)
    console.print()


# ---------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>])")


def md(text: str | None) -> str:
    """Text safe inside Markdown: special characters and HTML escaped, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text or "")).replace("&", "&amp;")


def render_markdown(briefs: Sequence[Brief]) -> str:
    return "\n\n".join(_markdown_brief(b) for b in briefs) + "\n"


def _markdown_brief(brief: Brief) -> str:
    names = outlet_names(brief)
    labels = outlet_labels(brief)
    lines = [f"# {md(brief.headline)}", ""]
    outlets = sorted({a.source for a in brief.articles})
    lines += [f"{len(brief.articles)} articles from {len(outlets)} outlets: {md(', '.join(outlets))}", ""]
    if brief.summary:
        lines += ["## Summary", ""] + [f"- {md(s.text)} *({md(names.get(s.article))})*" for s in brief.summary] + [""]
    if brief.facts:
        lines += ["## Agreed facts", ""] + [f"- **{f.publishers} publishers**: {md(f.text)}" for f in brief.facts] + [""]
    if brief.unique:
        lines += ["## Only one publisher says", "", f"The first {UNIQUE_SHOWN} sentences of each outlet; the JSON lists all.", ""]
        for outlet, texts, more in unique_facts(brief, UNIQUE_SHOWN):
            lines += [f"- {md(outlet)}"] + [f"  - {md(t)}" for t in texts] + ([f"  - *and {more} more*"] if more else [])
        lines.append("")
    if brief.contradictions:
        lines += ["## Contradictions", ""]
        for c in brief.contradictions:
            lines.append(f"- **{md(c.kind)}**: {md(c.about)}")
            for row in value_rows(brief, c):
                lines.append(f"  - **{md(row.value)}** ({_publishers(row.publishers)})")
                lines += [f"    - {md(who)}: “{md(text)}”" for who, text in row.lines]
        lines.append("")
    if brief.quotes:
        lines += ["## Quotes", ""]
        for g in brief.quotes:
            lines.append(f"### {md(g.speaker or 'unknown speaker')}")
            lines += [f"- {md(labels.get(v.article, v.article))}: “{md(v.text)}”" for v in g.variants]
            for d in g.differences:
                lines.append(f"- *{md(d.kind)}*: {md(d.detail)} ({md(', '.join(names.get(a, a) for a in d.articles))})")
            lines.append("")
    if brief.timeline:
        lines += ["## Timeline", "", "| date | event | inferred | sources |", "|---|---|---|---|"]
        for t in brief.timeline:
            who = ", ".join(dict.fromkeys(names.get(s.article, s.article) for s in t.sources))
            lines.append(f"| {md(label(t.date))} | {md(t.event)} | {'yes' if t.inferred else ''} | {md(who)} |")
        lines.append("")
    lines += ["## Articles", "", "| published | outlet | title | note |", "|---|---|---|---|"]
    marks = article_marks(brief)
    for a in brief.articles:
        lines.append(f"| {_day(a)} | {md(a.source)} | {md(a.title)} | {md(marks.get(a.id, ''))} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- html


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["one_line"] = _one_line
    env.filters["timex"] = label
    return env


def render_html(briefs: Sequence[Brief]) -> str:
    stories = [_html_story(b) for b in briefs]
    return _environment().get_template("brief.html.j2").render(stories=stories)


def _html_story(brief: Brief) -> dict:
    names, labels = outlet_names(brief), outlet_labels(brief)
    quotes = []
    for g in brief.quotes:
        reference = g.variants[0]
        rows = []
        for v in g.variants[1:]:
            left, right = side_by_side(reference.text, v.text)
            rows.append({"outlet": labels.get(v.article, v.article), "left": left, "right": right})
        quotes.append({"group": g, "reference": labels.get(reference.article, reference.article), "rows": rows})
    return {
        "brief": brief,
        "names": names,
        "marks": article_marks(brief),
        "contradictions": [(c, value_rows(brief, c)) for c in brief.contradictions],
        "unique": unique_facts(brief),
        "outlets": sorted({a.source for a in brief.articles}),
        "quotes": quotes,
        "chart": timeline_chart(brief),
        "day": _day,
    }


def timeline_chart(brief: Brief) -> dict | None:
    """Positions for the inline SVG chart: one dot per event on a time axis (from its first day)."""
    points = [(t, period(t.date)) for t in brief.timeline]
    points = [(t, p.first) for t, p in points if p is not None]
    if not points:
        return None
    first, last = min(d for _, d in points), max(d for _, d in points)
    span = max(1, (last - first).days)
    usable = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    dots = []
    for k, (t, d) in enumerate(points):
        x = CHART_LEFT + usable * (d - first).days / span
        dots.append({"x": round(x, 1), "y": 40 + 14 * (k % 4), "event": t, "label": label(t.date)})
    return {"width": CHART_WIDTH, "height": 110, "dots": dots, "first": _label(first), "last": _label(last)}


def _label(d: date) -> str:
    return d.isoformat()
