"""Quote fidelity: the same quotation across outlets, and how the versions differ.

Each quote becomes a sequence of word tokens (lower-cased, typographic marks
straightened). Two quotes from different articles are the same quotation when
most words of the shorter one appear, in order, in the other, in at most two
runs, in long runs or within a compact stretch (see ``same_quotation``): that survives
lower-casing, [sic], cut sentences or words, changed punctuation and one changed
word, while two different remarks by one speaker rarely share most of their
words in order.

A quote interrupted by its cue ("We will," she said, "win.") is several
``Quote`` records; consecutive quotes in one paragraph are also tried joined,
and the joined unit stands for its pieces when each piece matches part of
another article's quote.

Differences are classified by a word-level alignment (difflib opcodes) of each
variant against the group's reference, which comes first in
``QuoteGroup.variants``: the wording most articles share, else the most
complete clean version.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Sequence

from storyline.dedup.groups import UnionFind
from storyline.model import Quote, QuoteDifference, QuoteGroup, SpanRef

# Share of the shorter quote's words that must align with the other quote.
MIN_COVERAGE = 0.75
# The aligned words must come in runs this long on average, or ...
MIN_MEAN_RUN = 3.0
# ... fill this share of the stretch they span on both sides (short quotes with a changed word).
MIN_DENSITY = 0.7
# Below this many words, a quote matches only one at most this many times as long, and
# must align its first and last word unless it aligns in full.
SHORT_QUOTE = 8
SHORT_LENGTH_RATIO = 2.5
# Fewer aligned words than this is never enough, unless both quotes are the same words.
MIN_ALIGNED = 3
# A piece of a split quote must align at least this share of its words.
MIN_PIECE_COVERAGE = 0.5
# Pieces further apart than this (characters) are not one quote interrupted by its cue.
MAX_SPLIT_GAP = 160
# Detail strings quote at most this many characters of text.
DETAIL_CHARS = 80

_TOKEN = re.compile(
    r"(?P<editorial>\[[^\]\n]{1,60}\]|\((?:sic|sic!)\))"
    r"|(?P<ellipsis>\.\s?\.\s?\.|…)"
    r"|(?P<word>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\w+(?:['’‘.\-]\w+)*)"
    r"|(?P<punct>\S)"
)
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "—", "\u00a0": " "})
_QUOTE_MARKS = "\"“”„«»'‘’"
# Between the pieces of a split quote inside one span: closing mark, cue, opening mark.
_CUE_BETWEEN = re.compile(r"[”\"]\s*([^“”\"\n]{0,160}?)\s*[“\"]")


@dataclass(frozen=True, slots=True)
class QuoteSource:
    """One article's quotes, as the analysis found them."""

    article: str
    text: str
    quotes: Sequence[Quote]
    published: datetime | None = None


@dataclass(slots=True)
class _Word:
    norm: str  # what alignment compares
    surface: str  # as written, typography straightened
    start: int  # offsets into the piece text
    end: int
    editorial: bool = False
    ellipsis_before: bool = False
    punct_after: str = ""  # punctuation up to the next word (quote marks and ellipses left out)


@dataclass(slots=True)
class Tokens:
    """A quote's words across its pieces; ``breaks[k]`` is the cue text before piece k+1."""

    words: list[_Word] = field(default_factory=list)
    piece_starts: list[int] = field(default_factory=list)  # word index where each piece begins
    piece_texts: list[str] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)
    trailing_ellipsis: bool = False

    @property
    def norms(self) -> list[str]:
        return [w.norm for w in self.words]

    def plain(self) -> list[str]:
        """The words without editorial insertions: what grouping compares."""
        return [w.norm for w in self.words if not w.editorial]

    def piece_of(self, index: int) -> int:
        return sum(1 for s in self.piece_starts if s <= index) - 1

    def surface(self, first: int, last: int) -> str:
        """The text from word ``first`` to word ``last`` (inclusive) as written."""
        piece = self.piece_of(first)
        if self.piece_of(last) != piece:
            return " ".join(w.surface for w in self.words[first : last + 1])
        text = self.piece_texts[piece]
        return text[self.words[first].start : self.words[last].end].translate(_TYPOGRAPHY)


