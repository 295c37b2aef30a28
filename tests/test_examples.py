"""The bundled example corpus end to end: everything planted in it (examples/expected.json)
shows in the briefs, and nothing spurious does."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from conftest import EXAMPLES, ROOT
from storyline.engines.local import LocalEngine
from storyline.storage import Store

EXPECTED = json.loads((ROOT / "examples" / "expected.json").read_text())


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    engine = LocalEngine(Store(str(tmp_path_factory.mktemp("examples") / "ex.db")))
    report = engine.ingest([str(EXAMPLES)])
    engine.update()
    articles = {a.id: a for a in engine.store.iter_articles()}
    label_of = {}
    for label, spec in EXPECTED["articles"].items():
        loc = spec["locator"]
        matches = [a.id for a in articles.values() if str(ROOT / loc["file"]) == a.provenance.file or a.provenance.file.endswith(loc["file"])]
        if loc.get("provenance"):
            matches = [i for i in matches if articles[i].provenance.locator == loc["provenance"]]
        assert len(matches) == 1, (label, matches)
        label_of[matches[0]] = label
    briefs = {b.id: b for b in engine.briefs()}
    return engine, report, articles, label_of, briefs


def _story_labels(run) -> dict[str, set[str]]:
    engine, _, _, label_of, _ = run
    stories = defaultdict(set)
    for s in engine.store.get_story_assignments():
        stories[s.story].add(label_of[s.id])
    return stories


def _brief_of(run, story: str):
    _, _, _, label_of, briefs = run
    wanted = set(EXPECTED["story_labels"][story])
    for b in briefs.values():
        if {label_of[a.id] for a in b.articles} == wanted:
            return b
    raise AssertionError(f"no brief holds exactly the {story} story")


def test_every_article_is_read_with_its_metadata(run):
    _, report, articles, label_of, _ = run
    assert report.errors == [] and len(articles) == len(EXPECTED["articles"])
    for article_id, label in label_of.items():
        spec, a = EXPECTED["articles"][label], articles[article_id]
        assert a.title == spec["title"], label
        published = a.published.isoformat() if a.published else None
        if spec["published"] and len(spec["published"]) == 10:  # a date without a time
            published = published[:10]
        assert published == spec["published"], label
        assert a.text.startswith(spec["text_starts"]), label
        for phrase in spec.get("text_must_not_contain", []):
            assert phrase not in a.text, (label, phrase)


def test_stories_are_found(run):
    found = sorted(sorted(s) for s in _story_labels(run).values())
    expected = sorted([sorted(v) for v in EXPECTED["story_labels"].values()] + [[u] for u in EXPECTED["unrelated"]])
    assert found == expected


def test_wire_copies_are_collapsed(run):
    engine, _, _, label_of, _ = run
    groups = engine.store.get_dup_groups()
    by_label = {label_of[i]: d for i, d in groups.items()}
    for wire in EXPECTED["wire_copies"]:
        original = by_label[wire["original"]]
        for copy in wire["copies"]:
            d = by_label[copy["article"]]
            assert label_of[d.parent] == wire["original"], copy["article"]
            assert d.syndicated_from in (wire["agency"], wire["agency_name"])
        assert original.syndicated_from in (wire["agency"], wire["agency_name"])
    copied = {c["article"] for w in EXPECTED["wire_copies"] for c in w["copies"]} | {w["original"] for w in EXPECTED["wire_copies"]}
    for label, d in by_label.items():
        if label not in copied:
            assert d.group == d.parent == d.id, f"{label} should be in no duplicate group"


@pytest.mark.parametrize("planted", EXPECTED["contradictions"], ids=lambda c: f"{c['kind']}-{c['story']}")
def test_planted_contradiction_is_shown_with_each_claim(run, planted):
    _, _, articles, label_of, _ = run
    brief = _brief_of(run, planted["story"])
    found = [c for c in brief.contradictions if c.kind == planted["kind"]]
    assert found, f"no {planted['kind']} contradiction in the {planted['story']} brief"
    claims = {(label_of[c.article], c.text) for con in found for c in con.claims}
    for expected in planted["claims"]:
        matching = [text for label, text in claims if label == expected["article"]]
        assert matching, f"{expected['article']} missing from the {planted['kind']} contradiction"
    for con in found:
        for c in con.claims:
            assert articles[c.article].text[c.start : c.end] == c.text  # exact span


def test_no_spurious_contradictions(run):
    for story in EXPECTED["story_labels"]:
        brief = _brief_of(run, story)
        planted = sorted(c["kind"] for c in EXPECTED["contradictions"] if c["story"] == story)
        assert sorted(c.kind for c in brief.contradictions) == planted, story


@pytest.mark.parametrize("group", EXPECTED["quote_groups"], ids=lambda g: g["speaker"])
def test_quote_variants_and_differences(run, group):
    _, _, _, label_of, _ = run
    brief = _brief_of(run, group["story"])
    matching = [q for q in brief.quotes if q.speaker == group["speaker"]]
    assert matching, f"no quote group for {group['speaker']}"
    q = max(matching, key=lambda g: len(g.variants))
    assert {v["article"] for v in group["variants"]} <= {label_of[v.article] for v in q.variants}
    allowed = set(group.get("allowed_extra_kinds", []))
    for variant in group["variants"]:
        kinds = {d.kind for d in q.differences if any(label_of[a] == variant["article"] for a in d.articles)}
        assert set(variant["expected_kinds"]) <= kinds, variant["article"]
        assert kinds - set(variant["expected_kinds"]) <= allowed, (variant["article"], kinds)


@pytest.mark.parametrize("rel", [r for r in EXPECTED["relative_dates"] if r.get("core")], ids=lambda r: f"{r['article']}-{r['phrase']}")
def test_relative_dates_resolved_against_each_article(run, rel):
    engine, _, _, label_of, _ = run
    (article_id,) = [i for i, label in label_of.items() if label == rel["article"]]
    analysis = engine.store.get_analyses([article_id])[article_id]
    found = [t for t in analysis.timexes if t.text == rel["timex"]]
    assert found, f"{rel['timex']!r} not found in {rel['article']}"
    assert any(t.resolved == rel["resolved"] and (not rel["resolved"] or t.value == rel["value"]) for t in found), found


def test_undated_article_has_no_date(run):
    _, _, articles, label_of, _ = run
    for label in EXPECTED["undated"]:
        (a,) = [articles[i] for i, lab in label_of.items() if lab == label]
        assert a.published is None
