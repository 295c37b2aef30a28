"""Direct quotations with speaker and cue.

Marks are paired in one left-to-right scan over the text, so the cost is linear
in its length whatever the marks look like:

- curly marks open or close by their shape; a straight ``"`` by its neighbours;
- single quotes inside double quotes are part of the quoted words; single
  quotes serve as quote marks only in paragraphs without double marks;
- a quote that runs over several paragraphs, each reopening the mark and only
  the last closing it, is one ``Quote``: ``start``/``end`` run from after the
  first opening mark to before the closing one, and ``text`` is the
  paragraphs' words joined by a space, without the reopening marks;
- a quote interrupted by its cue (“We will,” she said, “win.”) gives one
  ``Quote`` per pair of marks, each with the same speaker and cue; ``text`` is
  then exactly ``doc.text[start:end]``;
- a mark that never closes within its paragraph is dropped and the scan goes on.

When looking for a cue, a paragraph is a line outside quoted words: some
archives mark only a few paragraph breaks with blank lines.

The speaker comes from the parse: a quote that fills its paragraph and is
signed (letters, vox pops, pull quotes) is the signer's: after a dash on the
same line or the next ("— Ana Ruiz, 34, Salem"), on the next line without a
dash when that line is a few words naming someone and no verb ("Ana Ruiz,
nurse, Salem"), or on its own last line inside the marks, which is then no part
of the quoted words. A digest's source after a dash and before a colon speaks
("Polls were close - Pew Research: “…”"). Else a verb of saying right after a
quoted fragment and its comma frames the sentence (He called it “a gamble,” she
said), and so does one set off by commas inside it ("CNN, Tom said, called it
“…”"); else the reporting verb that governs the quoted words within their
paragraph, else one right after them in the same sentence (after a finished
sentence only “…” Ana Ruiz said, not a new clause nor a cue with words of its
own: “…” She noted a rally), else any verb that alone frames an utterance
ending in a comma or a cry (“…!” beamed Ana Ruiz), else one just before them,
else the sentence before a quote that opens its paragraph (or a run of
paragraphs that open with an unpaired mark) or follows a colon, else a name and
a colon right before the quote ("Ana Ruiz (D-Ore.): “…”"), else one higher up
in the quote's sentence, else an aside ("As Ana Ruiz put it, …"), else the
sentence before in the paragraph when a main clause there hands the word to
someone new (“…,” Ana said, and her husband cut in. “…”), else the speaker of
the quote before (a bare quote continuing someone's remarks) unless the quote
is a fragment in a new sentence whose subject is someone ("… “…”. She urged
them to “…”"), else whoever owns the remark that holds it ("her remark that
“…”"). A quote resumed after its cue keeps its speaker unless a new cue with
its own subject stands between (“…,” Ana said, though she said, “…”). Reporting
verbs include phrasal ones ("went on", "shot back"). A cue inside words
reported by a verb of saying gives way to it (he said he believes “…”), and so
does one whose subject is a thing (she warned that the turmoil underscores
“…”), unless it stands in a clause set apart ("…, though she added “…”", "whom
she described as “…”"); "according to X" in the cue's sentence makes X the
source, and so does the poll in "In a poll, 41 percent said …"; a passive cue's
agent speaks ("was asked by X"); a place or date the parse took for the subject
gives way to a person named before the cue ("LONDON (Reuters) - Ana Ruiz
said"), and a thing to a person named right after an inverted cue ("The
rejection signals “…”, said Ana Ruiz"); and a thing that speaks through a
relative clause speaks for whoever puts it out ("X released an ad that urges
…"). When the parse gives the cue no subject, the speaker is the subject set
off before it ("Ana Ruiz, who sits on the board, said"), the subject of the
clause a participle hangs from ("by saying"), the noun phrase after an inverted
cue ("said Ana Ruiz", "Continued Ana Ruiz:"), or the person named before the
cue.
Without any reporting verb, the subject of the verb the quote hangs from, or of
the sentence a colon hands it over from, is a guess that counts as no
attribution when deciding whether the quote is kept; when that guess is no one
(a thing), a verb of saying in the main clause of the sentence before, in the
paragraph, makes a better guess ("…, he said. Good facts win when “…”"). The
speaker span is the cue's subject as written ("he", "who", "a senior official")
and ``speaker`` the name it resolves to; a pronoun resolves to the nearest
person of compatible gender (``coref.person_genders``) who is a clause's
subject, preferring within that sentence whoever speaks in its main clause
("Ana said Tom won. She added …"), else the nearest compatible person; "who"
after an apposition is the person named before it; a singular title ("the
senator", "the spokesman") resolves to the nearest person the article gives
that title ("Sen. Ana Ruiz", "Ana Ruiz, the city's spokesman,"). Attribute
values in leftover markup (author="…") and Title Case names of works are not
quotes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Callable

from spacy.tokens import Doc, Token

from storyline.analyze.cues import (
    ACCORDING,
    PERSON_NOUNS,
    PHRASAL_CUES,
    POLL_NOUNS,
    REPORTING_VERBS,
    SAYING_VERBS,
    SHARE_NOUNS,
    STATEMENT_NOUNS,
    STATEMENT_VERBS,
    UTTERANCE_NOUNS,
)
from storyline.analyze.coref import FEMALE_PRONOUNS, MALE_PRONOUNS, person_genders
from storyline.analyze.entities import LOOSE_TITLES, TITLE_SHORT_FORMS, TITLES, title_words
from storyline.analyze.nlp import doc_text
from storyline.model import Entity, Quote
from storyline.typography import DASH_CLASS, DASHES

OPEN, CLOSE, EITHER = 1, 2, 3
# Two apostrophes stand for a straight double mark in some archives (NYT).
_DOUBLE_MARKS = re.compile(r"''|[\"“”„«»]")
_SINGLE_OPEN = re.compile(r"(?<!\w)['‘](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?])['’](?!\w)")
_OPENS_AFTER = "([{/" + DASHES
_CLOSES_BEFORE = ".,;:!?)]}" + DASHES

# How far (in tokens) to look before a quote for its cue when the parse does not link them.
NEAR_TOKENS = 8
# How far after it: the speaker's name and title may stand between ("…,” Ana Ruiz, the mayor of …, said).
TRAILING_TOKENS = 25
# How many heads up from the quoted words to look for the governing verb.
MAX_HEAD_STEPS = 6
# How much of a paragraph before a quote is read to judge how the quote is introduced.
LEAD_CHARS = 200
# How far back a lead-in sentence ("He added:") is read.
LEAD_IN_TOKENS = 40
# How far back (in characters) a pronoun may find its person.
PRONOUN_REACH = 3000

RELATIVE_PRONOUNS = frozenset("who that which".split())
SPEAKER_LABELS = frozenset("PERSON ORG GPE NORP".split())


@dataclass(slots=True)
class _Marked:
    """A quoted stretch: its content pieces (one per paragraph) and the marks' span."""

    pieces: list[tuple[int, int]]
    open_at: int  # offset of the opening mark
    close_at: int  # offset of the closing mark

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


# ---------------------------------------------------------------- pairing marks


def _direction(text: str, i: int, j: int) -> int:
    """Whether the mark text[i:j] opens or closes a quote (or could do either)."""
    ch = text[i]
    if ch in "“„«":
        return OPEN
    if ch in "”»":
        return CLOSE
    before = text[i - 1] if i else " "
    after = text[j] if j < len(text) else " "
    if (before.isspace() or before in _OPENS_AFTER) and not after.isspace():
        return OPEN
    if (after.isspace() or after in _CLOSES_BEFORE) and not before.isspace():
        return CLOSE
    return EITHER


def _paragraph_breaks(text: str) -> list[tuple[int, int]]:
    """(start, end) of the whitespace between paragraphs: blank lines when the text has them, else newlines."""
    pattern = r"\n[ \t\r\f\v]*\n\s*" if "\n\n" in text or "\n\r\n" in text else r"\n\s*"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def _line_starts_outside(text: str, quotes: list[_Marked]) -> list[int]:
    """Where each line outside quoted words starts: some archives break paragraphs with a single
    newline and mark only a few with blank lines, and a cue never reaches across a line."""
    opens = [q.open_at for q in quotes]
    starts = []
    for m in re.finditer(r"\n\s*", text):
        k = bisect_right(opens, m.start()) - 1
        if k < 0 or quotes[k].close_at < m.start():
            starts.append(m.end())
    return starts


def _rstrip_at(text: str, end: int, floor: int) -> int:
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _pair_double(text: str, breaks: list[tuple[int, int]]) -> list[_Marked]:
    break_starts = [b[0] for b in breaks]
    found: list[_Marked] = []
    pieces: list[tuple[int, int]] | None = None
    open_at = piece_start = 0
    for m in _DOUBLE_MARKS.finditer(text):
        i, j = m.span()
        direction = _direction(text, i, j)
        if pieces is not None:
            k = bisect_left(break_starts, piece_start)
            crosses = k < len(breaks) and breaks[k][0] < i
            if crosses and direction != CLOSE and breaks[k][1] == i:
                # The next paragraph reopens the quote: it goes on.
                pieces.append((piece_start, _rstrip_at(text, breaks[k][0], piece_start)))
                piece_start = j
                continue
            if not crosses and direction != OPEN:
                if i > piece_start:
                    pieces.append((piece_start, i))
                    found.append(_Marked(pieces, open_at, i))
                pieces = None
                continue
            pieces = None  # never closed: drop it and read this mark afresh
        if direction != CLOSE:
            pieces, open_at, piece_start = [], i, j
    return found


def _pair_single(text: str, lo: int, hi: int) -> list[_Marked]:
    """Single-quoted stretches in text[lo:hi], a paragraph with no double marks."""
    found = []
    pos = lo
    while True:
        o = _SINGLE_OPEN.search(text, pos, hi)
        if o is None:
            return found
        c = _SINGLE_CLOSE.search(text, o.end(), hi)
        if c is None:
            return found
        found.append(_Marked([(o.end(), c.start())], o.start(), c.start()))
        pos = c.end()


