"""Events: triggers, dates, actors, places, fatalities, certainty, negation
and duplicates, one mechanism per test, on sentences written for the tests."""
from __future__ import annotations

from datetime import date

import pytest

from alertdata.extract.fatalities import DeathCounter
from alertdata.extract.story import extractors, story_facts
from alertdata.reference import load_reference

ISSUE = date(2025, 3, 14)


@pytest.fixture(scope="module")
def ex():
    return extractors(load_reference())


@pytest.fixture(scope="module")
def deaths():
    return DeathCounter(load_reference().event_cues)


def events(ex, body, dated=True):
    found = story_facts(None, body, ISSUE, ex)
    return [e for e in found.events if not dated or e.event_date], found


def test_a_dated_clause_is_a_typed_event(ex):
    (e,), _ = events(ex, "On 3 March, Chadian troops attacked a rebel camp near Abeche.")
    assert (e.event_date, e.precision, e.event_type) == (date(2025, 3, 3), "day", "ASSAULT")
    assert e.date_text == "On 3 March"


@pytest.mark.parametrize("sentence, etype", [
    ("On 2 March, the two parties signed a ceasefire in Doha.", "AGREE"),
    ("On 2 March, police arrested dozens of protesters in Dakar.", "COERCE"),
    ("On 2 March, thousands of people demonstrated in Nairobi.", "PROTEST"),
    ("On 2 March, France withdrew its troops from Niger.", "RETREAT"),
    ("On 2 March, the EU imposed sanctions on three generals.", "SANCTION"),
    ("On 2 March, Kenya deployed 400 police officers to Haiti.", "MOBILIZE"),
    ("On 2 March, the Ghanaian president met the Togolese president in Lome.", "CONSULT"),
    ("On 2 March, the army warned that it would respond with force.", "THREATEN"),
    ("On 2 March, the president appointed a new prime minister.", "OTHER"),
    ("On 2 March, the mining company evacuated its workers from Kidal.", "RETREAT"),
    ("On 2 March, the US designated the militia a terrorist organisation.", "SANCTION"),
    ("In March, the former rebels took up arms again.", "MOBILIZE"),
    ("On 2 March, the militia fired rockets and drones at an airbase near Erbil.", "ASSAULT"),
    ("On 2 March, the rebels took Goma.", "ASSAULT"),
    ("On 2 March, jihadists took the small market town of Boni.", "ASSAULT"),
    ("On 2 March, the new president took office.", "OTHER"),
    ("On 2 March, the ceremony took place in Lome.", "OTHER"),
    ("On 2 March, the prime minister agreed to resign.", "CONCEDE"),
    ("On 2 March, the two sides agreed to a truce.", "AGREE"),
    ("On 2 March, Chad said it would put on hold its troop deployment.", "SANCTION"),
])
def test_trigger_types(ex, sentence, etype):
    (e,), _ = events(ex, sentence)
    assert e.event_type == etype


@pytest.mark.parametrize("sentence, etype, trigger", [
    # a plural noun that is also a verb's -s form is no finite verb at the clause start
    ("In May, riots in two jails killed 12 prisoners.", "ASSAULT", "killed"),
    # nor a past participle before "by" without an auxiliary
    ("Mediated by Norway, the accord was signed on 4 March.", "AGREE", "signed"),
    # with one, the participle is the clause's verb
    ("On 4 March, the talks were mediated by Norway.", "CONSULT", "mediated"),
    # an -s form after a name is the verb
    ("On 4 March, Russia attacks Kharkiv, the governor reported.", "ASSAULT", "attacks"),
    # nor one after a preposition and a noun: "on police stations"
    ("On 4 March, raids on police stations in the north killed 12 officers.", "ASSAULT", "killed"),
    # a past form before a noun of the lexicon describes it
    ("On 4 March, the gangs mounted coordinated raids on three towns.", "COERCE", "raids"),
])
def test_a_word_that_looks_like_a_verb_is_not_the_clause_verb(ex, sentence, etype, trigger):
    (e,), _ = events(ex, sentence)
    assert (e.event_type, e.trigger) == (etype, trigger)


def test_subject_and_object_actors(ex):
    (e,), found = events(ex, "On 5 March, the Malian army attacked the Wagner Group near Gao.")
    assert (e.actor1_id, e.actor2_id) == ("military-mli", "wagner-group")
    assert found.place_mentions and e.location_id == next(
        p.place.location_id for p in found.place_mentions if p.surface == "Gao")


def test_passive_agent_is_actor1(ex):
    (e,), _ = events(ex, "On 5 March, a convoy was ambushed by the Islamic State near Menaka.")
    assert e.actor1_id == "islamic-state"


