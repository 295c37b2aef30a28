"""Typographic conventions of news text that several stages read alike."""

from __future__ import annotations

import re

# Hyphens (also U+2010, U+2011), figure, en and em dash, and the quotation dash (U+2015) some outlets use for all.
DASHES = "-‐‑‒–—―"
DASH_CLASS = f"[{re.escape(DASHES)}]"
