"""Actors and places, one mechanism per test, on sentences written for the
tests (never copied from the corpus)."""
from __future__ import annotations

import pytest

from alertdata.extract.place_scan import spellings
from alertdata.extract.story import extractors, story_entities
from alertdata.reference import load_reference


@pytest.fixture(scope="module")
def ex():
    return extractors(load_reference())


def found(ex, body, title=None):
    return story_entities(title, body, ex)


def actor_of(result, surface):
    """The actor a surface resolves to (None if not a mention)."""
    for m in result.actor_mentions:
        if m.surface == surface:
            return result.actors[m.actor_id]
    return None


def place_of(result, surface):
    for m in result.place_mentions:
        if m.surface == surface:
            return m.place
    return None


# ---------------------------------------------------------------- actors

def test_dictionary_names_and_acronyms_resolve_to_one_actor(ex):
    r = found(ex, "On 2 March, JNIM fighters raided a market near Mopti. Analysts say "
                  "Jama'at Nusrat al-Islam wal-Muslimin now controls the roads.")
    a, b = actor_of(r, "JNIM"), actor_of(r, "Jama'at Nusrat al-Islam wal-Muslimin")
    assert a is not None and a.actor_id == b.actor_id
    assert a.actor_type == "militant_group"


def test_a_name_written_with_a_lower_case_article_is_found(ex):
    # "al-Shabaab" and "al-Qaeda", as running text writes them
    r = found(ex, "The raid was claimed by al-Shabaab, an affiliate of al-Qaeda.")
    assert actor_of(r, "al-Shabaab").actor_id == "al-shabaab"
    assert actor_of(r, "al-Qaeda").actor_id == "al-qaeda"


def test_acronym_in_lower_case_is_not_the_acronym(ex):
    r = found(ex, "The delegates said it was up to us to decide, and the talks went on.")
    assert actor_of(r, "us") is None


@pytest.mark.parametrize("phrase, kind, iso3", [
    ("the Chadian army", "military", "TCD"),
    ("Peru's police", "police", "PER"),
    ("the government of Moldova", "government", "MDA"),
    ("Bolivian troops", "military", "BOL"),
])
def test_national_bodies_are_generated_from_demonyms_and_names(ex, phrase, kind, iso3):
    r = found(ex, f"Last week {phrase} said that the crossing would stay closed.")
    words = phrase.removeprefix("the ")
    a = actor_of(r, words) or actor_of(r, phrase)
    assert a is not None, [m.surface for m in r.actor_mentions]
    assert (a.actor_type, a.country_iso3) == (kind, iso3)


def test_a_ministry_is_a_government_body_of_its_country(ex):
    r = found(ex, "On Monday the Chilean foreign ministry summoned the envoy.")
    a = actor_of(r, "Chilean foreign ministry")
    assert a.actor_type == "government" and a.country_iso3 == "CHL"
    assert a.affiliation_actor_id == "government-chl"


def test_titled_person_gets_type_country_and_affiliation(ex):
    r = found(ex, "Speaking in Lusaka, the Zambian Colonel Mwila Chanda said the patrols would continue.")
    a = actor_of(r, "Colonel Mwila Chanda")
    assert a is not None and a.name == "Mwila Chanda"
    assert (a.actor_type, a.country_iso3, a.affiliation_actor_id) == ("person", "ZMB", "military-zmb")


def test_surname_and_pronoun_refer_back_to_the_person(ex):
    r = found(ex, "President Tomas Vrana of the party met the envoys on Friday. He said the vote "
                  "would go ahead. Vrana later left for the capital.")
    person = actor_of(r, "President Tomas Vrana")
    assert actor_of(r, "He").actor_id == person.actor_id
    assert actor_of(r, "Vrana").actor_id == person.actor_id


def test_pronoun_without_a_person_before_it_is_left_alone(ex):
    r = found(ex, "He said nothing. The talks in Geneva were suspended.")
    assert actor_of(r, "He") is None


def test_misspelt_dictionary_name_is_matched_by_edit_distance(ex):
    r = found(ex, "Fighters of the Hezbolah movement fired rockets across the border.")
    a = actor_of(r, "Hezbolah")
    assert a is not None and a.actor_id == "hezbollah"


