"""spaCy's attribute ruler with its rules found by lookup instead of the Matcher.

The English pipeline's ``attribute_ruler`` holds about 180 rules (the tag map and morph
rules), all of fixed length and testing only TAG, LOWER, DEP or IS_SPACE. spaCy's Matcher
tries every rule at every token, which cost 14% of the whole pipeline. Here each rule is
indexed under a value its first token must have, checked token by token on an array of
those four attributes, and the matches are applied in spaCy's order with spaCy's own
``set_token_attrs``, so the annotations are the same (``tests/test_attribute_lookup.py``).
Rules of other shapes (operators, other attributes) still go through a Matcher.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

# The token array's columns.
_COLUMNS = ("TAG", "LOWER", "IS_SPACE", "DEP")
_ATTR_IDS = [TAG, LOWER, IS_SPACE, DEP]


@dataclass(frozen=True, slots=True)
class _Test:
    """One token attribute's condition: a set of values it must (or must not) be in, or a regex."""

    column: int
    values: frozenset[int] = frozenset()
    negated: bool = False
    regex: re.Pattern | None = None

    def holds(self, value: int, strings: StringStore) -> bool:
        if self.regex is not None:
            return bool(self.regex.search(strings[value]))
        return (value in self.values) != self.negated


def _array_value(attr: str, value, strings: StringStore) -> int:
    return int(bool(value)) if attr == "IS_SPACE" else strings.add(value)


def _test(attr: str, condition, strings: StringStore) -> _Test | None:
    column = _COLUMNS.index(attr)
    if not isinstance(condition, dict):
        return _Test(column, frozenset([_array_value(attr, condition, strings)]))
    if len(condition) != 1:
        return None
    (op, arg), = condition.items()
    if op in ("IN", "NOT_IN"):
        return _Test(column, frozenset(_array_value(attr, v, strings) for v in arg), negated=op == "NOT_IN")
    if op == "REGEX" and attr != "IS_SPACE":
        return _Test(column, regex=re.compile(arg))
    return None


def _compile(pattern: list[dict], strings: StringStore) -> list[tuple[_Test, ...]] | None:
    """Per token of the pattern, its tests; None when the pattern needs the Matcher."""
    compiled = []
    for token in pattern:
        if not token or not set(token) <= set(_COLUMNS):
            return None
        tests = tuple(_test(attr, cond, strings) for attr, cond in token.items())
        if any(t is None for t in tests):
            return None
        compiled.append(tests)
    return compiled or None


class AttributeLookup:
    """Drop-in for ``attribute_ruler``: the same rules, the same order, the same result."""

    def __init__(self, nlp: Language, name: str, patterns: list[dict]):
        self.name = name
        self.strings = nlp.vocab.strings
        self.ruler = AttributeRuler(nlp.vocab, name, validate=False)
        self.ruler.add_patterns(patterns)
        self.matcher = Matcher(nlp.vocab, validate=False)
        self.has_matcher_rules = False
        # (column, value) of a first token -> [(rule, tests per token)]; the first token's
        # indexed test is kept in the list, it is cheap and keeps the rule whole.
        self.index: dict[tuple[int, int], list[tuple[int, list[tuple[_Test, ...]]]]] = defaultdict(list)
        self.unindexed: list[tuple[int, list[tuple[_Test, ...]]]] = []
        for rule, entry in enumerate(patterns):
            for pattern in entry["patterns"]:
                compiled = _compile(pattern, self.strings)
                if compiled is None:
                    self.matcher.add(str(rule), [pattern])
                    self.has_matcher_rules = True
                    continue
                key = next((t for t in compiled[0] if t.regex is None and not t.negated), None)
                if key is None:
                    self.unindexed.append((rule, compiled))
                for value in key.values if key else ():
                    self.index[(key.column, value)].append((rule, compiled))

    def _matches(self, rows: list[list[int]]) -> list[tuple[int, int, int]]:
        found = []
        strings = self.strings
        for i, row in enumerate(rows):
            candidates = [c for column, value in enumerate(row) for c in self.index.get((column, value), ())]
            for rule, compiled in candidates + self.unindexed:
                end = i + len(compiled)
                if end <= len(rows) and all(
                    test.holds(rows[j][test.column], strings) for j, tests in zip(range(i, end), compiled) for test in tests
                ):
                    found.append((rule, i, end))
        return found

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array(_ATTR_IDS).tolist() if len(doc) else []
        matches = self._matches(rows)
        if self.has_matcher_rules:
            matches += [
                (int(self.strings[match_id]), start, end)
                for match_id, start, end in self.matcher(doc, allow_missing=True, as_spans=False)
            ]
        # spaCy applies matches sorted by rule, so later rules win: the same order here.
        # A rule whose patterns match one span twice sets the same values twice.
        matches.sort()
        attrs, indices = self.ruler.attrs, self.ruler.indices
        for rule, start, end in matches:
            set_token_attrs(doc[start + indices[rule] if indices[rule] >= 0 else end + indices[rule]], attrs[rule])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """The component protocol's batch call; rules apply one Doc at a time."""
        return map(self, docs)


@Language.factory("storyline_attribute_lookup", default_config={"patterns": []})
def make_attribute_lookup(nlp: Language, name: str, patterns: list[dict]) -> AttributeLookup:
    return AttributeLookup(nlp, name, patterns)


def use_attribute_lookup(nlp: Language) -> Language:
    """Swap the pipeline's attribute_ruler for the lookup version, with the same rules."""
    if "attribute_ruler" in nlp.component_names:
        patterns = nlp.get_pipe("attribute_ruler").patterns
        nlp.replace_pipe("attribute_ruler", "storyline_attribute_lookup", config={"patterns": patterns})
    return nlp
