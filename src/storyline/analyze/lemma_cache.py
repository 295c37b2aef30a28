"""The pipeline's lemmatizer with its answers kept per (word, POS, morphology).

spaCy's rule lemmatizer already caches by that key, but still walks every token in
Python and sets each lemma through the Token API: 6-8% of the pipeline. Here the keys
are read as one array, only unseen keys reach the lemmatizer, and the lemmas are
written back as one array. The lemma depends on nothing else, so the result is the
same (``tests/test_attribute_lookup.py`` compares with the pipeline as packaged).
"""

from __future__ import annotations

from typing import Iterable, Iterator

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.tokens import Doc


class LemmaCache:
    """Drop-in for ``lemmatizer``: the same lemmas, looked up once per distinct key."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.strings = nlp.vocab.strings
        self.lemmatizer = None  # the pipeline's own, set by use_lemma_cache
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        overwrite = self.lemmatizer.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if overwrite or lemma == 0:
                key = (orth, pos, morph)
                found = self.cache.get(key)
                if found is None:
                    found = self.cache[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                lemmas[i] = found
        doc.from_array([LEMMA], lemmas.astype(numpy.uint64).reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        return map(self, docs)


@Language.factory("storyline_lemma_cache")
def make_lemma_cache(nlp: Language, name: str) -> LemmaCache:
    return LemmaCache(nlp, name)


def use_lemma_cache(nlp: Language) -> Language:
    """Put the pipeline's lemmatizer behind a LemmaCache."""
    if "lemmatizer" in nlp.component_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        nlp.replace_pipe("lemmatizer", "storyline_lemma_cache")
        nlp.get_pipe("lemmatizer").lemmatizer = lemmatizer
    return nlp
