"""Quotations and reported speech, one mechanism per test, on sentences
written for the tests (never copied from the corpus)."""
from __future__ import annotations

from datetime import date

import pytest

from alertdata.extract.quotes import find_quotes
from alertdata.extract.story import extractors, story_facts
from alertdata.reference import load_reference

ISSUE = date(2025, 3, 14)


@pytest.fixture(scope="module")
def ex():
    return extractors(load_reference())


def said(ex, body, kind=None):
    found = story_facts(None, body, ISSUE, ex)
    out = [s for s in found.statements if kind is None or s.kind == kind]
    return out, found


def test_quote_marks_straight_curly_and_single():
    body = 'A said "one two". B said “three four”. C called it ‘five six’ and it’s done.'
    assert [body[q.start:q.end] for q in find_quotes(body)] == \
        ["one two", "three four", "five six"]


def test_apostrophes_are_not_quotes():
    body = "The rebels' leader said the army's 'final push' had failed, and it didn't."
    assert [body[q.start:q.end] for q in find_quotes(body)] == ["final push"]


def test_an_unclosed_quote_runs_to_the_paragraph_end():
    body = 'The mayor said: "We have no water and no power left in the city\nNext paragraph.'
    (q,) = find_quotes(body)
    assert not q.closed and body[q.start:q.end].endswith("city")


def test_direct_quote_after_a_colon_with_title_and_role(ex):
    (s,), found = said(ex, 'The navy\'s spokesperson, Captain Farid Osmani, said: "Our ships '
                           'stayed in port. We will sail when the storm passes."')
    assert s.kind == "direct"
    assert s.speaker == "Captain Farid Osmani"
    assert s.speaker_role == "navy's spokesperson"
    assert found.actors[s.speaker_actor_id].actor_type == "person"
    assert s.quote.startswith("Our ships stayed in port.") and s.verb == "say"


def test_a_known_body_after_an_article_is_not_a_new_person(ex):
    (s,), found = said(ex, "The RSF, which the army accuses of looting, said that it had taken "
                           "the airport.")
    assert s.speaker_actor_id == "rapid-support-forces"
    assert not any(a.actor_type == "person" for a in found.actors.values())


def test_quote_before_its_attribution(ex):
    (s,), _ = said(ex, '"The road is closed," the Kenyan police said on Monday.')
    assert s.kind == "direct" and s.speaker == "the Kenyan police"
    assert s.speaker_actor_id == "police-ken"


def test_interrupted_quote_is_one_statement(ex):
    (s,), _ = said(ex, '"We are ready," the UN envoy said, "but the parties are not."')
    assert s.quote == "We are ready, but the parties are not."
    assert s.speaker == "the UN envoy"


def test_partial_quote_inside_the_writers_sentence(ex):
    (s,), _ = said(ex, 'The Ghanaian government called the raid "a grave provocation".')
    assert s.kind == "partial" and s.verb == "call"
    assert s.speaker_actor_id == "government-gha"


def test_according_to(ex):
    (s,), _ = said(ex, 'According to the World Health Organization, "the clinics are empty".')
    assert s.speaker_actor_id == "who"


def test_pronoun_speaker_is_resolved(ex):
    (first, second), _ = said(ex, 'General Amadou Keita, the army chief, said: "We hold the '
                                  'bridge." He added: "The enemy has fled."')
    assert second.speaker == first.speaker == "General Amadou Keita"
    assert second.speaker_actor_id == first.speaker_actor_id


def test_quoted_titles_without_a_speaker_are_not_statements(ex):
    statements, _ = said(ex, 'The plan, known as "Operation Sunrise", began in the north.')
    assert statements == []


@pytest.mark.parametrize("sentence, verb, clause", [
    ("The Malian government announced that it would close the border.", "announce",
     "it would close the border"),
    ("The Chadian army warned that any incursion would be met with force.", "warn",
     "any incursion would be met with force"),
    ("Amnesty International accused the militia of burning villages.", "accuse",
     "the militia of burning villages"),
    ("The African Union called on both sides to respect the truce.", "call",
     "both sides to respect the truce"),
    ("The Ethiopian government said it had regained control of the airport.", "say",
     "it had regained control of the airport"),
])
def test_indirect_speech(ex, sentence, verb, clause):
    (s,), _ = said(ex, sentence, "indirect")
    assert (s.verb, s.quote) == (verb, clause)


def test_indirect_needs_a_clause_not_a_noun_phrase(ex):
    """'declared a state of emergency' is an act, not a report."""
    statements, _ = said(ex, "The Nigerian government declared a state of emergency.")
    assert statements == []


def test_stated_on_is_the_date_before_the_verb(ex):
    (s,), _ = said(ex, "On 10 March, the Sudanese army said that it had retaken the bridge "
                       "it lost on 2 February.", "indirect")
    assert (s.stated_on, s.precision) == (date(2025, 3, 10), "day")


def test_passive_and_adjectival_forms_are_not_reports(ex):
    statements, _ = said(ex, "The alleged abuses by the militia were denied in a report.")
    assert statements == []


@pytest.mark.parametrize("seed", range(20))
def test_the_union_of_quotation_spans_covers_exactly_their_characters(seed):
    """Statements and events ask whether an offset lies inside a quotation by
    bisecting the union of the quotations' spans."""
    import random

    from alertdata.extract.text import find_all, span_union

    rng = random.Random(seed)
    spans = [(a, a + rng.randrange(-2, 12)) for a in (rng.randrange(0, 80) for _ in range(rng.randrange(0, 12)))]
    starts, ends = span_union(spans)
    covered = {i for a, b in zip(starts, ends) for i in range(a, b)}
    assert covered == {i for a, b in spans for i in range(a, b)}
    assert all(b < a2 for b, a2 in zip(ends, starts[1:])) and all(a < b for a, b in zip(starts, ends))
    text = "".join(rng.choice("ab“”") for _ in range(60))
    assert sorted(find_all(text, "“”")) == [i for i, c in enumerate(text) if c in "“”"]
    assert sorted(find_all(text, ["aa"])) == [i for i in range(59) if text[i:i + 2] == "aa"]
