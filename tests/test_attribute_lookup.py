"""The attribute ruler by lookup and the cached lemmatizer give exactly what the packaged pipeline gives."""

from __future__ import annotations

import pytest

from storyline.analyze import AnalysisInput, Analyzer
from storyline.analyze.attribute_lookup import AttributeLookup
from storyline.analyze.lemma_cache import LemmaCache
from storyline.analyze.nlp import load_nlp, load_packaged_nlp, read_news
from storyline.model import to_jsonable

# Every kind of rule the English pipeline holds: tag map, word + tag morph rules, the
# multi-token ones (ain't, gonna, gotta, let's, c'mon, y'all), regex (nothin'), DEP
# conditions (auxiliaries, expletive "there is", determiners used as pronouns), spaces.
TEXTS = [
    "It ain't over, and we're gonna win, Mayor Ana Ruiz, 52, told reporters on Sept. 30.",
    "Let's go. C'mon, y'all gotta see this: there is nothin' left  of  the old pier.\n\nThat was all.",
    "Those who were hired had been warned; these were the ones that the council said it would not fund.",
    "   ",
    "",
    "But but but. A an the this that these those. Is are was were 's 're.",
]


def annotations(nlp, text):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_) for t in nlp(text)]


@pytest.fixture(scope="module")
def pipelines():
    return read_news(load_packaged_nlp()), load_nlp()


def test_storyline_pipeline_uses_the_lookup(pipelines):
    packaged, ours = pipelines
    assert isinstance(ours.get_pipe("attribute_ruler"), AttributeLookup)
    assert isinstance(ours.get_pipe("lemmatizer"), LemmaCache)
    assert packaged.pipe_names == ours.pipe_names


@pytest.mark.parametrize("text", TEXTS)
def test_lookup_annotations_equal_spacys(pipelines, text):
    packaged, ours = pipelines
    assert annotations(ours, text) == annotations(packaged, text)


def test_multi_token_and_regex_rules_apply(pipelines):
    _, ours = pipelines
    lemmas = {t.text: t.lemma_ for t in ours("We're gonna stay. There's nothin' to fear, y'all.")}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to"
    assert lemmas["nothin'"] == "nothing"


def test_worker_processes_give_the_same_analyses_in_order():
    inputs = [AnalysisInput(f"a{i}", text) for i, text in enumerate(TEXTS * 3)]
    serial = [to_jsonable(a) for a in Analyzer(batch_size=4).pipe(inputs)]
    parallel = [to_jsonable(a) for a in Analyzer(n_process=2, batch_size=4).pipe(inputs)]
    assert [a["article_id"] for a in parallel] == [i.id for i in inputs]
    assert parallel == serial
