"""Fact alignment across outlets, on a fictional mill fire reported by four outlets."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone

import pytest

from storyline.analyze import Analyzer
from storyline.compare import Publishers, align_story, load_embedder
from storyline.compare.align import build_units, candidate_pairs, split_units
from storyline.model import Article, DupAssignment, Provenance, Source

FIRE = [
    ("harbourtimes.example",
     "A fire at the Glenrock textile mill in Port Alder on March 14 injured 37 people, officials said. "
     "The fire chief, Helen Carter, 52, said 312 residents were evacuated from nearby streets. "
     "Investigators believe the blaze started in a storage room."),
    ("coastdaily.example",
     "The fire at the Glenrock textile mill in Port Alder on March 15 injured 41 people, officials said. "
     "The fire chief, Helen Carter, 53, told reporters that about 300 residents were evacuated from nearby streets. "
     "Crews from three towns fought the flames overnight."),
    ("northledger.example",
     "A fire at the Glenrock textile mill in Port Alder on March 14 injured 37 people, officials said. "
     "The fire chief, Helen Carter, 52, said 312 residents were evacuated from nearby streets. "
     "The owner, Maria Lopez, said the mill would be rebuilt."),
    ("valleypost.example",  # a syndicated copy of northledger's article
     "A fire at the Glenrock textile mill in Port Alder on March 14 injured 37 people, officials said. "
     "The fire chief, Helen Carter, 52, said 312 residents were evacuated from nearby streets. "
     "The owner, Maria Lopez, said the mill would be rebuilt."),
]


def make_articles(stories: list[tuple[str, str]], day: int = 16) -> list[Article]:
    when = datetime(2024, 3, day, 12, tzinfo=timezone.utc)
    return [Article(text=t, source=Source(d.split(".")[0], d), provenance=Provenance("fixture"), published=when)
            for d, t in stories]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="module")
def fire(analyzer):
    articles = make_articles(FIRE)
    analyses = list(analyzer.pipe(articles))
    dups = [DupAssignment(articles[2].id, "g1", articles[2].id), DupAssignment(articles[3].id, "g1", articles[2].id)]
    return articles, analyses, dups


def test_units_are_sentences_cut_at_semicolons_and_line_breaks():
    text = "Two died; four were hurt.\nThe road reopened."
    spans = split_units(text, [(0, 25), (26, 44)])
    assert [text[s:e] for s, e in spans] == ["Two died;", "four were hurt.", "The road reopened."]


def test_shared_fact_counts_a_syndicated_copy_once(fire):
    articles, analyses, dups = fire
    alignment = align_story(articles, analyses, dups)
    injured = next(f for f in alignment.facts if "injured" in f.text)
    assert len(injured.sources) == 4
    assert injured.publishers == 3
    for ref in injured.sources:
        article = next(a for a in articles if a.id == ref.article)
        assert article.text[ref.start : ref.end] == ref.text
        assert "injured" in ref.text


def test_without_duplicate_information_every_outlet_counts(fire):
    articles, analyses, _ = fire
    injured = next(f for f in align_story(articles, analyses).facts if "injured" in f.text)
    assert injured.publishers == 4


def test_agreed_facts_and_unique_facts(fire):
    articles, analyses, dups = fire
    alignment = align_story(articles, analyses, dups)
    agreed = alignment.agreed()
    assert {f.publishers for f in agreed} == {3}
    assert any("evacuated" in f.text for f in agreed)
    unique = {u.article: [f.text for f in u.facts] for u in alignment.unique()}
    assert unique[articles[0].id] == ["Investigators believe the blaze started in a storage room."]
    assert unique[articles[1].id] == ["Crews from three towns fought the flames overnight."]
    # the owner's sentence is in the parent and its copy: one publisher, credited to the parent
    assert unique[articles[2].id] == ["The owner, Maria Lopez, said the mill would be rebuilt."]
    assert articles[3].id not in unique


def test_wire_copies_count_as_the_wire():
    articles = make_articles([("a.example", "x"), ("b.example", "y"), ("c.example", "z")])
    dups = [DupAssignment(articles[0].id, "g1", articles[0].id, "AP"),
            DupAssignment(articles[1].id, "g2", articles[1].id, "AP")]
    publishers = Publishers(articles, dups)
    assert publishers.count([a.id for a in articles[:2]]) == 1
    assert publishers.count([a.id for a in articles]) == 2


def test_blocking_pairs_only_units_sharing_a_content_word(analyzer):
    articles = make_articles([
        ("a.example", "The ferry struck the pier. Tickets cost more this year."),
        ("b.example", "A ferry hit the pier at dusk. Gulls nested on the roof."),
    ])
    analyses = {a.article_id: a for a in analyzer.pipe(articles)}
    units = build_units(articles, analyses)
    pairs = {(units[a].text, units[b].text) for a, b in candidate_pairs(units)}
    assert ("The ferry struck the pier.", "A ferry hit the pier at dusk.") in pairs
    assert all("Gulls" not in b for _, b in pairs)
    assert all(units[a].article != units[b].article for a, b in candidate_pairs(units))


def test_different_facts_are_not_merged(analyzer):
    articles = make_articles([
        ("a.example", "The council approved the new budget on Monday."),
        ("b.example", "Heavy rain flooded the harbour road overnight."),
    ])
    alignment = align_story(articles, list(analyzer.pipe(articles)))
    assert [f.publishers for f in alignment.facts] == [1, 1]
    assert alignment.agreed() == []


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed here")
def test_embeddings_are_optional():
    assert load_embedder() is None


def test_a_fact_keeps_the_sources_whose_values_agree_and_sheds_the_one_that_does_not():
    from storyline.compare import compare_story

    lead = "Kessler Textiles will close its wool mill in the Riverside district of Portvale, cutting {} jobs, the company said."
    articles = make_articles([("north.example", lead.format("about 300")), ("south.example", lead.format("some 300")),
                              ("east.example", lead.format("312")), ("west.example", lead.format("450"))])
    alignment, found = compare_story(articles, list(Analyzer().pipe(articles)))
    assert any(c.kind == "number" for c in found)
    outlet = {a.id: a.source.name for a in articles}
    agreed = [{outlet[s.article] for s in f.sources} for f in alignment.agreed()]
    assert {"north", "south", "east"} in agreed  # "about 300" and 312 agree: rounding
    assert all("west" not in sources for sources in agreed)


def test_a_line_that_only_signs_a_quote_is_no_fact(analyzer):
    text = (
        "We asked readers what they saw during the flood.\n\n"
        "“The culvert on Mill Road has been blocked for years.”\n― Maria Santos, Eastside\n\n"
        "“The city was warned.” ― Henry Bloom\n\n"
        "The shelter stayed open all night, said Priya Natarajan, a nurse."
    )
    [article] = make_articles([("a.example", text)])
    [analysis] = analyzer.pipe([article])
    units = [u.text for u in build_units([article], {article.id: analysis})]
    assert not any(u.startswith("―") for u in units), units
    assert any("Priya Natarajan, a nurse" in u for u in units)
    assert any("The culvert on Mill Road" in u for u in units)
