"""The brief: one sourced summary per story, and its renderings.

``build_brief(story, articles, analyses, dups)`` assembles a ``Brief``;
``render(briefs, fmt)`` writes briefs as terminal text, Markdown, one
self-contained HTML page or JSON (the shape of ``schema.json``).
"""

from storyline.brief.build import build_brief
from storyline.brief.render import FORMATS, render, to_json

__all__ = ["build_brief", "render", "to_json", "FORMATS"]