def quoted_stretches(text: str) -> list[_Marked]:
    """Every quoted stretch in reading order."""
    breaks = _paragraph_breaks(text)
    found = _pair_double(text, breaks)
    bounds = [0] + [e for _, e in breaks] + [len(text)]
    starts = [b[0] for b in breaks] + [len(text)]
    for lo, hi in zip(bounds, starts):
        if ("'" in text[lo:hi] or "‘" in text[lo:hi]) and not _DOUBLE_MARKS.search(text, lo, hi):
            found.extend(_pair_single(text, lo, hi))
    found.sort(key=lambda q: q.start)
    return found


# ---------------------------------------------------------------- the parse around a quote


def _inside(quotes: list[_Marked], starts: list[int], char: int) -> bool:
    k = bisect_right(starts, char) - 1
    return k >= 0 and quotes[k].open_at <= char <= quotes[k].close_at


def in_quotes(text: str) -> Callable[[int], bool]:
    """Whether a character offset lies inside one of the text's quoted stretches, marks included.
    The stretches are found at the first question: most callers never ask one."""

    @cache
    def stretches() -> tuple[list[_Marked], list[int]]:
        quotes = quoted_stretches(text)
        return quotes, [q.open_at for q in quotes]

    return lambda char: _inside(*stretches(), char)


@dataclass
class _Context:
    doc: Doc
    text: str  # Doc.text rebuilds the string on every access
    entities: list[Entity]
    quotes: list[_Marked]
    token_starts: list[int] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)  # token index of each sentence start
    quote_starts: list[int] = field(default_factory=list)
    entity_starts: list[int] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)
    paragraph_starts: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Doc, text: str, entities: list[Entity], quotes: list[_Marked]) -> "_Context":
        ctx = cls(doc, text, sorted(entities, key=lambda e: e.start), quotes)
        ctx.token_starts = [t.idx for t in doc]
        # An unparsed Doc (tokenizer only) reads as one sentence.
        ctx.sent_starts = [s.start for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        ctx.quote_starts = [q.open_at for q in quotes]
        ctx.entity_starts = [e.start for e in ctx.entities]
        ctx.paragraph_starts = [0] + _line_starts_outside(text, quotes)
        ctx.genders = person_genders(doc, ctx.entities, ctx.in_quote)
        return ctx

    def token_at(self, char: int) -> int:
        """Index of the token containing (or starting after) a character offset."""
        return max(0, bisect_right(self.token_starts, char) - 1)

    def sentence_of(self, token_i: int) -> tuple[int, int]:
        k = bisect_right(self.sent_starts, token_i) - 1
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.doc)
        return self.sent_starts[k], end

    def paragraph_start(self, char: int) -> int:
        return self.paragraph_starts[bisect_right(self.paragraph_starts, char) - 1]

    def paragraph_bounds(self, char: int) -> tuple[int, int]:
        k = bisect_right(self.paragraph_starts, char)
        return self.paragraph_starts[k - 1], self.paragraph_starts[k] if k < len(self.paragraph_starts) else len(self.text)

    def lead(self, char: int) -> str:
        """The paragraph's text before ``char`` (its last LEAD_CHARS at most), right-stripped."""
        return self.text[max(self.paragraph_start(char), char - LEAD_CHARS) : char].rstrip()

    def in_quote(self, char: int) -> bool:
        return _inside(self.quotes, self.quote_starts, char)

    def entity_at(self, start: int, end: int) -> Entity | None:
        k = bisect_right(self.entity_starts, start) - 1
        if k >= 0 and self.entities[k].end > start and self.entities[k].start < end:
            return self.entities[k]
        return None


def _is_cue(t: Token) -> bool:
    if t.pos_ not in ("VERB", "AUX"):
        return False
    lemma = t.lemma_.lower()
    if lemma in REPORTING_VERBS:
        return True
    return any((lemma, c.lower_) in PHRASAL_CUES for c in t.children if c.dep_ in ("prt", "advmod"))


def _governing_cue(ctx: _Context, q: _Marked) -> Token | None:
    """The reporting verb the quoted words hang from in the parse."""
    doc = ctx.doc
    first, last = ctx.token_at(q.start), ctx.token_at(max(q.start, q.end - 1))
    para_lo, para_hi = ctx.paragraph_bounds(q.open_at)
    best: tuple[int, int, Token] | None = None
    for t in doc[first : last + 1]:
        if t.is_punct or t.is_space:
            continue  # punctuation hangs anywhere
        head, steps = t, 0
        while steps < MAX_HEAD_STEPS and head.head.i != head.i:
            head, steps = head.head, steps + 1
            if q.start <= head.idx < q.end:
                continue
            if not para_lo <= head.idx < para_hi or ctx.in_quote(head.idx):
                break  # the parse ran across a paragraph, or into other quoted words
            if _is_cue(head) or (head.lower_ == ACCORDING):
                rank = (steps, abs(head.i - t.i))
                if best is None or rank < best[:2]:
                    best = (*rank, head)
                break
        if best is not None and best[0] == 1:
            break
    return best[2] if best else None


def _is_cue_word(t: Token) -> bool:
    return _is_cue(t) or t.lower_ == ACCORDING


# How many words may name a text before its verb: "the Harbour Gazette editorial".
TEXT_NAME_TOKENS = 4


def _verb_read_as_noun(ctx: _Context, t: Token) -> bool:
    """"“…,” the editorial read.", "the letter states: “…”": a verb of a text the parse took for a
    noun, right after the words naming the text, which follow the quote or end with a colon before it."""
    if t.pos_ != "NOUN" or t.lemma_.lower() not in STATEMENT_VERBS or t.i == 0 or t.i + 1 >= len(t.doc):
        return False
    name = t.doc[t.i - 1]
    if name.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM") or name.head.i != t.i:
        return False
    return t.nbor().text == ":" or _right_after_quote(ctx, _start_of_words(ctx, name, t.i - TEXT_NAME_TOKENS))


def _start_of_words(ctx: _Context, t: Token, floor: int) -> Token:
    """The first of the words that end at ``t``, back to punctuation, a quote or token ``floor``."""
    while t.i > max(0, floor) and not (t.nbor(-1).is_punct or ctx.in_quote(t.nbor(-1).idx)):
        t = t.nbor(-1)
    return t


def _ends_sentence(t: Token) -> bool:
    return t.text in (".", "!", "?")


def _trailing_cue(ctx: _Context, q: _Marked) -> Token | None:
    """A reporting verb in the words right after the closing mark: “…,” she said / said Ana Ruiz."""
    doc = ctx.doc
    para_lo = ctx.paragraph_start(q.open_at)
    after = ctx.token_at(q.close_at) + 1
    sentence_done = ctx.text[q.start : q.end].rstrip()[-1:] in (".", "!", "?")
    reach = TRAILING_TOKENS if _starts_utterance(ctx, q) else NEAR_TOKENS
    for t in doc[after : min(len(doc), after + reach)]:
        if ctx.in_quote(t.idx) or ctx.paragraph_start(t.idx) != para_lo or _ends_sentence(t):
            return None
        if _is_cue_word(t) or _verb_read_as_noun(ctx, t):
            # After a finished sentence only “…” Ana Ruiz said / said Ana Ruiz, not a new clause.
            if sentence_done and not (_only_subject_between(ctx, after, t) and not _reports_more(ctx, t)):
                return None
            return t
    return None


# What may follow the verb that frames a quote: “…!” Ana Ruiz beamed. / beamed Ana Ruiz, 34, who …
_AFTER_FRAMING_VERB = frozenset(".,;!?")


def _verb_after_utterance(ctx: _Context, q: _Marked) -> Token | None:
    """Any verb that alone frames a whole utterance ending in a comma or a cry: “…!” beamed Ana Ruiz,
    “…,” an angry Ana Ruiz retaliated. It takes no words of its own, and only its subject stands
    between it and the closing mark."""
    if not _starts_utterance(ctx, q) or ctx.text[q.start : q.end].rstrip()[-1:] not in (",", "!", "?"):
        return None
    after = ctx.token_at(q.close_at) + 1
    line_end = ctx.paragraph_bounds(q.open_at)[1]
    for t in ctx.doc[after : min(len(ctx.doc), after + NEAR_TOKENS)]:
        if t.idx >= line_end or ctx.in_quote(t.idx) or _ends_sentence(t):
            return None
        if t.pos_ != "VERB":
            continue
        subject = _subject(ctx, t)
        inverted = subject is not None and subject.i > t.i and all(u.is_punct for u in ctx.doc[after : t.i])
        framed = inverted or (subject is not None and _only_subject_between(ctx, after, t))
        ends = t.i + 1 >= len(ctx.doc) or t.nbor().text in _AFTER_FRAMING_VERB or inverted
        if framed and ends and _is_speaker_like(ctx, subject):
            return t
        return None
    return None


def _is_speaker_like(ctx: _Context, t: Token) -> bool:
    return _is_speaker_entity(ctx, t) or _resolvable_pronoun(t) or t.pos_ in ("NOUN", "PROPN")


# Links by which a cue takes words of its own: "He added that …".
_OWN_WORDS_DEPS = frozenset("ccomp xcomp".split())
# Cues whose object is whom the words are for: "“…?” he asked reporters".
_ADDRESSING = frozenset("tell ask inform assure remind".split())