def test_fuzzy_matching_does_not_merge_distinct_short_names(ex):
    r = found(ex, "Hamad met the delegation in Doha.")
    assert actor_of(r, "Hamad") is None


def test_short_reference_resolves_to_nearest_compatible_actor(ex):
    r = found(ex, "Hezbollah fired rockets on Sunday. The group said it was responding to strikes.")
    assert actor_of(r, "The group").actor_id == "hezbollah"


def test_generic_body_follows_the_story_country(ex):
    r = found(ex, "The Malian army retook the town of Boni. The army said 12 fighters were killed.")
    assert actor_of(r, "army").actor_id == "military-mli"


def test_a_country_that_acts_is_a_state_actor_but_a_place_is_not(ex):
    r = found(ex, "Gunmen attacked a village in northern Burkina Faso. Brazil condemned the attack "
                  "and Norway sent aid.", title="Burkina Faso: attack in the north")
    assert actor_of(r, "Brazil").actor_type == "state"
    assert actor_of(r, "Norway").actor_type == "state"
    assert actor_of(r, "Burkina Faso") is None


def test_a_capital_where_something_happens_or_inside_a_name_does_not_act(ex):
    r = found(ex, "Ministers meeting in Brussels agreed on new sanctions. The OSCE Minsk Group "
                  "met on Friday. Paris announced a new envoy.")
    assert actor_of(r, "Brussels") is None and actor_of(r, "Minsk") is None
    assert actor_of(r, "Paris").actor_id == "state-fra"


def test_a_country_written_with_the_acts_after_by(ex):
    r = found(ex, "The truce was brokered by the US.", title="Sudan: a truce")
    assert actor_of(r, "US").actor_id == "state-usa"


def test_a_country_acts_after_a_relative_clause(ex):
    r = found(ex, "Canada, which has 300 trainers in the country, has suspended its aid. Fighting "
                  "spread to Chad, which borders Sudan, and to Libya.", title="Niger: after the coup")
    assert actor_of(r, "Canada").actor_id == "state-can"
    assert actor_of(r, "Chad") is None


def test_a_national_phrase_that_is_a_place_of_another_country_is_the_place(ex):
    # Niger State is a state of Nigeria, not the government of Niger
    r = found(ex, "Gunmen raided a school in Niger State.", title="Nigeria: schools under attack")
    assert actor_of(r, "Niger State") is None
    assert place_of(r, "Niger State").country_iso3 == "NGA"
    r = found(ex, "The Niger government said it would respond.", title="Nigeria: schools under attack")
    assert actor_of(r, "Niger government").actor_id == "government-ner"


def test_unknown_organisation_is_typed_by_its_head_word(ex):
    r = found(ex, "The Lakeside Farmers Party called a strike in Mombasa, Kenya.")
    a = actor_of(r, "Lakeside Farmers Party")
    assert a is not None and a.actor_type == "political_party"


def test_name_after_a_comma_and_a_role_is_a_person(ex):
    r = found(ex, "Teodora Blanco, a nurse at the clinic, said the ward was full.")
    assert actor_of(r, "Teodora Blanco").actor_type == "person"


def test_a_name_with_a_particle_is_a_person_unless_it_is_a_place(ex):
    r = found(ex, "Yusuf Karim al-Tahir blamed the governor. Gunmen later burned the market "
                  "in Mocímboa da Praia.", title="Mozambique: unrest in the north")
    assert actor_of(r, "Yusuf Karim al-Tahir").actor_type == "person"
    assert actor_of(r, "Mocímboa da Praia") is None
    assert place_of(r, "Mocímboa da Praia").country_iso3 == "MOZ"


def test_a_title_takes_no_name_from_the_next_sentence(ex):
    r = found(ex, "Crowds jeered the governor. Gunmen later opened fire on them.")
    assert actor_of(r, "Gunmen") is None
    assert not any(a.actor_type == "person" for a in r.actors.values())