def test_an_agent_named_later_in_the_clause_is_actor1(ex):
    (e,), _ = events(ex, "On 4 March, a blast at a market in Kismayo killed nine people, in an "
                         "attack later claimed by al-Shabaab.")
    assert e.actor1_id == "al-shabaab"


def test_location_falls_back_to_the_story_country(ex):
    (e,), found = events(ex, "Senegal held elections. On 5 March, the Senegalese army arrested "
                             "two opposition leaders.")
    assert e.location_id == found.country_place.location_id


def test_a_country_after_a_locative_word_is_where_the_event_happened(ex):
    (e, f), found = events(ex, "Senegal held elections. On 5 March, Senegal sent troops to Gambia, "
                               "and on 7 March Senegal recalled its envoy.")
    gambia = next(p.place.location_id for p in found.place_mentions if p.surface == "Gambia")
    assert e.location_id == gambia
    assert f.location_id == found.country_place.location_id      # a country that acts: not there


def test_the_capital_is_the_story_countrys_capital(ex):
    found = story_facts("Sudan: the war reaches the cities",
                        "On 16 April, army jets bombed depots in the capital. On 18 April, drones "
                        "struck the capital of North Darfur.", ISSUE, ex)
    first, second = found.events
    assert first.location_id == found.capital_place.location_id and found.capital_place.name == "Khartoum"
    assert second.location_id != found.capital_place.location_id     # another capital


def test_each_date_in_a_sentence_is_its_own_event(ex):
    found, _ = events(ex, "On 2 March, gunmen stormed a prison in Bamako and, the next day, "
                          "another in Kayes; the inmates were freed on 6 March.")
    assert [(e.event_date.day, e.event_type) for e in found] == \
        [(2, "ASSAULT"), (3, "ASSAULT"), (6, "CONCEDE")]


@pytest.mark.parametrize("phrase, toll", [
    ("killing at least 25 people", (25, 25, None)),
    ("more than 120 people were killed", (120, 120, None)),
    ("about 300 civilians were allegedly killed", (300, 300, 300)),
    ("seven soldiers died", (7, 7, 7)),
    ("a dozen villagers were killed", (12, 12, 12)),
    ("between 20 and 30 people were killed", (None, 20, 30)),
    ("up to 40 people were killed", (40, None, 40)),
    ("dozens of people were killed", (None, 24, None)),
    ("the attack killed a student", (1, 1, 1)),
    ("2,300 people have been killed", (2300, 2300, 2300)),
])
def test_fatality_phrasings(deaths, phrase, toll):
    t = deaths.count(phrase)
    assert (t.best, t.low, t.high) == toll


def test_wounded_are_not_dead(deaths):
    assert deaths.count("at least 40 people were wounded") is None


def test_hedged_event_is_alleged(ex):
    (e,), _ = events(ex, "On 4 March, soldiers allegedly killed nine herders near Mopti.")
    assert e.certainty == "alleged"


def test_announced_event_is_planned(ex):
    (e,), _ = events(ex, "The final accord is due to be signed on 20 March in Addis Ababa.")
    assert e.certainty == "planned"


def test_negated_trigger_is_no_event(ex):
    (e,), _ = events(ex, "On 4 March, the rebels did not attack the town but negotiated with "
                         "its elders.")
    assert e.event_type == "CONSULT"


def test_the_same_event_told_twice_is_one(ex):
    found, _ = events(ex, "On 17 February, France announced the withdrawal of its troops from "
                          "Mali. In February, France withdrew its troops.")
    assert [(e.event_date, e.precision, e.event_type) for e in found] == \
        [(date(2025, 2, 17), "day", "RETREAT")]


def test_a_sentence_without_a_date_gives_an_undated_event(ex):
    found, _ = events(ex, "The Malian army attacked a police post in Kidal.", dated=False)
    assert [(e.event_date, e.event_type) for e in found] == [(None, "ASSAULT")]


def test_spans_point_at_the_evidence(ex):
    body = "Background. On 3 March, Chadian troops attacked a rebel camp near Abeche."
    (e,), _ = events(ex, body)
    assert body[e.start:e.end].startswith("On 3 March") and e.summary == body[12:]


def test_a_country_named_as_actor_is_not_the_place(ex):
    """'France withdrew' in a story about Senegal happened in Senegal."""
    (e,), found = events(ex, "Senegal and France fell out. On 5 March, France withdrew its "
                             "troops. Senegal welcomed the move.")
    assert e.location_id == found.country_place.location_id
    assert found.main_iso3 == "SEN"