def _reports_more(ctx: _Context, cue: Token) -> bool:
    """Whether a cue after a finished quote takes words of its own (“…” She noted a rally on
    Saturday / He added: “…”), so it does not report the quote before it."""
    if cue.i + 1 < len(cue.doc) and cue.nbor().text == ":":
        return True
    for c in cue.children:
        if c.i < cue.i or ctx.in_quote(c.idx):
            continue
        if c.dep_ in _OWN_WORDS_DEPS:
            return True
        # An object of its own, unless the cue addresses someone or comes before its subject ("wrote a reader").
        own_object = c.dep_ == "dobj" and c.pos_ == "NOUN" and cue.lemma_.lower() not in _ADDRESSING
        if own_object and _subject(ctx, cue) is not None:
            return True
    return False


def _framing_cue(ctx: _Context, q: _Marked) -> Token | None:
    """“…,” she said, right after the closing mark and its comma: the cue of the whole sentence, even
    when the quoted words hang from another verb (He called it “a gamble,” she said)."""
    cue = _trailing_cue(ctx, q)
    if cue is None or cue.lemma_.lower() not in SAYING_VERBS or not ctx.text[q.start : q.end].rstrip().endswith(","):
        return None
    after = ctx.token_at(q.close_at) + 1
    subject = _subject(ctx, cue)
    named_after = subject is not None and after <= subject.i < cue.i
    # “…,” Tom said: “…”: the cue of the next quote.
    hands_on = cue.i + 1 < len(ctx.doc) and cue.nbor().text == ":"
    return cue if named_after and not hands_on and _only_subject_between(ctx, after, cue) else None


def _parenthetical_cue(ctx: _Context, q: _Marked) -> Token | None:
    """"CNN, Tom said, called it “a gamble”", "He believes, she said, that “…”": a verb of saying set
    off by commas inside the quote's sentence reports the whole sentence, whatever verb the quoted
    words hang from."""
    first = ctx.token_at(q.start)
    lo, hi = ctx.sentence_of(first)
    para_lo, para_hi = ctx.paragraph_bounds(q.open_at)
    for t in ctx.doc[lo:hi]:
        if t.dep_ != "parataxis" or t.lemma_.lower() not in SAYING_VERBS or not _is_cue(t):
            continue
        if not para_lo <= t.idx < para_hi or ctx.in_quote(t.idx) or _subject(ctx, t) is None:
            continue
        words = [u.i for u in t.subtree if not u.is_punct]
        left, right = min(words) - 1, max(words) + 1
        if left >= 0 and right < len(ctx.doc) and ctx.doc[left].text == "," and ctx.doc[right].text == ",":
            return t
    return None


def _according_in_sentence(ctx: _Context, cue: Token) -> Token | None:
    """“…,” she said, according to the pool report / According to the report, she said “…”: the
    report is the source the article cites."""
    lo, hi = ctx.sentence_of(cue.i)
    para_lo, para_hi = ctx.paragraph_bounds(cue.idx)
    for t in ctx.doc[lo:hi]:
        if t.lower_ == ACCORDING and para_lo <= t.idx < para_hi and not ctx.in_quote(t.idx):
            if _subject(ctx, t) is not None:
                return t
    return None


def _only_subject_between(ctx: _Context, after: int, cue: Token) -> bool:
    subject = _subject(ctx, cue)
    inside = set(range(subject.left_edge.i, subject.right_edge.i + 1)) if subject is not None else set()
    return all(t.is_punct or t.is_space or t.i in inside for t in ctx.doc[after : cue.i])


def _leading_cue(ctx: _Context, q: _Marked) -> Token | None:
    """A reporting verb just before the opening mark in the same sentence: Ana Ruiz said, “…”."""
    doc = ctx.doc
    para_lo = ctx.paragraph_start(q.open_at)
    before = ctx.token_at(q.open_at)
    for t in reversed(doc[max(0, before - NEAR_TOKENS) : before]):
        if t.idx < para_lo or ctx.in_quote(t.idx) or _ends_sentence(t):
            return None
        if _is_cue_word(t) or _statement_given(t, before):
            return t
    return None


def _statement_given(t: Token, mark: int) -> bool:
    """"Ana Ruiz issued a statement, “…”": a statement noun right before the comma or colon that
    opens the quote; its author is whoever issues it."""
    return t.lemma_.lower() in STATEMENT_NOUNS and t.pos_ == "NOUN" and t.i + 2 == mark and t.nbor().text in (",", ":")


def _lead_in_cue(ctx: _Context, q: _Marked, after_sentence: bool = False) -> Token | None:
    """For a quote that opens its paragraph or follows a colon (or, with ``after_sentence``, that
    follows a finished sentence in its paragraph): the last reporting verb of the sentence before."""
    para_lo = ctx.paragraph_start(q.open_at)
    lead = ctx.lead(q.open_at)
    ends_sentence = after_sentence and lead.endswith((".", "!", "?")) and _starts_utterance(ctx, q)
    if lead and not (lead.endswith(":") or ends_sentence):
        return None
    mark = ctx.token_at(q.open_at)
    before = mark - 1 if lead else ctx.token_at(max(0, _run_start(ctx, para_lo) - 1))
    while before >= 0 and ctx.doc[before].is_space:
        before -= 1
    if before < 0:
        return None
    lo, _ = ctx.sentence_of(before)
    for t in reversed(ctx.doc[max(lo, before - LEAD_IN_TOKENS) : before + 1]):
        if ctx.in_quote(t.idx) or (t.idx < para_lo and lead):
            break
        if _is_cue_word(t) or _verb_read_as_noun(ctx, t):
            return t
    return None


# How many paragraphs back a run of quoted paragraphs is followed to the words that introduce it.
MAX_RUN_PARAGRAPHS = 8


def _run_start(ctx: _Context, para_lo: int) -> int:
    """The start of a run of paragraphs that open with a quote mark left unpaired (a long quote whose
    marks the pairing could not match), ending at the paragraph at ``para_lo``: its introduction
    ("Ana Ruiz stated:") comes before the run."""
    k = bisect_right(ctx.paragraph_starts, para_lo) - 1
    for _ in range(MAX_RUN_PARAGRAPHS):
        if k == 0:
            break
        start = ctx.paragraph_starts[k - 1]
        if not _DOUBLE_MARKS.match(ctx.text, start) or ctx.in_quote(start):
            break
        k -= 1
    return ctx.paragraph_starts[k]


# ---------------------------------------------------------------- speakers


def _subject(ctx: _Context, cue: Token) -> Token | None:
    if cue.lower_ == ACCORDING:
        for prep in cue.children:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return obj
        return None
    agent = _passive_agent(ctx, cue)
    if agent is not None:
        return agent
    verb = cue
    para_lo, para_hi = ctx.paragraph_bounds(cue.idx)
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and para_lo <= c.idx < para_hi]
        # Its last character: a closing mark glued to the name (“…,”Ana Ruiz said) starts the token.
        subjects = [c for c in subjects if not ctx.in_quote(c.idx + len(c) - 1)]
        if subjects:
            # The nearest: "Washington (AFP) – Ana Ruiz has taken …" may parse with two subjects.
            return min(subjects, key=lambda c: abs(c.i - verb.i))
        if _shares_head_subject(verb) and para_lo <= verb.head.idx < para_hi:
            verb = verb.head
        elif verb.dep_ == "relcl":
            return verb.head
        elif _subject_parsed_as_head(verb) and para_lo <= verb.head.idx:
            return verb.head  # “…!” the nominee, Ana Ruiz, tweeted: parsed as the noun's modifier
        else:
            break
    return None


def _shares_head_subject(verb: Token) -> bool:
    """A verb whose subject is its head's: a conjunct or clause, or a verb the parse could not
    place under another ("…, then leaned in and boomed: “…”")."""
    return verb.dep_ in ("conj", "advcl", "xcomp") or (verb.dep_ == "dep" and verb.head.pos_ == "VERB")


def _subject_parsed_as_head(verb: Token) -> bool:
    """A past-tense verb the parse hung as a modifier from the sentence's noun before it (tagged as
    a participle too, but with no agent of its own: not "the plan proposed by Ana Ruiz")."""
    if verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children):
        return False
    if verb.dep_ != "acl" or verb.tag_ not in ("VBD", "VBN") or verb.head.i > verb.i:
        return False
    # or from the subject of the main verb, when it takes an object: "Ana Ruiz, on the radio,
    # called Tom Baker a “blowhard” and said …"
    acts = verb.head.dep_ == "nsubj" and any(c.dep_ in ("dobj", "oprd") for c in verb.children)
    return verb.head.dep_ == "ROOT" or acts


def _passive_agent(ctx: _Context, cue: Token) -> Token | None:
    """"Ana Ruiz was asked by Tom Baker whether …": the one who asks is Tom Baker."""
    links = [c for c in cue.children if c.dep_ == "agent"]
    if cue.tag_ == "VBN":
        links += _by_after_name(cue)
    return _object_of(ctx, links)


def _object_of(ctx: _Context, links: list[Token]) -> Token | None:
    """The first object, outside quotes, of prepositions such as "by": who is meant."""
    return next((o for link in links for o in link.children if o.dep_ == "pobj" and not ctx.in_quote(o.idx)), None)


def _by_after_name(cue: Token) -> list[Token]:
    """"The plan has been called “a trap” by Tom Baker", "labeled as a “witch hunt” by Democrats":
    the parse hangs the agent of a passive cue from the name it gives."""
    names = [c for c in cue.children if c.dep_ == "oprd"]
    names += [o for c in cue.children if c.dep_ == "prep" and c.lower_ == "as" for o in c.children if o.dep_ == "pobj"]
    return [p for n in names for p in n.children if p.dep_ == "prep" and p.lower_ == "by"]


# What the parse sometimes takes for a subject: "Saturday at the convention Ana Ruiz said",
# "LONDON (Reuters) - Ana Ruiz said", "Of the plan, Ana Ruiz said".
_CIRCUMSTANCE_LABELS = frozenset("DATE TIME CARDINAL ORDINAL QUANTITY MONEY PERCENT".split())