def test_a_name_never_spans_a_full_stop(ex):
    r = found(ex, "Fighting went on in Sana'a. Houthi Ansar leaders met on Friday.")
    assert all("." not in m.surface for m in r.actor_mentions)


# ---------------------------------------------------------------- places

def test_homonym_is_chosen_by_the_story_country(ex):
    r = found(ex, "On 4 May a convoy was attacked near Gao, in Mali.", title="Mali: convoy attacked")
    assert place_of(r, "Gao").country_iso3 == "MLI"
    r = found(ex, "On 4 May a convoy was attacked near Gao, in Burkina Faso.",
              title="Burkina Faso: convoy attacked")
    assert place_of(r, "Gao").country_iso3 == "BFA"


def test_qualifier_is_kept_in_the_surface_and_the_place_is_the_country(ex):
    r = found(ex, "Clashes spread across northern Niger on Tuesday.")
    p = place_of(r, "northern Niger")
    assert p.feature_type == "country" and p.country_iso3 == "NER"


def test_kind_word_prefers_the_division(ex):
    r = found(ex, "Floods hit Tahoua region in Niger, and the town of Tahoua was cut off.")
    assert place_of(r, "Tahoua region").feature_type == "admin1"


def test_multi_country_region_from_etl_places(ex):
    r = found(ex, "Violence in the Sahel has displaced millions.")
    p = place_of(r, "Sahel")
    assert p.feature_type == "region" and p.country_iso3 is None


def test_a_connector_hyphened_to_a_name_belongs_to_the_place(ex):
    # "el-Mandeb" and "al-Mawasi" are single lower-case tokens, yet words of the name
    r = found(ex, "Tankers turned back before the Bab al-Mandab. Families sheltered in al-Mawasi.")
    assert place_of(r, "Bab al-Mandab").location_id == "bab-el-mandeb"
    assert place_of(r, "al-Mawasi").location_id == "al-mawasi"
    assert actor_of(r, "Bab al-Mandab") is None


def test_another_romanisation_of_an_arabic_name_is_looked_up(ex):
    # GeoNames knows the port as "Hodeida" (and "Al Hudaydah"), not "Hodeidah"
    r = found(ex, "Cargo ships reached Hodeidah on Monday.", title="Yemen: the Red Sea")
    assert place_of(r, "Hodeidah").geonames_id == 79415
    assert spellings("hodeidah") == ["hodeida"]
    assert spellings("el geneina") == ["el geneinah", "al geneina", "al geneinah"]
    assert spellings("ghana") == ["ghanah"] and spellings("somalia") == []


def test_common_words_are_not_places(ex):
    r = found(ex, "Police said the Union would meet on Monday. Security was tight in Accra, Ghana.")
    assert {m.surface for m in r.place_mentions} == {"Accra", "Ghana"}


def test_part_of_a_personal_name_is_not_a_place(ex):
    r = found(ex, "Omar Kabul Mensah, a trader in Tamale, Ghana, said prices had doubled.")
    assert "Kabul" not in {m.surface for m in r.place_mentions}


def test_small_foreign_homonym_is_not_taken(ex):
    r = found(ex, "Colombia: talks resume. Negotiators met in Havana, Cuba, and in Bogota.")
    assert all(m.place.country_iso3 in ("COL", "CUB") for m in r.place_mentions)


def test_unknown_town_after_a_cue_becomes_a_place_of_the_story_country(ex):
    r = found(ex, "Soldiers entered the village of Zorbakuni on Friday.", title="Chad: army raid")
    p = place_of(r, "Zorbakuni")
    assert p is not None and p.country_iso3 == "TCD" and p.latitude is None
    assert p.feature_type == "village"


def test_main_country_comes_from_the_title_place(ex):
    r = found(ex, "Fighting went on for a week.", title="Army retakes towns in northern Tigray")
    assert r.main_iso3 == "ETH"


def test_main_country_comes_from_demonyms_and_places_without_a_title(ex):
    r = found(ex, "On 2 May, Sudanese soldiers clashed with militias near Nyala and El Fasher; "
                  "the Chadian border was closed.")
    assert r.main_iso3 == "SDN"
