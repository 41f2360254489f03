"""Events of a story: what happened, when, where, to whom, how many died.

Alerts tell events as dated clauses ("On 3 May, the army attacked ...",
"... seized Goma in November 2012"), so a date expression anchors each event:
the clause around it (from the previous date in its sentence to the next) is
read for a trigger word of `etl/events.yaml`, which gives the PLOVER type;
the actors and places mentioned in that clause give `actor1_id` (the subject,
or the agent of a passive "by X"), `actor2_id` (the first actor after the
trigger) and `location_id` (a town before a country; the story's country when
the clause names no place).

A clause with no trigger of its own continues the previous one ("stormed the
prison on 2 March and, the next day, the one in Croix-des-Bouquets"). A
trigger just after a negation ("did not attack") is no event. Hedges make an
event `alleged`, an announcement for the future `planned`. The same event
told twice in a story (same date and type; or a month that a day-precise
event of the same type already covers) is kept once.

Sentences without a date yield an undated event only for a finite verb
trigger with an actor: the table keeps what the text tells, and its users
filter on `event_date`. A clause's death toll is read by `fatalities`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from .actors import Actor, ActorMention
from .dates import DateMention
from .event_clauses import clause_regions, drop_range_ends
from .fatalities import DeathCounter
from .lexicon import Hit, Lexicon
from .phrases import lower_case_twin, lowered_text, noun_forms, phrase_regex, phrase_twin
from .places import PlaceMention
from .quotes import Quote
from .statements import Statement
from .text import SpanIndex, outside, span_union

# Date cues that do not date an event of the clause ("the 2019 deal").
NOT_EVENT_CUES = {"the"}
FINITE = {"past", "s"}
# Words after which a past form modifies a noun ("for displaced people").
ATTRIBUTIVE = {"the", "a", "an", "for", "of", "with", "its", "their", "his", "her", "newly",
               "recently", "internally", "already"}
NOT_ONLY = re.compile(r"\bnot only\b", re.I)
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?$")
BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$")
# What names the one who did it, wherever it stands in the clause.
AGENT_BEFORE = re.compile(r"\b(?:carried\s+out|conducted|launched|claimed|perpetrated|committed|"
                          r"staged|mounted|ordered|fired)\s+(?:\w+ly\s+)?by\s+(?:the\s+)?$")
# After a past form: a participle ("Mediated by Qatar, ..."), unless an auxiliary is before it.
BY_AFTER = re.compile(r"\s+by\b")
# The story country's capital, unnamed ("air strikes in the capital"; not "the
# capital of Tigray", nor "the regional capital").
THE_CAPITAL = re.compile(r"\b[Tt]he\s+(?:country's\s+|country’s\s+)?capital\b(?!\s+of\b)")
# "took" and what it took: a place named next (checked by the caller), or a
# settlement or site named by its kind ("the border trade town of").
TOOK = re.compile(r"\b(took|taken)\s+(?:control\s+of\s+)?(?:(?:the\s+)?(?:[\w’'-]+\s+){0,3}?"
                  r"(town|city|village|port|capital|base|airport|airbase|border\s+crossing)\b)?")
# Words before a country that make it where an event happens, not who acts.
LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|to|on|at|across|inside|throughout)\s+(?:the\s+)?$", re.I)
# Subjects before which an -s form that is also a plural noun is a verb ("it attacks").
SUBJECT_PRONOUNS = {"it", "he", "she", "who", "which", "that"}
# Words after which an -s form is a plural noun: prepositions and quantities.
BEFORE_NOUNS = {"in", "at", "on", "from", "into", "during", "after", "before", "against", "despite",
                "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several",
                "many", "some", "both", "few", "more", "most", "dozens", "hundreds"}
BETWEEN_AFTER = re.compile(r"[^.;]{0,40}?\bbetween\s")
BETWEEN_REACH = 40 + len("between") + 1      # the longest text BETWEEN_AFTER matches


@dataclass(frozen=True)
class Event:
    event_date: date | None
    precision: str | None
    date_text: str | None
    event_type: str
    actor1_id: str | None
    actor2_id: str | None
    location_id: str | None
    fatalities: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    certainty: str
    summary: str
    start: int
    end: int
    trigger: str | None = None


def _cue_regex(words: list[str]) -> re.Pattern | None:
    return phrase_regex(words)


class EventFinder:
    """Finds the events of one story (see the module doc)."""

    def __init__(self, events: dict, reporting: dict, cues: dict):
        entries = []
        for etype, lists in events["types"].items():
            for pos in ("verbs", "nouns"):
                entries += [(w, pos[:-1], etype) for w in (lists or {}).get(pos) or []]
        entries += [(verb, "verb", spec["event"]) for verb, spec in reporting["verbs"].items()
                    if (spec or {}).get("event")]
        plural = {k: (v[0] if isinstance(v, list) else v)
                  for k, v in (events.get("plural") or {}).items()}
        irregular = dict(events.get("irregular") or {})
        for k, v in (reporting.get("irregular") or {}).items():
            irregular.setdefault(k, v)
        self.triggers = Lexicon(entries, irregular, plural)
        # forms that are both a verb's -s form and a plural noun ("riots",
        # "attacks"): see `_finite`
        self._plural_nouns = frozenset(
            form for base, pos, _ in entries if pos == "noun"
            for form, kind in noun_forms(base.lower(), plural).items() if kind == "plural"
            and self.triggers.forms.get(form, (None, "noun"))[1] == "verb")
        self.alleged = _cue_regex(cues["certainty"]["alleged"])
        self.planned = _cue_regex(cues["certainty"]["planned"])
        self._alleged_in: dict[tuple[int, int], bool] = {}   # per story, see _alleges
        self.negations = _cue_regex(cues["negations"])
        # case-sensitive twins of the cue regexes for lower-case text, and the
        # characters a story must not have for them to match the same there
        twins = [phrase_twin(cues["certainty"]["alleged"], self.alleged),
                 phrase_twin(cues["certainty"]["planned"], self.planned),
                 phrase_twin(cues["negations"], self.negations),
                 lower_case_twin(NOT_ONLY, ["not only"])]
        self._twins = None if any(rx is None and cue is not None for (rx, _), cue in zip(
            twins, (self.alleged, self.planned, self.negations, NOT_ONLY))) \
            else tuple(rx for rx, _ in twins)
        self._twin_partners = "".join(sorted({c for _, chars in twins for c in chars}))
        self.deaths = DeathCounter(cues)

    # ------------------------------------------------------------ pieces

    def _negated(self, body: str, hit: Hit, floor: int) -> bool:
        """A negation among the three words before the trigger ("did not
        attack", "no one was killed", "failed to agree")."""
        if self.negations is None:
            return False
        alleged, planned, negations, not_only = self._cues
        window = self._cue_text[max(floor, hit.start - 30):hit.start]
        words = window.split()[-3:]
        tail = " ".join(words)
        return bool(negations.search(tail)) and not not_only.search(tail)

    def _quoted(self, pos: int) -> bool:
        """any(q.start <= pos < q.end for q in quotes) of the story, by
        bisection on the union of the quotations' spans."""
        k = bisect_right(self._quote_starts, pos) - 1
        return k >= 0 and pos < self._quote_ends[k]

    def _trigger(self, body: str, a: int, b: int) -> Hit | None:
        """The clause's trigger: its first finite verb, else its first hit
        (hits inside a quotation or just after a negation do not count, nor a
        past form right before a noun of the lexicon, which it describes)."""
        first = None
        hits = self._scan.find(a, b)
        for k, h in enumerate(hits):
            if self._quoted(h.start) or self._negated(body, h, a):
                continue
            if h.form == "past" and k + 1 < len(hits) and body[h.end:hits[k + 1].start] == " " \
                    and (hits[k + 1].pos == "noun" or hits[k + 1].text.lower() in self._plural_nouns):
                continue          # a participle before its noun: "launched coordinated attacks"
            if h.pos == "verb" and h.form in FINITE and self._finite(body, h):
                if h.base == "agree to" and k + 1 < len(hits) and hits[k + 1].pos == "verb" \
                        and hits[k + 1].form == "base" and body[h.end:hits[k + 1].start] == " ":
                    return hits[k + 1]    # what was agreed: "Damiba agreed to resign" concedes
                return h
            if first is None:
                first = h
        return first

    @staticmethod
    def _taken(body: str, a: int, b: int, places: SpanIndex) -> Hit | None:
        """'took' a town or a place the story names ("the Houthis took Sanaa",
        "fighters took the border town of X"): a capture, an ASSAULT, in a
        clause with no trigger of its own. ("Take" alone is no trigger:
        "took part", "took office", "took place".)"""
        for m in TOOK.finditer(body, a, b):
            if m.group(2) or places.any_starting(m.end(1) + 1, m.end(1) + 6):
                return Hit(m.start(1), m.end(1), m.group(1), "take", "verb", "ASSAULT", "past")
        return None

    def _finite(self, body: str, h: Hit) -> bool:
        """Whether a past or -s form verb hit is the clause's verb, not a
        word that only looks like one: a past form after an attributive word
        ("for displaced people") or before "by" without an auxiliary (a
        participle: "Mediated by Qatar, the truce was agreed"), or an -s form
        after a preposition or a quantity ("in two jails"), or one that is also
        a plural noun of the lexicon without a name or pronoun before it
        ("riots in three prisons killed 79 inmates")."""
        before = body[max(0, h.start - 20):h.start].split()
        last = before[-1] if before else ""
        if last.lower() in ATTRIBUTIVE:
            return False
        if h.form == "past":
            return not (BY_AFTER.match(body, h.end) and not PASSIVE_BEFORE.search(
                body[max(0, h.start - 25):h.start]))
        if last.lower() in BEFORE_NOUNS or last[:1].isdigit() or \
                len(before) >= 2 and before[-2].lower() in BEFORE_NOUNS and last.islower():
            return False                 # "two jails", "in attacks", "on police stations"
        if h.text.lower() in self._plural_nouns:
            return last[:1].isupper() and last[-1:].isalpha() or last.lower() in SUBJECT_PRONOUNS
        return True

    def _alleges(self, body: str, sentence: tuple[int, int]) -> bool:
        """Whether the sentence has an "allegedly" word; asked once per sentence
        however many dates it has (a run-on sentence can be very long)."""
        if sentence not in self._alleged_in:
            self._alleged_in[sentence] = \
                self._cues[0].search(self._cue_text, sentence[0], sentence[1]) is not None
        return self._alleged_in[sentence]

    def _certainty(self, body: str, a: int, b: int, trigger: Hit | None, when: DateMention | None,
                   sentence: tuple[int, int]) -> str:
        alleged, planned, negations, not_only = self._cues
        if self.alleged is not None and self._alleges(body, sentence):
            clause_hit = alleged.search(self._cue_text, a, b)
            if clause_hit or b - a > 0.6 * (sentence[1] - sentence[0]):
                return "alleged"
        if self.planned is not None:
            spots = [x for x in (trigger.start if trigger else None, when.start if when else None)
                     if x is not None]
            for spot in spots:
                window = self._cue_text[max(a, spot - 40):spot]
                if planned.search(window):
                    return "planned"
        return "reported"

    @staticmethod
    def _actors(body: str, a: int, b: int, trigger: Hit | None, mentions: SpanIndex,
                actors: dict[str, Actor]) -> tuple[str | None, str | None]:
        inside = [m for m in mentions.within(a, b) if m.actor_id in actors]
        if not inside:
            return None, None
        pivot = trigger.start if trigger else a
        after = [m for m in inside if m.start >= (trigger.end if trigger else a)]
        passive = trigger is not None and (
            trigger.pos == "noun" or trigger.form == "past" and PASSIVE_BEFORE.search(
                body[max(a, pivot - 25):pivot]))
        agent = next((m for m in after if passive and m.start - trigger.end < 60
                      and BY_BEFORE.search(body[max(a, m.start - 8):m.start])),
                     None)
        before = [m for m in inside if m.end <= pivot]
        between = None
        if not before and trigger is not None:
            # a slice as before (\b at its start), cut to what the regex can reach
            between = BETWEEN_AFTER.match(body[trigger.end:min(b, trigger.end + BETWEEN_REACH)])
        if agent is None and not before and not (between and len(after) >= 2):
            # no subject: an agent named later in the clause ("killed 25 people
            # ..., in an attack allegedly carried out by Ukraine's armed forces")
            agent = next((m for m in after if AGENT_BEFORE.search(body, max(a, m.start - 40), m.start)),
                         None)
        if agent is not None:
            actor1 = agent
        elif before:
            actor1 = before[-1]
        elif between and len(after) >= 2:
            actor1, after = after[0], after[1:]
        else:
            actor1 = None
        actor2 = next((m for m in after if (actor1 is None or m.actor_id != actor1.actor_id)
                       and m is not agent), None)
        return (actor1.actor_id if actor1 else None), (actor2.actor_id if actor2 else None)

    @staticmethod
    def _place(body: str, a: int, b: int, places: SpanIndex, fallback: str | None,
               capital: str | None = None) -> str | None:
        """The first town, division or site the clause names; else a country
        it names after a locative word ("coups in Guinea", "sent troops to
        Kazakhstan"); else the story country's capital if the clause says
        "the capital"; else the story's country (a country named otherwise
        is mostly an actor: "France withdrew"); else the first country named."""
        inside = places.within(a, b)
        specific = [p for p in inside if p.place.feature_type != "country"]
        if specific:
            return specific[0].place.location_id
        where = next((p for p in inside if LOCATIVE_BEFORE.search(body, max(a, p.start - 12), p.start)),
                     None)
        if where is not None:
            return where.place.location_id
        if capital and THE_CAPITAL.search(body, a, b):
            return capital
        if fallback:
            return fallback
        return inside[0].place.location_id if inside else None

    # ------------------------------------------------------------ main

    def find(self, body: str, sentences: list[tuple[int, int]], dates: list[DateMention],
             quotes: list[Quote], mentions: list[ActorMention], actors: dict[str, Actor],
             places: list[PlaceMention], country_location: str | None,
             statements: list[Statement] = (), capital_location: str | None = None) -> list[Event]:
        events: list[Event] = []
        doubles = [(q.start, q.end) for q in quotes if q.double]
        usable = outside([d for d in dates if d.value is not None and d.cue not in NOT_EVENT_CUES],
                         doubles, lambda d: (d.start, d.start + 1))      # not inside a quotation
        starts = [d.start for d in usable]
        self._alleged_in = {}
        self._capital = capital_location
        # the cue regexes and the text they read: their case-sensitive twins
        # on the story in lower case where that is exact (see lower_case_twin)
        self._cues, self._cue_text = (self.alleged, self.planned, self.negations, NOT_ONLY), body
        if self._twins is not None:
            lowered = lowered_text(body)
            if lowered is not None and not any(c in body for c in self._twin_partners):
                self._cues, self._cue_text = self._twins, lowered
        # per story: the trigger words, mentions, places and death words, found once
        self._lowered = self.deaths.lowered(body)
        self._scan = self.triggers.scan(body)
        mentions, places = SpanIndex(mentions), SpanIndex(places)
        # the union of the quotations
        self._quote_starts, self._quote_ends = span_union((q.start, q.end) for q in quotes)
        for sent in sentences:
            here = usable[bisect_left(starts, sent[0]):bisect_left(starts, sent[1])]
            here = drop_range_ends(body, here)
            if not here:
                events += self._undated(body, sent, quotes, mentions, actors, places,
                                        country_location)
                continue
            previous: Hit | None = None
            bounds = clause_regions(body, sent, here)
            for k, d in enumerate(here):
                a, b = bounds[k]
                trigger = self._trigger(body, a, b) or self._taken(body, a, b, places) or previous
                previous = trigger
                events.append(self._event(body, sent, a, b, d, trigger, mentions, actors, places,
                                          country_location))
        return self._dedupe(events)

    def _event(self, body, sent, a, b, d: DateMention | None, trigger: Hit | None, mentions,
               actors, places, country_location) -> Event:
        clause = (a, b)
        actor1, actor2 = self._actors(body, a, b, trigger, mentions, actors)
        toll = self.deaths.count_in(body, a, b, self._lowered)
        start, end = clause
        start += len(body[start:end]) - len(body[start:end].lstrip(" ,;"))
        end = start + len(body[start:end].rstrip(" ,;"))
        return Event(
            event_date=d.value if d else None, precision=d.precision if d else None,
            date_text=d.text if d else None,
            event_type=trigger.label if trigger else "OTHER",
            actor1_id=actor1, actor2_id=actor2,
            location_id=self._place(body, a, b, places, country_location, self._capital),
            fatalities=toll.best if toll else None, fatalities_low=toll.low if toll else None,
            fatalities_high=toll.high if toll else None,
            certainty=self._certainty(body, a, b, trigger, d, sent),
            summary=body[sent[0]:sent[1]], start=start, end=end,
            trigger=trigger.text if trigger else None)

    def _undated(self, body, sent, quotes, mentions, actors, places, country_location) -> list[Event]:
        """A sentence without a date: an event only for a finite, past-tense
        trigger verb with an actor in the sentence."""
        if not mentions.any_starting(sent[0], sent[1]):
            return []                 # asked first: cheaper, and the answer is the same
        # the first past verb hit outside quotations and negations
        trigger = next((h for h in self._scan.find(sent[0], sent[1])
                        if h.pos == "verb" and h.form == "past" and not self._quoted(h.start)
                        and not self._negated(body, h, sent[0])), None)
        if trigger is None:
            return []
        return [self._event(body, sent, sent[0], sent[1], None, trigger, mentions, actors, places,
                            country_location)]

    @staticmethod
    def _dedupe(events: list[Event]) -> list[Event]:
        """One event per (date, precision, type) in a story; a month-precise
        event is dropped when a day in that month has an event of its type."""
        seen: set = set()
        days = {(e.event_date.year, e.event_date.month, e.event_type)
                for e in events if e.event_date and e.precision == "day"}
        out = []
        for e in events:
            if e.event_date is not None:
                key = (e.event_date, e.precision, e.event_type)
                if key in seen:
                    continue
                if e.precision == "month" and \
                        (e.event_date.year, e.event_date.month, e.event_type) in days:
                    continue
                seen.add(key)
            out.append(e)
        return out