def _is_circumstance(ctx: _Context, t: Token) -> bool:
    if t.pos_ in ("ADP", "PUNCT", "SCONJ"):
        return True
    entity = ctx.entity_at(t.idx, t.idx + len(t))
    if entity is None:
        return False
    dateline = entity.label == "GPE" and entity.text.isupper() and len(entity.text) > 3
    return entity.label in _CIRCUMSTANCE_LABELS or dateline


_PLACE_LABELS = frozenset("GPE LOC FAC".split())


def _is_place_or_time(ctx: _Context, t: Token) -> bool:
    entity = ctx.entity_at(t.idx, t.idx + len(t))
    return entity is not None and (entity.label in _PLACE_LABELS or entity.label in _CIRCUMSTANCE_LABELS)


_OBJECT_DEPS = frozenset("dobj pobj dative iobj".split())


def _person_between(ctx: _Context, head: Token, cue: Token) -> Token | None:
    """"LONDON (Reuters) - Ana Ruiz said", "Speaking in Salem, Oregon, Ana Ruiz went on, calling …":
    a person named between a place or time the parse took for the subject and the cue speaks."""
    for t in reversed(ctx.doc[head.i + 1 : cue.i]):
        if ctx.in_quote(t.idx) or _ends_sentence(t):
            return None
        entity = ctx.entity_at(t.idx, t.idx + len(t))
        if entity is not None and entity.label == "PERSON" and t.dep_ not in _OBJECT_DEPS:
            return t  # not "Trump went after Bush, calling him …"
    return None


def _publisher(ctx: _Context, relative: Token) -> Token | None:
    """"Ana Ruiz released an ad that urges voters to “…”": a thing that speaks on someone's behalf
    (an ad, a resolution, a sign) speaks for whoever does something with it."""
    if relative.lower_ not in ("that", "which") or relative.head.dep_ != "relcl":
        return None
    thing = relative.head.head
    if thing.dep_ not in ("dobj", "pobj") or ctx.entity_at(thing.idx, thing.idx + len(thing)) is not None:
        return None
    node = thing
    for _ in range(3):  # up from the thing to the verb it is an object of
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            subject = _subject(ctx, node)
            return subject if subject is not None and subject.lower_ not in RELATIVE_PRONOUNS else None
    return None


def _statement_author(noun: Token) -> Token | None:
    """"a statement from X", "X's statement": X."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
            for obj in c.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


# Verbs by which someone only came by a text: "audio obtained by the Gazette" is not the Gazette's.
_OBTAINING = frozenset("obtain receive acquire review see".split())


def _made_by(ctx: _Context, thing: Token) -> Token | None:
    """"according to calculations by Ana Ruiz", "an email sent out by Ana Ruiz warned": who made
    the text or the figures speaks through them."""
    made = [c for c in thing.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() not in _OBTAINING]
    links = [c for c in thing.children if c.dep_ == "prep" and c.lower_ == "by"]
    links += [a for c in made for a in c.children if a.dep_ == "agent"]
    return _object_of(ctx, links)


def _named_apposition(ctx: _Context, head: Token) -> Token | None:
    """"The council chair, Tom Baker, said": the named apposition."""
    for c in head.children:
        if c.dep_ == "appos" and ctx.entity_at(c.idx, c.idx + len(c)) is not None:
            return c
    return None


def _phrase_span(ctx: _Context, head: Token) -> tuple[int, int]:
    entity = ctx.entity_at(head.idx, head.idx + len(head))
    if entity is not None:
        return entity.start, entity.end
    start = head.idx
    for t in reversed(ctx.doc[head.left_edge.i : head.i]):
        if ctx.in_quote(t.idx) or t.is_punct or t.is_space:
            break
        start = t.idx
    return start, head.idx + len(head)


def _resolve(ctx: _Context, head: Token, span: tuple[int, int]) -> str | None:
    entity = ctx.entity_at(head.idx, head.idx + len(head)) or ctx.entity_at(*span)
    if entity is not None and entity.label in SPEAKER_LABELS:
        return entity.canonical
    word = head.lower_
    if word in RELATIVE_PRONOUNS and head.head.dep_ == "relcl" and head.head.head.i != head.i:
        antecedent = head.head.head  # "Ana Ruiz, who said …": who is Ana Ruiz
        while antecedent.dep_ == "appos" and antecedent.head.i < antecedent.i:
            antecedent = antecedent.head  # "Ana Ruiz, the mayor, who said …"
        return _resolve(ctx, antecedent, _phrase_span(ctx, antecedent))
    if word in MALE_PRONOUNS or word in FEMALE_PRONOUNS:
        return _person_before(ctx, span[0], "m" if word in MALE_PRONOUNS else "f")
    if head.pos_ == "PRON":
        return None
    return _titled_person(ctx, head, span[0]) or ctx.text[span[0] : span[1]]




def _titled_person(ctx: _Context, head: Token, before: int) -> str | None:
    """"The senator said": the nearest person before ``before`` to whom the article gives that
    title, in front of the name ("Sen. Ana Ruiz") or in an apposition ("Ana Ruiz, the senator,")."""
    lemma = head.lemma_.lower()
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)
    if head.tag_ != "NN" or not definite or (lemma not in TITLES and lemma not in PERSON_NOUNS):
        return None  # not "the leaders"
    forms = {lemma, *TITLE_SHORT_FORMS.get(lemma, ())}
    # "the vice president" is not the president.
    also = {c.lower_ for c in head.children if c.dep_ in ("amod", "compound") and c.lower_ in TITLES} - LOOSE_TITLES
    k = bisect_left(ctx.entity_starts, before) - 1
    while k >= 0 and ctx.entities[k].start > before - PRONOUN_REACH:
        e = ctx.entities[k]
        if e.label == "PERSON" and not ctx.in_quote(e.start):
            words = title_words(ctx.text, e)
            if forms & words and also <= words:
                return e.canonical
        k -= 1
    return None


def _person_before(ctx: _Context, char: int, gender: str) -> str | None:
    """The nearest person before ``char``, outside quotes and of no clashing known gender, who is
    the subject of a clause; else the nearest such person at all."""
    nearest = None
    k = bisect_left(ctx.entity_starts, char) - 1
    while k >= 0 and ctx.entities[k].start > char - PRONOUN_REACH:
        e = ctx.entities[k]
        if _may_be(ctx, e, gender):
            name = ctx.doc[ctx.token_at(e.end - 1)]
            if name.dep_ in ("nsubj", "nsubjpass"):
                return _main_speaker_before(ctx, name, gender, k) or e.canonical
            nearest = nearest or e.canonical
        k -= 1
    return nearest


def _may_be(ctx: _Context, e: Entity, gender: str) -> bool:
    return e.label == "PERSON" and not ctx.in_quote(e.start) and ctx.genders.get(e.canonical, gender) == gender


def _speaks_in_main_clause(name: Token) -> bool:
    return name.head.dep_ == "ROOT" or _is_cue(name.head)


def _main_speaker_before(ctx: _Context, name: Token, gender: str, k: int) -> str | None:
    """"Reid said that Sanders has energized voters. He added …": a pronoun goes to whoever speaks in
    the sentence's main clause rather than to the subject of the clause they report."""
    if _speaks_in_main_clause(name):
        return None
    lo = max(ctx.doc[ctx.sentence_of(name.i)[0]].idx, name.idx - LEAD_CHARS)
    while k > 0 and ctx.entities[k - 1].start >= lo:
        k -= 1
        e = ctx.entities[k]
        if _may_be(ctx, e, gender):
            other = ctx.doc[ctx.token_at(e.end - 1)]
            if other.dep_ in ("nsubj", "nsubjpass") and _speaks_in_main_clause(other):
                return e.canonical
    return None


# Links a participle or clause of saying hangs from: "by saying", "a statement saying", "…, adding",
# "sent a message to supporters saying".
_CLIMB_DEPS = frozenset("pcomp prep acl advcl conj xcomp pobj dobj dative".split())
# How far (in tokens) around a subjectless cue a named speaker may stand.
SPEAKER_REACH = 12
# How far (in tokens) before a subjectless cue its speaker may be named.
NAME_REACH = 40


def _subject_beyond_parse(ctx: _Context, cue: Token) -> Token | None:
    """The speaker of a cue the parse gave no subject: the subject of the clause a participle
    hangs from, the name right after an inverted cue, or the nearest name before it."""
    if cue.lower_ == ACCORDING:
        return None
    if _verb_read_as_noun(ctx, cue):
        return cue.doc[cue.i - 1]  # the text's name: "the editorial" read
    return (
        _clause_before_subject(ctx, cue)
        or _climbed_subject(ctx, cue)
        or _name_after(ctx, cue)
        or _person_named_after(ctx, cue)
        or _main_subject_of_participle(ctx, cue)
        or _subject_of_sentence_before(ctx, cue)
        or _named_between_quote_and_cue(ctx, cue)
        or _name_before(ctx, cue)
    )


def _main_subject_of_participle(ctx: _Context, cue: Token) -> Token | None:
    """"She pushed back, saying he has been a pioneer in promoting women and calling him “…”", "He
    called it “shameful” and called on …": a participle or second verb the parse hung deep inside
    another clause, or from a word, still goes with the sentence's main subject."""
    root = _sentence_root(ctx, cue.i)
    if (cue.tag_ != "VBG" and cue.dep_ != "conj") or root.i > cue.i:
        return None
    return _someone_subject(ctx, root)


def _subject_of_sentence_before(ctx: _Context, cue: Token) -> Token | None:
    """"Ana Ruiz called the report “weak.” Adding, “…”": a participle opening its sentence goes on
    with the subject of the sentence before, in the same paragraph."""
    lo, _ = ctx.sentence_of(cue.i)
    if cue.tag_ != "VBG" or lo == 0 or lo != cue.i:
        return None
    root = _sentence_root(ctx, lo - 1)
    return _someone_subject(ctx, root) if root.idx >= ctx.paragraph_start(cue.idx) else None


