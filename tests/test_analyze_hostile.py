"""Hostile text through the whole Analyzer: it completes, and every span points into the text."""

from __future__ import annotations

import dataclasses

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from storyline.analyze import AnalysisFailed, Analyzer, AnalysisInput
from storyline.analyze.nlp import load_nlp
from storyline.engines.local import IngestReport
from storyline.model import Analysis, Article, Provenance, Source

PARAGRAPH = (
    'Mayor Lena Okafor, 47, said on Tuesday that "the bridge will reopen within 20 weeks," '
    "after a storm damaged about 300 homes in Orvale on March 3, 2021. Repairs cost $12 million.\n\n"
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture()
def sentence_only_analyzer():
    """The pipeline reduced to the sentence recogniser: every extractor still runs, at a fraction of the cost."""
    nlp = load_nlp()
    senter_was_disabled = "senter" in nlp.disabled
    nlp.enable_pipe("senter")
    try:
        with nlp.select_pipes(enable=["senter"]):
            yield Analyzer(nlp)
    finally:
        if senter_was_disabled:
            nlp.disable_pipe("senter")


def assert_spans_valid(text: str, a: Analysis) -> None:
    n = len(text)
    previous_end = 0
    for start, end in a.sentences:
        assert previous_end <= start <= end <= n
        previous_end = end
    previous_end = 0
    for t in a.tokens:
        assert previous_end <= t.start < t.end <= n
        previous_end = t.end
    for record in [*a.entities, *a.timexes, *a.numbers]:
        assert 0 <= record.start < record.end <= n
        assert text[record.start : record.end] == record.text, record
    for q in a.quotes:
        assert 0 <= q.start <= q.end <= n
        if "\n" not in text[q.start : q.end]:  # a quote over several paragraphs drops the reopening marks
            assert text[q.start : q.end] == q.text, q
        for start, end in ((q.speaker_start, q.speaker_end), (q.cue_start, q.cue_end)):
            assert (start is None) == (end is None)
            if start is not None:
                assert 0 <= start < end <= n


def analyse(analyzer: Analyzer, text: str) -> Analysis:
    a = analyzer.analyze(AnalysisInput("hostile", text))
    assert a.article_id == "hostile"
    assert_spans_valid(text, a)
    return a


def test_five_megabyte_article(sentence_only_analyzer):
    text = PARAGRAPH * (5_000_000 // len(PARAGRAPH))
    a = analyse(sentence_only_analyzer, text)
    # the last paragraph is analysed too, at its true offset
    assert a.tokens[-1].end == len(text.rstrip())
    assert a.numbers[-1].text == "$12 million" and a.numbers[-1].end == text.rindex("$12 million") + len("$12 million")
    assert len(a.sentences) >= text.count("\n\n")


@pytest.mark.parametrize(
    "text",
    [
        # one run without whitespace: spaCy's tokenizer is quadratic in the length of such a run
        '"' * 10_000,
        '"a" ' * 2_500 + '"unclosed',
        "“ " * 5_000 + "” " * 5_000,
        ('He said "yes, ' + "'no' ") * 2_000,
        "« » „ “ " * 2_500,
    ],
    ids=["straight-run", "pairs", "curly-nested", "mixed-single", "guillemets"],
)
def test_ten_thousand_quote_marks(analyzer, text):
    analyse(analyzer, text)


def test_no_sentence_breaks(analyzer):
    words = "the council met again and 300 residents waited outside while Lena Okafor spoke "
    text = words * (60_000 // len(words))
    a = analyse(analyzer, text)
    assert any(n.value == 300 and n.unit == "resident" for n in a.numbers)


def test_text_with_no_spaces_at_all(analyzer):
    analyse(analyzer, "x" * 50_000 + "1" * 50_000)


def test_emoji(analyzer):
    text = (
        "🔥🔥 Lena Okafor 👩🏽‍🚒 said \"we saved 😀 about 300 homes\" on March 3. 🇺🇦🇬🇧 "
        "The fire 🧯 lasted 20 weeks. 👨‍👩‍👧‍👦 Three people 🙏 were hurt.\n\n"
    ) * 50
    a = analyse(analyzer, text)
    assert any(n.value == 300 and n.approximate for n in a.numbers)


@pytest.mark.parametrize(
    "text",
    [
        "قالت لينا أوكافور إن «الجسر سيفتح خلال 20 أسبوعا» بعد أن دمرت العاصفة نحو 300 منزل. ",
        "אמרה לנה אוקפור כי „הגשר ייפתח בתוך 20 שבועות” לאחר שהסערה הרסה כ-300 בתים. ",
        "Mayor Lena Okafor said \u202bالجسر سيفتح\u202c in 20 weeks, \u200fעוד 300 בתים\u200e were hit. ",
    ],
    ids=["arabic", "hebrew", "mixed-with-bidi-controls"],
)
def test_right_to_left_script(analyzer, text):
    analyse(analyzer, text * 100)


@pytest.mark.parametrize(
    "text",
    ["", " \n\t ", "\x00\x01\x02 control \x7f", "e\u0301" * 2_000, "\ufeff\u200b" * 1_000],
    ids=["empty", "whitespace", "control", "combining", "zero-width"],
)
def test_degenerate_text(analyzer, text):
    analyse(analyzer, text)


def test_lone_surrogate_does_not_crash(analyzer):
    # spaCy cannot encode a lone surrogate (json.loads lets one through); the Analyzer replaces it.
    a = analyzer.analyze(AnalysisInput("hostile", 'Ana Ruiz said "\ud800" twice on Tuesday.'))
    assert a.sentences and a.tokens


# ---------------------------------------------------------------- one failing article does not cost the batch

@Language.component("storyline_test_unparsed")
def _unparsed(doc: Doc) -> Doc:
    """For a text with GLITCH, a Doc without sentence boundaries: the extractors then fail on it."""
    if "GLITCH" not in doc.text:
        return doc
    bare = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    bare._context = doc._context  # what nlp.pipe(as_tuples=True) pairs the Doc with
    return bare


@pytest.fixture(scope="module")
def glitchy_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("storyline_test_unparsed")
    return nlp


def glitch_batch() -> list[Article]:
    texts = ["Ana Ruiz said the bridge opens on Monday.", "A GLITCH in this one.", "Tom Baker, 52, agreed."]
    return [Article(text=t, title="t", source=Source("Gazette"), provenance=Provenance("feed.jsonl", f"line {i + 1}"))
            for i, t in enumerate(texts)]


@pytest.mark.parametrize("processes", [1, 2])
def test_an_article_the_extractors_fail_on_is_reported_and_the_rest_analysed(glitchy_nlp, processes):
    articles = glitch_batch()
    failures = []
    done = list(Analyzer(glitchy_nlp, n_process=processes).pipe(articles, on_error=failures.append))
    assert [a.article_id for a in done] == [articles[0].id, articles[2].id]
    assert [f.article_id for f in failures] == [articles[1].id]
    assert str(failures[0]).startswith(f"feed.jsonl:line 2: {articles[1].id}: analysis failed: ValueError")
    with pytest.raises(AnalysisFailed, match="feed.jsonl:line 2"):
        list(Analyzer(glitchy_nlp).pipe(articles))


@Language.component("storyline_test_crashing")
def _crashing(doc: Doc) -> Doc:
    """A pipeline component that raises on a text with CRASH, inside nlp.pipe."""
    if "CRASH" in doc.text:
        raise RuntimeError("component gave up")
    return doc


@pytest.mark.parametrize("processes", [1, 2])
def test_an_article_spacy_itself_fails_on_is_reported_and_the_rest_analysed(processes):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("storyline_test_crashing")
    articles = glitch_batch()
    articles[1] = dataclasses.replace(articles[1], text="A CRASH in this one.")
    failures = []
    done = list(Analyzer(nlp, n_process=processes).pipe(articles, on_error=failures.append))
    assert [a.article_id for a in done] == [articles[0].id, articles[2].id]
    assert [f.article_id for f in failures] == [articles[1].id]
    assert "spaCy RuntimeError: component gave up" in str(failures[0])


def test_the_engine_stores_the_others_and_clusters_without_the_failed_one(glitchy_nlp, tmp_path):
    from storyline.engines.local import LocalEngine
    from storyline.storage import Store

    engine = LocalEngine(Store(str(tmp_path / "glitch.db")), analyzer=Analyzer(glitchy_nlp))
    articles = glitch_batch()
    engine.ingest_items(articles, IngestReport())
    stories = engine.update()
    bad = articles[1].id
    assert [f.article_id for f in engine.analysis_failures] == [bad]
    assert set(engine.store.get_analyses(a.id for a in articles)) == {articles[0].id, articles[2].id}
    assert bad not in {i for s in stories for i in s.article_ids}
    assert {i for s in stories for i in s.article_ids} == {articles[0].id, articles[2].id}
    assert engine.store.ids_needing_analysis(engine.analyzer.version) == [bad]  # tried again next time