def tokenize(pieces: Sequence[str], breaks: Sequence[str] = ()) -> Tokens:
    """Word tokens of a quote given as its pieces (one piece unless split around a cue)."""
    tokens = Tokens(piece_texts=list(pieces), breaks=list(breaks))
    for piece in pieces:
        tokens.piece_starts.append(len(tokens.words))
        pending_ellipsis = False
        for m in _TOKEN.finditer(piece):
            kind = m.lastgroup
            if kind == "ellipsis":
                pending_ellipsis = True
            elif kind == "punct":
                if tokens.words and tokens.piece_of(len(tokens.words) - 1) == len(tokens.piece_starts) - 1:
                    ch = m.group().translate(_TYPOGRAPHY)
                    if ch not in _QUOTE_MARKS:
                        tokens.words[-1].punct_after += ch
            else:
                surface = m.group().translate(_TYPOGRAPHY)
                norm = re.sub(r"\s+", " ", surface.lower())
                tokens.words.append(
                    _Word(norm, surface, m.start(), m.end(), kind == "editorial", pending_ellipsis)
                )
                pending_ellipsis = False
        tokens.trailing_ellipsis = pending_ellipsis
    return tokens


def span_pieces(span_text: str) -> tuple[list[str], list[str]]:
    """A variant's span text cut into its quoted pieces and the cue texts between them."""
    pieces, breaks, at = [], [], 0
    for m in _CUE_BETWEEN.finditer(span_text):
        pieces.append(span_text[at : m.start()])
        breaks.append(m.group(1).strip(" ,;:—–-"))
        at = m.end()
    pieces.append(span_text[at:])
    return pieces, breaks


# ---------------------------------------------------------------- grouping


def _aligned_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    return [blk for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if blk.size]