def _sentence_root(ctx: _Context, token_i: int) -> Token:
    return ctx.doc[slice(*ctx.sentence_of(token_i))].root


def _someone_subject(ctx: _Context, verb: Token) -> Token | None:
    """The subject of a verb, when it may be someone who speaks."""
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    subject = _subject(ctx, verb)
    return subject if subject is not None and _is_speaker_like(ctx, subject) else None


def _named_between_quote_and_cue(ctx: _Context, cue: Token) -> Token | None:
    """"“…,” an intelligence source, who …, told Fox News", "“…,” a voice over says": the parse may
    hang the speaker between the closing mark and the cue inside the quoted clause."""
    lo, floor = cue.i, max(ctx.sentence_of(cue.i)[0], cue.i - NAME_REACH)
    while lo > floor and not ctx.in_quote(ctx.doc[lo - 1].idx):
        lo -= 1
    if cue.pos_ != "VERB" or lo == floor or lo == cue.i:
        return None
    words = [t for t in ctx.doc[lo : cue.i] if not t.is_punct]
    if not words or not _right_after_quote(ctx, words[0]):
        return None
    for t in words:
        if t.pos_ in ("NOUN", "PROPN", "PRON"):
            while t.dep_ in ("compound", "amod") and lo <= t.head.i < cue.i:
                t = t.head
            return t if _is_speaker_like(ctx, t) and not _is_circumstance(ctx, t) else None
        if t.pos_ not in ("DET", "ADJ", "NUM"):
            return None
    return None


def _clause_before_subject(ctx: _Context, cue: Token) -> Token | None:
    """"Ana Ruiz, who sits on the board, said …": the parse may read the speaker and the clause
    about her as a complement of the cue; the first subject of that clause speaks."""
    lo, _ = ctx.paragraph_bounds(cue.idx)
    for clause in cue.children:
        if clause.dep_ != "ccomp" or clause.i > cue.i or clause.left_edge.idx < lo:
            continue
        if any(ctx.in_quote(t.idx) for t in clause.subtree):
            continue  # the clause is the reported words: “We will win,” she said
        subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
            continue
        # The speaker is named or a person's pronoun, or set off by commas ("One attendee, who …").
        set_off = subject.i + 1 < len(ctx.doc) and ctx.doc[subject.i + 1].text == ","
        if set_off or _is_speaker_entity(ctx, subject) or _resolvable_pronoun(subject):
            return subject
    return None


def _climbed_subject(ctx: _Context, cue: Token) -> Token | None:
    node = cue
    para_lo, para_hi = ctx.paragraph_bounds(cue.idx)
    for _ in range(MAX_HEAD_STEPS):
        # Quoted words that a participle hangs from (“…,” citing …) are reported: up to who reports them.
        quoted = node.dep_ == "ccomp" and ctx.in_quote(node.idx)
        if (node.dep_ not in _CLIMB_DEPS and not quoted) or not para_lo <= node.head.idx < para_hi:
            return None
        if node.dep_ == "acl" and node.head.i == node.i - 1 and node.head.dep_ in ("nsubj", "nsubjpass"):
            return node.head  # "Multiple outlets reported …": a subject parsed as a noun's modifier
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            found = _subject(ctx, node)
            if found is not None:
                return found
        elif node.dep_ == "ROOT" and node.pos_ in ("NOUN", "PROPN") and node.i < cue.i:
            return node  # "Ana Ruiz defended the plan, calling it …" parsed with the name as the root
    return None


def _is_speaker_entity(ctx: _Context, t: Token) -> bool:
    entity = ctx.entity_at(t.idx, t.idx + len(t))
    return entity is not None and entity.label in SPEAKER_LABELS and not ctx.in_quote(t.idx)


# Words that stand for one of a group just mentioned: "One sign read “…”, “…,” read another".
_ONE_OF_THEM = frozenset("one another".split())


def _name_after(ctx: _Context, cue: Token) -> Token | None:
    """“…,” said Ana Ruiz / tweeted spokesman Ana Ruiz: a name right after a cue that follows a
    quote or opens its sentence ("Continued Ana Ruiz: “…”")."""
    if cue.tag_ == "VBG" or not (_right_after_quote(ctx, cue) or _opens_sentence(ctx, cue)):
        return None  # not “New York values,” saying the city embodied …
    for t in ctx.doc[cue.i + 1 : min(len(ctx.doc), cue.i + SPEAKER_REACH)]:
        if _ends_sentence(t) or ctx.in_quote(t.idx):
            return None
        if t.lower_ in _ONE_OF_THEM and t.head.pos_ not in ("NOUN", "PROPN"):
            return t  # “…,” read one / tweeted another, not "another council member"
        if t.pos_ in ("NOUN", "PROPN") and not _is_circumstance(ctx, t):
            while t.dep_ in ("compound", "amod", "nmod", "poss") and t.head.i > t.i:
                t = t.head  # "tweeted Rubio spokesman Ana Ruiz": the phrase's head
            return t
    return None


def _person_named_after(ctx: _Context, cue: Token) -> Token | None:
    """"The rejection of the treaty signals “…”, said Ana Ruiz, …": a person named right after an
    inverted cue set off by a comma speaks, whatever thing the parse took for its subject."""
    if cue.i + 1 >= len(ctx.doc) or cue.i == 0 or ctx.doc[cue.i - 1].text != ",":
        return None
    after = ctx.doc[cue.i + 1]
    entity = ctx.entity_at(after.idx, after.idx + len(after))
    if entity is None or entity.label != "PERSON" or ctx.in_quote(after.idx):
        return None
    name = ctx.doc[ctx.token_at(entity.end - 1)]
    set_off = name.i + 1 < len(ctx.doc) and ctx.doc[name.i + 1].text == ","  # "said Ana Ruiz, an expert, …"
    reported = name.dep_ in ("nsubj", "nsubjpass") and name.head.i != cue.i and not set_off
    return None if reported else name  # not "Ana's lawyer, Tom Baker, said Ruiz was “…”"


def _opens_sentence(ctx: _Context, t: Token) -> bool:
    before = ctx.text[ctx.paragraph_start(t.idx) : t.idx].rstrip()
    return not before or before[-1] in ".!?"


def _right_after_quote(ctx: _Context, cue: Token) -> bool:
    """Whether only a comma (and spaces within the line) stands between a cue and the closing mark before it."""
    for t in reversed(ctx.doc[max(0, cue.i - 3) : cue.i]):
        if ctx.in_quote(t.idx):
            return True
        if t.text != "," and not (t.is_space and "\n" not in t.text):
            return False
    return False


def _name_before(ctx: _Context, cue: Token) -> Token | None:
    """Ana Ruiz, the mayor of Kentucky's capital, said …: the first person named before a cue in its
    sentence, else the nearest organisation or group; names inside quotes do not count."""
    lo, _ = ctx.sentence_of(cue.i)
    people, others = [], []
    for t in reversed(ctx.doc[max(lo, cue.i - NAME_REACH) : cue.i]):
        if ctx.in_quote(t.idx):
            continue
        entity = ctx.entity_at(t.idx, t.idx + len(t))
        if (entity is not None and entity.label == "PERSON") or _name_read_as_a_word(ctx, t, cue):
            people.append(t)
        elif entity is not None and entity.label in SPEAKER_LABELS:
            others.append(t)
    return people[-1] if people else (others[0] if others else None)


def _name_read_as_a_word(ctx: _Context, t: Token, cue: Token) -> bool:
    """A child of the cue that is a name the parse did not know: a proper noun, or a capitalised
    word right before the cue, mid-sentence, read as an adverb or auxiliary ("Early described it",
    "“…,” Will wrote")."""
    if t.head.i != cue.i:
        return False
    if t.pos_ == "PROPN":
        return True
    mid_sentence = not t.is_sent_start and not _opens_sentence(ctx, t)
    return t.i == cue.i - 1 and t.pos_ in ("ADV", "AUX") and t.text[:1].isupper() and mid_sentence


@dataclass(slots=True)
class _Attribution:
    speaker: str | None
    speaker_span: tuple[int, int] | None
    cue: Token | None
    guessed: bool = False  # the speaker comes from the sentence's clause or the one before, not a cue of its own


def _spoken_by(ctx: _Context, head: Token, cue: Token | None = None, guessed: bool = False) -> _Attribution:
    """The attribution to the phrase ``head`` heads, resolved to a name."""
    span = _phrase_span(ctx, head)
    return _Attribution(_resolve(ctx, head, span), span, cue, guessed)


# Links from a reported clause up to the verb that reports it: "she said she believes “…”".
_REPORTED_DEPS = frozenset("ccomp xcomp relcl conj advcl acomp dobj pobj prep pcomp".split())
# How many heads up a cue is read for a verb of saying that reports it.
MAX_REPORT_STEPS = 4


# Conjunctions that set a clause apart from what the main verb reports: "Ana said …, though she added “…”".
_ASIDE_MARKS = frozenset("while though although after whereas before once".split())


def _set_apart(clause: Token) -> bool:
    """A clause with its own speaker rather than reported words: "…, though she said “…”",
    "whom she described as “…”", "to which Ana Ruiz replied “…”", "Ana said …, and Tom cut in"."""
    if clause.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in _ASIDE_MARKS for c in clause.children)
    if clause.dep_ in ("relcl", "conj"):
        subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return subject is not None and subject.lower_ not in RELATIVE_PRONOUNS
    return False