def same_quotation(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether word sequences ``a`` and ``b`` are versions of one quotation."""
    shorter = min(len(a), len(b))
    if shorter == 0:
        return False
    if shorter < MIN_ALIGNED:
        return list(a) == list(b)
    if len(set(a) & set(b)) < MIN_COVERAGE * min(len(set(a)), len(set(b))):
        return False  # cheap rejection before the alignment
    blocks = _aligned_blocks(a, b)
    aligned = sum(size for _, _, size in blocks)
    if aligned < MIN_ALIGNED or aligned < MIN_COVERAGE * shorter:
        return False
    if shorter < SHORT_QUOTE and not _short_fits(blocks, len(a), len(b), aligned):
        return False
    if aligned / len(blocks) >= MIN_MEAN_RUN or len(blocks) <= 2:
        return True
    span_a = blocks[-1][0] + blocks[-1][2] - blocks[0][0]
    span_b = blocks[-1][1] + blocks[-1][2] - blocks[0][1]
    return aligned >= MIN_DENSITY * max(span_a, span_b)


def _short_fits(blocks: list[tuple[int, int, int]], len_a: int, len_b: int, aligned: int) -> bool:
    """A short quote is a version of the other only if that one is not much longer and, unless
    aligned in full, its first and last words align: else it is a common phrase ("we are going to")."""
    side, shorter, longer = (0, len_a, len_b) if len_a <= len_b else (1, len_b, len_a)
    if longer > SHORT_LENGTH_RATIO * shorter:
        return False
    return aligned == shorter or (blocks[0][side] == 0 and blocks[-1][side] + blocks[-1][2] == shorter)


@dataclass(slots=True)
class _Unit:
    source: int  # index into the sources
    members: tuple[int, ...]  # indices of the article's quotes, consecutive
    tokens: Tokens
    words: list[str]  # tokens.plain()
    piece_sizes: list[int]  # plain words per piece


def _unit(sources: Sequence[QuoteSource], s: int, members: tuple[int, ...]) -> _Unit:
    src = sources[s]
    quotes = [src.quotes[i] for i in members]
    breaks = [src.text[a.end : b.start].strip(" ,;:—–-\n" + _QUOTE_MARKS) for a, b in zip(quotes, quotes[1:])]
    tokens = tokenize([q.text for q in quotes], breaks)
    sizes = [len(tokenize([q.text]).plain()) for q in quotes]
    return _Unit(s, members, tokens, tokens.plain(), sizes)


# A full stop, ! or ? before a space or a quotation mark, not after a title such as "Mr.".
_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)(?<!\bProf)[.!?](?=[\s\"“”'‘’]|$)")


def _may_join(text: str, a: Quote, b: Quote) -> bool:
    """Whether quote ``b`` may continue ``a`` around a cue: close by, same paragraph, same speaker,
    and no sentence ends between them ("...," she said, "..." but not "...," he said. "...")."""
    gap = text[a.end : b.start]
    if len(gap) > MAX_SPLIT_GAP or "\n" in gap or _SENTENCE_END.search(gap):
        return False
    return a.speaker is None or b.speaker is None or a.speaker == b.speaker


def _units(sources: Sequence[QuoteSource]) -> list[_Unit]:
    units = []
    for s, src in enumerate(sources):
        for i in range(len(src.quotes)):
            units.append(_unit(sources, s, (i,)))
        for i in range(len(src.quotes) - 1):
            if _may_join(src.text, src.quotes[i], src.quotes[i + 1]):
                units.append(_unit(sources, s, (i, i + 1)))
    return units


def _pieces_covered(unit: _Unit, other: Sequence[str], as_a: bool) -> bool:
    """Each piece of a joined unit aligns in large part with the other quote."""
    if len(unit.members) == 1:
        return True
    blocks = _aligned_blocks(unit.words, other) if as_a else [(j, i, n) for i, j, n in _aligned_blocks(other, unit.words)]
    edges = [0]
    for size in unit.piece_sizes:
        edges.append(edges[-1] + size)
    for k, size in enumerate(unit.piece_sizes):
        lo, hi = edges[k], edges[k + 1]
        hit = sum(max(0, min(i + n, hi) - max(i, lo)) for i, _, n in blocks)
        if size == 0 or hit < MIN_PIECE_COVERAGE * size:
            return False
    return True


def _matches(a: _Unit, b: _Unit) -> bool:
    return (
        same_quotation(a.words, b.words)
        and _pieces_covered(a, b.words, as_a=True)
        and _pieces_covered(b, a.words, as_a=True)
    )


def group_quotes(sources: Sequence[QuoteSource], min_articles: int = 2) -> list[QuoteGroup]:
    """The quotations that appear in at least ``min_articles`` of the sources, with their differences: those
    worded differently first, then by how many articles quote them."""
    units = _units(sources)
    uf = UnionFind()
    matched_joins: set[int] = set()
    for i, a in enumerate(units):
        uf.find(i)
        for j in range(i + 1, len(units)):
            b = units[j]
            if a.source != b.source and _matches(a, b):
                uf.union(i, j)
                matched_joins.update(k for k in (i, j) if len(units[k].members) > 1)
    # A joined unit that matched stands for its pieces: pull them into its group.
    by_member = {(u.source, u.members): k for k, u in enumerate(units)}
    for k in matched_joins:
        for m in units[k].members:
            uf.union(k, by_member[(units[k].source, (m,))])
    clusters: dict[int, list[int]] = {}
    for k in range(len(units)):
        clusters.setdefault(uf.find(k), []).append(k)
    groups = []
    for members in clusters.values():
        variants = _variants(sources, [units[k] for k in members])
        if len({v.source for v in variants}) >= min_articles:
            groups.append(_group(sources, variants))
    # Worded differently first (what a reader comes to this section for), then the most quoted
    groups.sort(key=lambda g: (not g.differences, -len({v.article for v in g.variants}), g.variants[0].article,
                               g.variants[0].start))
    return groups


def _variants(sources: Sequence[QuoteSource], units: list[_Unit]) -> list[_Unit]:
    """One unit per run of quotes an article contributes: joined runs absorb their pieces."""
    runs: dict[int, list[set[int]]] = {}
    for u in sorted(units, key=lambda u: -len(u.members)):
        sets = runs.setdefault(u.source, [])
        touching = [r for r in sets if r & set(u.members) or min(r) - 1 in u.members or max(r) + 1 in u.members]
        if touching and len(u.members) == 1:
            continue  # a piece of a joined unit already there
        merged = set(u.members).union(*touching)
        runs[u.source] = [r for r in sets if r not in touching] + [merged]
    return [_unit(sources, s, tuple(sorted(r))) for s, rs in runs.items() for r in rs]


# ---------------------------------------------------------------- differences


def _reference_key(sources: Sequence[QuoteSource], u: _Unit, agreeing: int) -> tuple:
    """The wording most articles share, then the most complete, then clean (no brackets,
    ellipses, splits, lower-cased start), then the earliest."""
    words = u.tokens.words
    published = sources[u.source].published
    return (
        -agreeing,
        -len(u.words),
        any(w.editorial for w in words),
        any(w.ellipsis_before for w in words) or u.tokens.trailing_ellipsis,
        len(u.members) > 1,
        not (words and words[0].surface[:1].isupper()),
        published is None,
        published.timestamp() if published else 0.0,
        u.source,
    )


def _span(sources: Sequence[QuoteSource], u: _Unit) -> SpanRef:
    src = sources[u.source]
    start, end = src.quotes[u.members[0]].start, src.quotes[u.members[-1]].end
    return SpanRef(src.article, start, end, src.text[start:end])


def _speaker(sources: Sequence[QuoteSource], variants: list[_Unit]) -> str | None:
    names = Counter(
        q.speaker for u in variants for q in (sources[u.source].quotes[i] for i in u.members) if q.speaker
    )
    return names.most_common(1)[0][0] if names else None


def _group(sources: Sequence[QuoteSource], variants: list[_Unit]) -> QuoteGroup:
    wordings = Counter(tuple(u.words) for u in variants)
    variants.sort(key=lambda u: _reference_key(sources, u, wordings[tuple(u.words)]))
    reference = variants[0]
    found: dict[tuple[str, str], list[str]] = {}
    for u in variants[1:]:
        for kind, detail, side in compare_tokens(reference.tokens, u.tokens):
            article = sources[(reference if side == "reference" else u).source].article
            articles = found.setdefault((kind, detail), [])
            if article not in articles:
                articles.append(article)
    differences = [QuoteDifference(kind, detail, articles) for (kind, detail), articles in found.items()]
    return QuoteGroup(_speaker(sources, variants), [_span(sources, u) for u in variants], differences)


def _clip(text: str) -> str:
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1].rstrip() + "…"


def compare_tokens(ref: Tokens, var: Tokens) -> list[tuple[str, str, str]]:
    """(kind, detail, side) for each way ``var`` differs from ``ref``; side names who shows it."""
    found: list[tuple[str, str, str]] = []
    cases: list[str] = []
    matcher = SequenceMatcher(None, ref.norms, var.norms, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            cases += [
                f'"{r.surface}" -> "{v.surface}"'
                for r, v in zip(ref.words[i1:i2], var.words[j1:j2])
                if r.surface != v.surface
            ]
            found += _punctuation(ref, var, i1, i2, j1)
        else:
            found.append(_edit(ref, var, tag, i1, i2, j1, j2))
    if cases:
        found.append(("case", _clip(", ".join(dict.fromkeys(cases))), "variant"))
    found += _splits(ref, var, matcher)
    return found


def _edit(ref: Tokens, var: Tokens, tag: str, i1: int, i2: int, j1: int, j2: int) -> tuple[str, str, str]:
    removed = ref.surface(i1, i2 - 1) if i2 > i1 else ""
    added = var.surface(j1, j2 - 1) if j2 > j1 else ""
    ref_editorial = any(w.editorial for w in ref.words[i1:i2])
    var_editorial = any(w.editorial for w in var.words[j1:j2])
    if tag == "delete":
        if all(w.editorial for w in ref.words[i1:i2]):
            return "editorial", f'inserted "{_clip(removed)}"', "reference"
        marked = j1 < len(var.words) and var.words[j1].ellipsis_before or j1 == len(var.words) and var.trailing_ellipsis
        return "omission", f'omitted "{_clip(removed)}"' + (" (marked …)" if marked else ""), "variant"
    if tag == "insert":
        if all(w.editorial for w in var.words[j1:j2]):
            return "editorial", f'inserted "{_clip(added)}"', "variant"
        return "insertion", f'inserted "{_clip(added)}"', "variant"
    if ref_editorial or var_editorial:
        return "editorial", f'"{_clip(removed)}" -> "{_clip(added)}"', "variant" if var_editorial else "reference"
    return "substitution", f'"{_clip(removed)}" -> "{_clip(added)}"', "variant"


def _punctuation(ref: Tokens, var: Tokens, i1: int, i2: int, j1: int) -> list[tuple[str, str, str]]:
    """Changed punctuation between aligned neighbouring words within one piece."""
    found = []
    for k in range(i2 - i1 - 1):
        i, j = i1 + k, j1 + k
        same_piece = ref.piece_of(i) == ref.piece_of(i + 1) and var.piece_of(j) == var.piece_of(j + 1)
        if same_piece and ref.words[i].punct_after != var.words[j].punct_after:
            found.append(("punctuation", f'"{ref.surface(i, i + 1)}" -> "{var.surface(j, j + 1)}"', "variant"))
    return found


def _splits(ref: Tokens, var: Tokens, matcher: SequenceMatcher) -> list[tuple[str, str, str]]:
    """A piece break on one side where the other side runs on in one piece."""
    pairs = {i + k: j + k for i, j, n in matcher.get_matching_blocks() for k in range(n)}
    found = []
    for i, j in pairs.items():
        if pairs.get(i + 1) != j + 1:
            continue
        ref_break = ref.piece_of(i) != ref.piece_of(i + 1)
        var_break = var.piece_of(j) != var.piece_of(j + 1)
        if ref_break != var_break:
            side, tokens, at = ("reference", ref, i) if ref_break else ("variant", var, j)
            cue = tokens.breaks[tokens.piece_of(at)] if tokens.breaks else ""
            found.append(("split", f'split around "{_clip(cue)}"' if cue else f'split after "{tokens.words[at].surface}"', side))
    return found


# ---------------------------------------------------------------- display

Marked = list[tuple[str, str]]  # (text, mark): mark is "", "changed", "case" or "cue"


def side_by_side(reference: str, variant: str) -> tuple[Marked, Marked]:
    """Both span texts as words marked where they differ, for a word-level diff display."""
    ref, var = (tokenize(*span_pieces(t)) for t in (reference, variant))
    ref_marks, var_marks = [""] * len(ref.words), [""] * len(var.words)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ref.norms, var.norms, autojunk=False).get_opcodes():
        for i, j in zip(range(i1, i2), range(j1, j2)):
            if tag == "equal" and ref.words[i].surface != var.words[j].surface:
                ref_marks[i] = var_marks[j] = "case"
        if tag != "equal":
            ref_marks[i1:i2] = ["changed"] * (i2 - i1)
            var_marks[j1:j2] = ["changed"] * (j2 - j1)
    return _marked(ref, ref_marks), _marked(var, var_marks)


def _marked(tokens: Tokens, marks: list[str]) -> Marked:
    out: Marked = []
    for k, (w, mark) in enumerate(zip(tokens.words, marks)):
        if k and k in tokens.piece_starts:
            out.append((tokens.breaks[tokens.piece_starts.index(k) - 1], "cue"))
        if w.ellipsis_before:
            out.append(("…", "changed"))
        out.append((w.surface + w.punct_after, mark))
    if tokens.trailing_ellipsis:
        out.append(("…", "changed"))
    return out