def _outer_cue(ctx: _Context, cue: Token) -> Token:
    """The verb of saying whose reported words hold ``cue``: he said he wants a platform that calls for “…”."""
    node = cue
    para_lo, para_hi = ctx.paragraph_bounds(cue.idx)
    for _ in range(MAX_REPORT_STEPS):
        head = node.head
        if node.dep_ not in _REPORTED_DEPS or not para_lo <= head.idx < para_hi or ctx.in_quote(head.idx):
            break
        if _set_apart(node) or _quote_between(ctx, head, node):
            break
        node = head
        if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() in SAYING_VERBS:
            return node
        if _is_cue(node) and _speaks_for_nobody(ctx, cue):
            return node  # she warned that the turmoil underscores a need for “…”
    return cue


def _quote_between(ctx: _Context, head: Token, node: Token) -> bool:
    """Whether a cue frames a quote that follows the verb it seems to report: in "Ana said: “…,”
    the Times reported", the Times report Ana's words, not the other way round."""
    if head.i > node.i:
        return False
    subject = _subject(ctx, node)
    return subject is not None and head.i < subject.i < node.i and _right_after_quote(ctx, subject.left_edge)


def _speaks_for_nobody(ctx: _Context, cue: Token) -> bool:
    """Whether a cue's subject is a thing, not someone."""
    subject = _subject(ctx, cue)
    return subject is not None and _is_thing(ctx, subject)


def _is_thing(ctx: _Context, t: Token) -> bool:
    """A common noun that names no one and no text."""
    return (
        t.pos_ == "NOUN"
        and ctx.entity_at(t.idx, t.idx + len(t)) is None
        and t.lemma_.lower() not in STATEMENT_NOUNS | PERSON_NOUNS
    )


def _is_share(ctx: _Context, t: Token) -> bool:
    """"31 percent", "Some 55 percent of voters", "a majority": a share of those asked."""
    entity = ctx.entity_at(t.idx, t.idx + len(t))
    return (entity is not None and entity.label in ("PERCENT", "CARDINAL")) or t.lemma_.lower() in SHARE_NOUNS


def _poll_in_sentence(ctx: _Context, cue: Token) -> Token | None:
    """"In a poll released Monday, 31 percent said …": what a share of those asked say is the poll's finding."""
    lo, hi = ctx.sentence_of(cue.i)
    for t in ctx.doc[lo:hi]:
        if t.lemma_.lower() in POLL_NOUNS and t.dep_ == "pobj" and not ctx.in_quote(t.idx):
            return t
    return None


def _attribute(ctx: _Context, cue: Token) -> _Attribution:
    cue = _outer_cue(ctx, cue)
    cue = _according_in_sentence(ctx, cue) or cue
    head = _subject(ctx, cue)
    if head is not None and _is_share(ctx, head):
        head = _poll_in_sentence(ctx, cue) or head
    if head is None or _is_circumstance(ctx, head):
        head = _subject_beyond_parse(ctx, cue) or head
    if head is None:
        return _Attribution(None, None, cue)
    if _is_thing(ctx, head) and head.i < cue.i and cue.lemma_.lower() in SAYING_VERBS:
        head = _person_named_after(ctx, cue) or head
    if _is_place_or_time(ctx, head):
        head = _person_between(ctx, head, cue) or head
    head = _publisher(ctx, head) or head
    if head.lemma_.lower() in STATEMENT_NOUNS and cue.lemma_.lower() in STATEMENT_VERBS:
        head = _statement_author(head) or head
    if _is_thing(ctx, head) or head.lemma_.lower() in STATEMENT_NOUNS:
        head = _made_by(ctx, head) or head
    if ctx.entity_at(head.idx, head.idx + len(head)) is None:
        head = _named_apposition(ctx, head) or head
    return _spoken_by(ctx, head, cue)


# ---------------------------------------------------------------- quotes


def _starts_utterance(ctx: _Context, q: _Marked) -> bool:
    """Whether the quoted words begin a sentence of their own (capital, after a break, comma or colon)."""
    lead = ctx.lead(q.open_at)
    return ctx.text[q.start : q.start + 1].isupper() and (not lead or lead[-1] in ",:.!?\"”")


def _is_partial(ctx: _Context, q: _Marked, cue: Token | None) -> bool:
    """A fragment woven into the sentence rather than a whole utterance."""
    lead = ctx.lead(q.open_at)
    if not lead or lead[-1] in ":.!?\"”":
        return False
    if not ctx.text[q.start : q.start + 1].isupper():
        return True
    cue_just_before = cue is not None and lead.endswith(cue.text) and cue.idx < q.open_at
    return not (lead[-1] == "," or cue_just_before)


def _continues(ctx: _Context, prev: _Marked | None, q: _Marked) -> bool:
    """Whether ``q`` resumes ``prev`` after its cue: “We will,” she said, “win.”"""
    if prev is None or ctx.paragraph_start(prev.open_at) != ctx.paragraph_start(q.open_at):
        return False
    if q.open_at - prev.close_at > 120:
        return False
    text = ctx.text
    between = text[prev.close_at + 1 : q.open_at].strip()
    broken_off = text[prev.start : prev.end].rstrip().endswith(",") or between.startswith(",")
    # “…,” Ana Ruiz said. But she added, “…”: a new sentence brings its own cue.
    if not broken_off or _has_sentence_end(between) or not between.endswith((",", ":")):
        return False
    return not _new_cue_between(ctx, prev, q)


def _new_cue_between(ctx: _Context, prev: _Marked, q: _Marked) -> bool:
    """“…,” Ana said on Monday, though Tom said, “…”: a cue with its subject right before the quote,
    after the previous quote's own cue, speaks anew."""
    cues = [t for t in ctx.doc[ctx.token_at(prev.close_at) + 1 : ctx.token_at(q.open_at)] if _is_cue(t)]
    return len(cues) > 1 and any(c.dep_ in ("nsubj", "nsubjpass") and c.i > cues[0].i for c in cues[-1].children)


_SENTENCE_END = re.compile(r"(\w+)[.!?]\s+[A-Z]")


def _has_sentence_end(words: str) -> bool:
    """Whether a full stop ends a sentence within ``words``, not an initial or a title ("Ms. Ruiz")."""
    return any(len(m.group(1)) > 1 and m.group(1).lower() not in TITLES for m in _SENTENCE_END.finditer(words))


def _quote_text(text: str, q: _Marked) -> str:
    return " ".join(text[s:e] for s, e in q.pieces)


def find_quotes(doc: Doc, entities: list[Entity]) -> list[Quote]:
    text = doc_text(doc)
    stretches = quoted_stretches(text)
    if not stretches:
        return []
    ctx = _Context.of(doc, text, entities, stretches)
    quotes: list[Quote] = []
    previous: tuple[_Marked, _Attribution, bool] | None = None
    for q in stretches:
        if not text[q.start : q.end].strip() or _is_markup_or_title(text, q):
            continue
        signed_inside = _signed_inside(ctx, q)
        if signed_inside is not None:
            (q, who), partial = signed_inside, False
        elif previous is not None and previous[1].speaker_span is not None and _continues(ctx, previous[0], q):
            _, who, partial = previous
        else:
            who, partial = _attribution_of(ctx, q, previous)
            unattributed = who.guessed or (who.cue is None and who.speaker_span is None)
            if unattributed and not _looks_like_speech(text[q.start : q.end]):
                continue
        previous = (q, who, partial)
        quotes.append(_record(text, q, who, partial))
    return quotes


def _attribution_of(
    ctx: _Context, q: _Marked, previous: tuple[_Marked, _Attribution, bool] | None
) -> tuple[_Attribution, bool]:
    """Who said ``q`` and whether it is a fragment; a bare quote paragraph goes to the speaker before."""
    headed = _headed(ctx, q, previous)
    signed = _signature(ctx, q, headed is not None)
    if signed is not None:
        return signed, False
    labelled = _dash_label(ctx, q)
    if labelled is not None:
        return labelled, False
    cue = (
        _framing_cue(ctx, q)
        or _parenthetical_cue(ctx, q)
        or _governing_cue(ctx, q)
        or _trailing_cue(ctx, q)
        or _verb_after_utterance(ctx, q)
        or _leading_cue(ctx, q)
        or _lead_in_cue(ctx, q)
        or _according_in_sentence(ctx, ctx.doc[ctx.token_at(q.start)])  # "According to Ana, it ''is …''"
    )
    partial = _is_partial(ctx, q, cue)
    if cue is not None:
        return _attribute(ctx, cue), partial
    named = headed or _named_before_colon(ctx, q) or _after_dash(ctx, q)
    if named is not None:
        return named, partial
    clause = _clause_above(ctx, q)
    if clause and _is_cue_word(clause[-1]):
        return _attribute(ctx, clause[-1]), partial
    aside = _as_cue(ctx, clause)
    if aside is not None:
        return _attribute(ctx, aside), partial
    cue = _lead_in_cue(ctx, q, after_sentence=True)
    same = previous is not None and _same_remarks(ctx, previous[0], q)
    if same and (cue is None or not _hands_over(ctx, cue, previous[0])):
        return _subject_of_new_sentence(ctx, q, previous[0], clause) or previous[1], partial
    if cue is not None:
        return _attribute(ctx, cue), partial
    owner = _statement_owner(ctx, q)
    if owner is not None:
        return owner, partial
    who = _clause_subject(ctx, clause)
    who = who if who.speaker_span else _introducer(ctx, q)
    if who.speaker_span is None or _names_a_thing(ctx, who):
        cue = _said_in_sentence_before(ctx, q)
        if cue is not None:
            return replace(_attribute(ctx, cue), guessed=True), partial  # a cue outside the quote's sentence
    return who, partial


def _subject_of_new_sentence(ctx: _Context, q: _Marked, prev: _Marked, clause: list[Token]) -> _Attribution | None:
    """"Ana credited the win to “…”. She urged the party to “…”": a fragment woven into a new
    sentence goes to that sentence's subject, when it is someone, rather than to the quote before."""
    prev_ends = ctx.text[prev.start : prev.end].rstrip()[-1:] in (".", "!", "?")
    if _starts_utterance(ctx, q) or not (prev_ends or _has_sentence_end(ctx.text[prev.close_at + 1 : q.open_at])):
        return None
    who = _clause_subject(ctx, clause)
    if who.speaker_span is None or _names_a_thing(ctx, who):
        return None
    if ctx.text[who.speaker_span[0] : who.speaker_span[1]].lower() in RELATIVE_PRONOUNS:
        return None  # "That was …"
    return replace(who, guessed=False)  # kept as the quote before was


def _names_a_thing(ctx: _Context, who: _Attribution) -> bool:
    """Whether a guessed speaker is a thing rather than someone: "Good information can still …"."""
    head = ctx.doc[ctx.token_at(who.speaker_span[1] - 1)]
    return _is_thing(ctx, head)


def _said_in_sentence_before(ctx: _Context, q: _Marked) -> Token | None:
    """"This makes it harder to correct errors, he said. Good facts win only when “…”": a quote with no
    cue of its own in a sentence right after one that a verb of saying reports goes on with its speaker."""
    lo, _ = ctx.sentence_of(ctx.token_at(q.start))
    para_lo = ctx.paragraph_start(q.open_at)
    if lo == 0 or ctx.doc[lo].idx < para_lo:
        return None
    before_lo, _ = ctx.sentence_of(lo - 1)
    for t in ctx.doc[max(before_lo, ctx.token_at(para_lo)) : lo]:
        main = t.dep_ in ("ROOT", "parataxis")
        if main and t.lemma_.lower() in SAYING_VERBS and _is_cue(t) and not ctx.in_quote(t.idx):
            return t
    return None


_SIGNATURE_DASH = re.compile(rf"[ \t]*{DASH_CLASS}+[ \t]*")
# Marks and stops that may follow the closing mark of a signed quote.
_AFTER_SIGNED = " \t\n.,'\"”»"
# How long a signature may be: "— Ana Ruiz, 34, a retired teacher from Salem, Oregon".
MAX_SIGNATURE_WORDS = 16


def _signature(ctx: _Context, q: _Marked, headed: bool) -> _Attribution | None:
    """A quote that fills its paragraph, signed after a dash on the same line or the next
    (“…” / "— Ana Ruiz, the mayor."), or without a dash by words that only name someone, on the
    same line or the next (“…” / "Ana Ruiz, 34, Salem, Oregon"), unless a names line heads the
    quote: then the names line under it heads the next quote. Letters, vox pops, pull quotes."""
    if ctx.lead(q.open_at):
        return None
    para_hi = ctx.paragraph_bounds(q.open_at)[1]
    after = q.close_at + (2 if ctx.text.startswith("''", q.close_at) else 1)
    dash = _SIGNATURE_DASH.match(ctx.text, after)
    if dash is not None:
        return _signer(ctx, dash.end(), para_hi, dashed=True)
    if ctx.text[after:para_hi].strip(_AFTER_SIGNED):
        return _signer(ctx, after, para_hi, dashed=False)  # “…” Ana Ruiz, 34, Salem
    if para_hi >= len(ctx.text):
        return None
    dash = _SIGNATURE_DASH.match(ctx.text, para_hi)
    if dash is None and headed:
        return None
    line_end = ctx.paragraph_bounds(para_hi)[1]
    return _signer(ctx, dash.end() if dash else para_hi, line_end, dashed=dash is not None)


def _headed(ctx: _Context, q: _Marked, previous: tuple[_Marked, _Attribution, bool] | None) -> _Attribution | None:
    """A quote that opens its line under a line that only names someone, as vox pops are laid out
    ("Ana Ruiz, 34, Salem:" / “…”). Right under another quote, that line may sign the quote above
    instead (“…” / Ana Ruiz / “…”): it heads this one only when the quote above had a head too."""
    lo = ctx.paragraph_start(q.open_at)
    if lo == 0 or ctx.lead(q.open_at) or not _DOUBLE_MARKS.match(ctx.text, q.open_at):
        return None
    head_lo, head_hi = ctx.paragraph_bounds(lo - 1)
    person = ctx.entity_at(head_lo, head_lo + 1)
    if person is None or person.label != "PERSON" or person.start != head_lo:
        return None  # a headline or a photo credit over a quote
    head_end = _rstrip_at(ctx.text, head_hi, head_lo)
    if ctx.text[head_end - 1 : head_end] == ":":
        head_end -= 1
    if ctx.text.endswith(_CLOSING_MARKS, 0, _rstrip_at(ctx.text, head_lo, 0)):
        span = previous[1].speaker_span if previous is not None else None
        if span is None or span[0] > previous[0].open_at:
            return None
    return _signer(ctx, head_lo, head_end, dashed=False)


_CLOSING_MARKS = ('"', "”", "''", "’")


def _signed_inside(ctx: _Context, q: _Marked) -> tuple[_Marked, _Attribution] | None:
    """A quoted paragraph whose last line, inside the marks, signs it: "…. / Ana Ruiz, Salem.": the
    words without the signature, and the signer."""
    lo, hi = q.pieces[-1]
    line = ctx.text.rfind("\n", lo, hi)
    if line < 0 or ctx.lead(q.open_at):
        return None
    words_end = _rstrip_at(ctx.text, line, lo)
    if ctx.text[words_end - 1 : words_end] not in (".", "!", "?", "”", "’"):
        return None
    dash = _SIGNATURE_DASH.match(ctx.text, line + 1)
    signer = _signer(ctx, dash.end() if dash else line + 1, hi, dashed=dash is not None)
    if signer is None:
        return None
    return _Marked([*q.pieces[:-1], (lo, words_end)], q.open_at, q.close_at), signer


def _names_only(ctx: _Context, first: Token, hi: int) -> bool:
    """Whether a line from ``first`` to ``hi`` reads as a signature: a few words, no finite verb,
    not a heading in capitals ("TRUMP COUNTER.")."""
    end = ctx.token_at(hi - 1) + 1
    if end - first.i > 3 * MAX_SIGNATURE_WORDS:
        return False  # a long line is no signature, however it reads
    line = [t for t in ctx.doc[first.i : end] if not t.is_space and t.idx < hi]
    words = [t for t in line if not t.is_punct]
    if not 2 <= len(words) <= MAX_SIGNATURE_WORDS or ctx.text[first.idx : hi].isupper():
        return False
    return not any(t.tag_ in _FINITE_VERB_TAGS for t in line)  # "retired teacher" is no verb


_FINITE_VERB_TAGS = frozenset("VBD VBZ VBP MD".split())


def _signer(ctx: _Context, lo: int, hi: int, dashed: bool) -> _Attribution | None:
    """The person a signature line from ``lo`` names; without a dash the line must be short and
    hold no verb, so that a sentence about someone is not read as a signature."""
    while lo < hi and ctx.text[lo].isspace():
        lo += 1
    if lo >= hi:
        return None
    first = ctx.doc[ctx.token_at(lo)]  # may hold the dash too: "-Ana"
    if not ctx.text[lo].isupper() or (not dashed and not _names_only(ctx, first, hi)):
        return None
    name = first
    while name.dep_ == "compound" and name.i < name.head.i and name.head.idx < hi:
        name = name.head  # "- Ana Ruiz": the name's last word heads it
    if not (_is_speaker_entity(ctx, name) or name.pos_ == "PROPN"):
        return None
    if name.dep_ in ("nsubj", "nsubjpass") and lo <= name.head.idx < hi:
        return None  # not a listed sentence: "- Ana Ruiz won 84 percent of the vote."
    return _spoken_by(ctx, name)


# How many heads up from a quote its sentence's clauses are read when no reporting verb is near.
MAX_CLAUSE_STEPS = 12


def _clause_above(ctx: _Context, q: _Marked) -> list[Token]:
    """The verbs above the quoted words in the parse, nearest first, up to the first reporting verb."""
    first, last = ctx.token_at(q.start), ctx.token_at(max(q.start, q.end - 1))
    top = next((t for t in ctx.doc[first : last + 1] if not q.start <= t.head.idx < q.end), None)
    return _verbs_above(ctx, top, ctx.paragraph_bounds(q.open_at)) if top is not None else []


def _verbs_above(ctx: _Context, node: Token, bounds: tuple[int, int]) -> list[Token]:
    para_lo, para_hi = bounds
    verbs: list[Token] = []
    for _ in range(MAX_CLAUSE_STEPS):
        if node is None or node.head.i == node.i:
            break
        node = node.head
        if not para_lo <= node.idx < para_hi or ctx.in_quote(node.idx):
            break
        if node.pos_ in ("VERB", "AUX") or node.lower_ == ACCORDING:
            according = next((c for c in node.children if c.lower_ == ACCORDING), None)
            verbs.append(according or node)  # "According to the office, the rise “is …”": the office's words
            if _is_cue_word(verbs[-1]):
                break
    return verbs


def _as_cue(ctx: _Context, verbs: list[Token]) -> Token | None:
    """"As Ana Ruiz put it, the plan is “…”": a cue set aside in the clause above the quote."""
    for verb in verbs:
        for c in verb.children:
            if c.dep_ == "advcl" and _is_cue(c) and not ctx.in_quote(c.idx):
                if any(m.dep_ == "mark" and m.lower_ == "as" for m in c.children):
                    return c
    return None


def _clause_subject(ctx: _Context, verbs: list[Token]) -> _Attribution:
    """Whoever does what the quote is the object of ("Ana Ruiz credited the win to “…”"): a guess
    left without a cue."""
    for verb in verbs:
        head = _subject(ctx, verb)
        if head is not None and (head.pos_ != "PRON" or _resolvable_pronoun(head)):
            return _spoken_by(ctx, head, guessed=True)
    return _Attribution(None, None, None)


def _statement_owner(ctx: _Context, q: _Marked) -> _Attribution | None:
    """"her remark that “…”", "Ana Ruiz's claim that “…”": the words of a remark are whoever's the
    remark is, rather than those of the clause around it."""
    first, last = ctx.token_at(q.start), ctx.token_at(max(q.start, q.end - 1))
    node = next((t for t in ctx.doc[first : last + 1] if not q.start <= t.head.idx < q.end), None)
    for _ in range(MAX_HEAD_STEPS):
        if node is None or (node.pos_ in ("VERB", "AUX") and not q.start <= node.idx < q.end):
            return None  # the remark's clause ends at a verb outside the quote
        if node.pos_ == "NOUN" and node.lemma_.lower() in UTTERANCE_NOUNS and not ctx.in_quote(node.idx):
            owner = next((c for c in node.children if c.dep_ == "poss" and not ctx.in_quote(c.idx)), None)
            if owner is None:
                return None
            return _spoken_by(ctx, owner)
        node = node.head if node.head.i != node.i else None
    return None


# "… for Republican contests - Ana Ruiz: “…”": a dash, a few capitalised words and a colon.
_DASH_LABEL = re.compile(rf"\s{DASH_CLASS}+\s*([A-Z][\w.'’&-]*(?:\s+(?:of\s+)?[A-Z][\w.'’&-]*){{0,5}})\s*:$")


def _dash_label(ctx: _Context, q: _Marked) -> _Attribution | None:
    """A quote a digest hands to its source after a dash and before a colon ("Polls were close -
    Ana Ruiz: “…”", "… - Pew Research: “…”"): the source speaks, whatever verb comes before."""
    lo = max(ctx.paragraph_start(q.open_at), q.open_at - LEAD_CHARS)
    label = _DASH_LABEL.search(ctx.text[lo : q.open_at].rstrip())
    if label is None:
        return None
    span = (lo + label.start(1), lo + label.end(1))
    entity = ctx.entity_at(*span)
    return _Attribution(entity.canonical if entity is not None else label.group(1), span, None)


def _named_before_colon(ctx: _Context, q: _Marked) -> _Attribution | None:
    """A name and a colon right before the quote, as in a transcript: "Ana Ruiz: “…”",
    "Rep. Ana Ruiz (D-Ore.):“…”", "… surprised pollster Ana Ruiz: “…”"."""
    k = bisect_left(ctx.entity_starts, q.open_at) - 1
    if k < 0:
        return None
    e = ctx.entities[k]
    labels_quote = _LABEL_END.fullmatch(ctx.text, e.end, q.open_at)
    if e.label not in SPEAKER_LABELS or ctx.in_quote(e.start) or not labels_quote:
        return None
    if ctx.doc[ctx.token_at(e.end - 1)].dep_ == "pobj":
        return None  # whom a message went to: "… delivered a blunt message to Ana Ruiz: “…”"
    e = _labelled_person(ctx, e) or e
    return _Attribution(e.canonical, (e.start, e.end), None, guessed=True)


_LEAD_DASH = re.compile(rf"(?:\s{DASH_CLASS}|--|[—―])$")


def _after_dash(ctx: _Context, q: _Marked) -> _Attribution | None:
    """"Ana Ruiz also defended the plan -- “It works.”": words set after a dash spell out what the
    clause before has a named person (or a pronoun for one) do; a guess, for want of a cue."""
    if not _LEAD_DASH.search(ctx.lead(q.open_at)):
        return None
    node = ctx.doc[ctx.token_at(q.open_at) - 1]
    while node.is_punct or node.is_space:
        node = node.nbor(-1) if node.i > 0 else None
        if node is None:
            return None
    for _ in range(MAX_HEAD_STEPS):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            break
        node = node.head
    subject = _subject(ctx, node) if node.pos_ in ("VERB", "AUX") else None
    if subject is None or not (_is_speaker_entity(ctx, subject) or _resolvable_pronoun(subject)):
        return None
    return _spoken_by(ctx, subject, guessed=True)


def _labelled_person(ctx: _Context, last: Entity) -> Entity | None:
    """"Ana Ruiz, 61, Salem, Oregon: “…”": the person who opens a label line that only names
    someone, rather than the place it ends with."""
    lo = ctx.paragraph_start(last.start)
    k = bisect_left(ctx.entity_starts, lo)
    if k >= len(ctx.entities) or ctx.entities[k].start != lo or ctx.entities[k].label != "PERSON":
        return None
    first = ctx.doc[ctx.token_at(lo)]
    return ctx.entities[k] if _names_only(ctx, first, last.end) else None


# What may stand between a speaker's name and their words in a transcript: "Ana Ruiz (D-Ore.): ".
_LABEL_END = re.compile(r"[ \t]*(?:\([^()\n]{0,40}\))?[ \t]*:\s*")


def _introducer(ctx: _Context, q: _Marked) -> _Attribution:
    """The sentence a colon hands the quote over from: “Ana Ruiz delivered a retort:”."""
    colon = _colon_before(ctx, q)
    if colon is None or colon.i == 0:
        return _Attribution(None, None, None)
    last = ctx.doc[colon.i - 1]
    bounds = ctx.paragraph_bounds(colon.idx)
    # The parse may hang the colon and the sentence before it from the quoted words.
    return _clause_subject(ctx, _verbs_above(ctx, colon, bounds) or _verbs_above(ctx, last, bounds))


def _colon_before(ctx: _Context, q: _Marked) -> Token | None:
    """The colon ending the text before a quote, in its paragraph or closing the paragraph before."""
    mark = ctx.token_at(q.open_at) - 1
    while mark >= 0 and ctx.doc[mark].is_space:
        mark -= 1
    if mark < 0 or ctx.doc[mark].text != ":" or ctx.in_quote(ctx.doc[mark].idx):
        return None
    return ctx.doc[mark]


def _resolvable_pronoun(t: Token) -> bool:
    return t.lower_ in MALE_PRONOUNS or t.lower_ in FEMALE_PRONOUNS or t.lower_ in RELATIVE_PRONOUNS


def _hands_over(ctx: _Context, cue: Token, prev: _Marked) -> bool:
    """Whether the cue in the sentence before a bare quote passes the word from the quote before to
    someone else: a sentence of its own (“…,” Ana said. Tom Baker disagreed: …) or a main clause
    joined to the previous quote's (“…,” Ana said, and her husband cut in. “…”), not a clause about
    someone inside it (“…,” said Ana, who added that Tom Baker wrote …)."""
    if _has_sentence_end(ctx.text[prev.close_at + 1 : cue.idx]):
        return True
    node = cue
    while node.dep_ == "conj":
        node = node.head
    # The parse hangs the previous quote's cue from the quoted words as parataxis.
    return node.dep_ in ("ROOT", "parataxis") and node.i != cue.i


def _same_remarks(ctx: _Context, prev: _Marked, q: _Marked) -> bool:
    """A bare quote right after another quote, in its paragraph or opening the next one."""
    if ctx.paragraph_start(prev.open_at) == ctx.paragraph_start(q.open_at):
        return True
    return _opens_paragraph(ctx, q) and _adjacent_paragraphs(ctx, prev, q)


# Words a title leaves in lower case: "Guardians of the Galaxy".
_TITLE_SMALL_WORDS = frozenset("a an the of and or but for nor on in at to by with from as vs vs.".split())
_WORD = re.compile(r"[\w'’.-]+")
MAX_TITLE_WORDS = 10


def _is_markup_or_title(text: str, q: _Marked) -> bool:
    """An attribute value in leftover markup (author="…"), or the title of a work, show or group."""
    if text[q.open_at - 1 : q.open_at] == "=":
        return True
    words = text[q.start : q.end]
    if "!" in words or "?" in words:
        return False  # a chant or a cry: "Ted! Ted!"
    significant = [w for w in _WORD.findall(words) if w.lower() not in _TITLE_SMALL_WORDS]
    return 2 <= len(significant) <= MAX_TITLE_WORDS and all(w[0].isupper() or w[0].isdigit() for w in significant)


_NOT_WORDS = re.compile(r"^[\W\d_]*$|^\S*[\d@#_]\S*$|^[a-z]+[A-Z]\w*$|^[A-Z][a-z]+[A-Z]\w*$")
# Unattributed quotes this short are mostly titles, nicknames and scare quotes.
MIN_UNATTRIBUTED_WORDS = 6


def _looks_like_speech(words: str) -> bool:
    """Whether an unattributed quoted stretch is likely someone's words, not a title, handle or term."""
    words = words.strip()
    return not _NOT_WORDS.match(words) and len(words.split()) >= MIN_UNATTRIBUTED_WORDS


def _opens_paragraph(ctx: _Context, q: _Marked) -> bool:
    return not ctx.lead(q.open_at)


def _adjacent_paragraphs(ctx: _Context, prev: _Marked, q: _Marked) -> bool:
    k = bisect_right(ctx.paragraph_starts, q.open_at) - 1
    return k > 0 and prev.open_at >= ctx.paragraph_starts[k - 1]


def _record(text: str, q: _Marked, who: _Attribution, partial: bool) -> Quote:
    cue = who.cue
    cue_span = (cue.idx, cue.idx + len(cue)) if cue is not None else (None, None)
    if cue is not None and cue.lower_ == ACCORDING and cue.i + 1 < len(cue.doc):
        nxt = cue.doc[cue.i + 1]
        cue_span = (cue.idx, nxt.idx + len(nxt))
    speaker_span = who.speaker_span or (None, None)
    return Quote(
        text=_quote_text(text, q),
        start=q.start,
        end=q.end,
        speaker=who.speaker,
        speaker_start=speaker_span[0],
        speaker_end=speaker_span[1],
        cue=text[cue_span[0] : cue_span[1]] if cue_span[0] is not None else None,
        cue_start=cue_span[0],
        cue_end=cue_span[1],
        partial=partial,
    )
