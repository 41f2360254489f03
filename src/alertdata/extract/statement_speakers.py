"""Who made a statement, for `statements`: the speaker written in a
subject, as text, actor and role.

The subject is cut to its noun phrase (connectives, trailing adverbs and
long clauses dropped); an actor mention inside it gives the actor (a
person first, else the body they speak for), an appositive ("The army's
spokesperson, Brigadier X,") gives the role, and a name the actor finder
did not know becomes a person of the story. Pronouns take the speaker or
actor of their kind before them; a verb joined to the previous one ("...
and said") takes its subject. `SpeakerReading` is one of
`StatementFinder`'s bases; the answers for a subject are kept per story.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import config
from .actors import Actor, ActorMention
from .text import slug

if TYPE_CHECKING:
    from .statements import SpeechLexicon, Statement
    from .text import SpanIndex

CONNECTIVES = re.compile(
    r"^(?:(?:and|but|however|meanwhile|also|then|later|earlier|separately|in turn|in response|"
    r"whereas|while|although|though|besides|first|second|third|fourth|finally|indeed|"
    r"for its part|for their part|in a statement|previously|instead|still|yet|so|thus|"
    r"subsequently|in addition|moreover|furthermore|at the same time)\b[\s,]*)+", re.I)
TRAILING = re.compile(r"(?:,\s*[a-z][^,]{0,30},|\s+(?:has|have|had|also|later|then|again|publicly|"
                      r"repeatedly|reportedly|previously|earlier|already|only|swiftly|quickly|"
                      r"immediately|separately|too|both|all|in turn|in a statement|"
                      r"in a joint statement))+\s*$")
PRONOUNS = {"he": "person", "she": "person", "it": "body", "they": "any", "we": "any",
            "his": "person", "her": "person", "its": "body", "their": "any"}
DETERMINERS = ("a ", "an ", "the ")
# A personal name: capitalised words and name particles ("Yousif Adam Bashar",
# "Abdel Fattah al-Burhan"), possibly after a title.
NAME_LIKE = re.compile(r"(?:(?:[A-Z][\w.’'\-]+|al|el|bin|ibn|de|da|dos|van|von|der|du|la|le)\s+)"
                       r"{1,4}[A-Z][\w’'\-]+")
# Lower-case subjects accepted as speakers without an actor ("officials", "critics").
PLAIN_SPEAKER = re.compile(r"(?:[a-z\-]+\s+){0,2}[a-z\-]+s")
# A described name: "the French energy company Total".
DESCRIBED = re.compile(r"(?:the|a|an)\s+(?:[\w\-’']+\s+){0,4}?(?:[A-Z][\w\-’'.]*\s*){1,4}", re.I)
# What [A-Z] matches ignoring case (checked over all code points).
_LETTER = frozenset(string.ascii_letters + "\u0130\u0131\u017f\u212a")


def _word_like(token: str) -> bool:              # [\w\-’']+
    return all(c.isalnum() or c in "_-’'" for c in token)


def _name_like(token: str) -> bool:              # [A-Z][\w\-’'.]* ignoring case
    return token[0] in _LETTER and all(c.isalnum() or c in "_-’'." for c in token)


def described(text: str) -> bool:
    r"""DESCRIBED.fullmatch(text) is not None, without its backtracking: a
    determiner, white space, then words: up to 4 of `_word_like` and after
    them 1 to 4 of `_name_like` (each a piece of the regex's last group;
    pieces within a word only use up more of the 4). White space is what
    str.split() splits at, as for \s; \w is isalnum() or "_"."""
    tokens = text.split()
    if not tokens or text[0].isspace() or tokens[0].lower() not in ("the", "a", "an"):
        return False
    words = tokens[1:]
    m = len(words)
    first = 0                                # words[:first] are all word-like
    while first < m and _word_like(words[first]):
        first += 1
    last = m                                 # words[last:] are all name-like
    while last > 0 and _name_like(words[last - 1]):
        last -= 1
    return max(last, m - 4) <= min(first, 4, m - 1)


COMMA_PARTS = re.compile(r"[^,]+")
FOR_OF = re.compile(r"\s+(?:for|of)\s")
ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
NP_END = re.compile(r"[.;:!?\"“”]|\n|,\s*(?=[\"“‘])|\s+(?:that|on|in|at|to|as)\s")


@dataclass
class _Speaker:
    text: str | None
    actor_id: str | None
    role: str | None
    start: int
    end: int


class SpeakerReading:
    """Speakers of the story `find` is reading (see the module doc)."""

    lex: SpeechLexicon

    def _speaker(self, body: str, a: int, b: int, mentions: SpanIndex,
                 actors: dict[str, Actor], previous: list[Statement]) -> _Speaker | None:
        """The speaker written in [a, b): text, actor, role.

        A story asks again for many subjects (a verb's, before a quotation
        and as reported speech): the answer is kept when it did not come
        from a pronoun (the only use of `previous`) and added no person to
        `actors`, and given again while `actors` (which only grows) is as it
        was; it is then the same, with nothing more to add."""
        key = (a, b)
        kept = self._speakers.get(key)
        if kept is not None and kept[1] == len(actors) and kept[2] is actors and body is self._body:
            return kept[0]
        size = len(actors)
        self._by_pronoun = False
        found = self._read_speaker(body, a, b, mentions, actors, previous)
        if not self._by_pronoun and len(actors) == size and body is self._body:
            self._speakers[key] = (found, size, actors)
        return found

    def _read_speaker(self, body: str, a: int, b: int, mentions: SpanIndex,
                      actors: dict[str, Actor], previous: list[Statement]) -> _Speaker | None:
        raw = body[a:b]
        stripped = raw.lstrip(" ,")
        lead = CONNECTIVES.match(stripped)
        a += len(raw) - len(stripped) + (lead.end() if lead else 0)
        text = body[a:b]
        trail = TRAILING.search(text)
        if trail and trail.start() > 0:
            b = a + trail.start()
        b = a + len(body[a:b].rstrip(" ,"))
        if b <= a:
            return None
        subject = body[a:b]
        # the tests below are pure and asked only where needed, in the order written
        appositive = None

        def is_appositive() -> bool:
            nonlocal appositive
            if appositive is None:
                appositive = any(NAME_LIKE.fullmatch(part.strip()) for part in subject.split(","))
            return appositive

        if len(subject.split()) > config.MAX_SUBJECT_WORDS and not is_appositive():
            comma = body.rfind(", ", a, b)
            if comma < 0:
                return None
            a = comma + 2
        text = body[a:b]
        inside = [m for m in mentions.within(a, b) if m.actor_id in actors]
        low = text.lower()
        if low in PRONOUNS:
            self._by_pronoun = True
            return self._pronoun(low, a, b, mentions.items, actors, previous)
        roles = self.lex.roles
        role_hit = roles.search(text) if roles is not None else None
        role_word = role_hit is not None
        if not inside:
            n_words = len(text.split())
            short = n_words <= 4 and (text[:1].isupper() or low.startswith(DETERMINERS))
            if not (PLAIN_SPEAKER.fullmatch(text) or short or is_appositive()
                    or described(text)
                    or role_word and n_words <= config.MAX_PLAIN_SPEAKER_WORDS):
                return None
        elif "," not in text and not role_word:
            last = max(inside, key=lambda m: m.end)
            if len(body[last.end:b].split()) > 3:
                return None        # "China's silence at the start of the offensive"
        role = None
        speaker_text = text
        if "," in text:                 # else fewer than two parts
            parts = [(m.start(), m.end()) for m in COMMA_PARTS.finditer(text)]
            if len(parts) >= 2:
                people = [m for m in inside if actors[m.actor_id].actor_type == "person"]
                named = next(((s, e) for s, e in parts
                              if any(a + s <= m.start < a + e for m in people)), None) or \
                    next(((s, e) for s, e in parts if NAME_LIKE.fullmatch(text[s:e].strip())), None)
                if named:
                    others = [text[s:e].strip() for s, e in parts if (s, e) != named]
                    speaker_text = text[named[0]:named[1]].strip()
                    role = ", ".join(o for o in others if o) or None
        if role is None and roles is not None:
            m = role_hit if speaker_text is text else roles.search(speaker_text)
            if m and not any(a + m.start() >= x.start and a + m.end() <= x.end for x in inside
                             if actors[x.actor_id].actor_type != "person"):
                if FOR_OF.match(speaker_text[m.end():]):
                    role = speaker_text[m.start():]           # "spokesperson for the UN"
                elif m.start() < 40:
                    role = ARTICLE.sub("", speaker_text[:m.end()])
                else:
                    role = m.group(0)
        if role:
            role = ARTICLE.sub("", role)
        actor_id = self._choose(inside, actors, a, b)
        if (actor_id is None or actors[actor_id].actor_type != "person") \
                and NAME_LIKE.fullmatch(speaker_text) and speaker_text != text \
                and not speaker_text.lower().startswith(DETERMINERS):
            # a name set off by commas that the actor finder did not know
            # ("Oleksandra Kovalchuk, a member of ..."); not "The CPC, which
            # ...", a known body after an article
            actor_id = self._new_person(speaker_text, a + text.find(speaker_text), actors)
        if actor_id is None and low in PRONOUNS:
            self._by_pronoun = True
            return self._pronoun(low, a, b, mentions.items, actors, previous)
        if actor_id and all(m.how == "pronoun" for m in inside if m.actor_id == actor_id):
            speaker_text = actors[actor_id].name
        return _Speaker(speaker_text, actor_id, role, a, b)

    def _new_person(self, name: str, start: int, actors: dict[str, Actor]) -> str:
        """A speaker named in an appositive whom the actor finder did not know
        ("Oleksandra Kovalchuk, a member of ..."): a person of the story."""
        ident = f"person-{slug(name)}"
        if ident not in actors:
            self.new_actors[ident] = actors[ident] = Actor(ident, name, "person", self.main_iso3)
        mention = ActorMention(ident, name, start, start + len(name), "speaker")
        if mention not in self.new_mentions:
            self.new_mentions.append(mention)
        return ident

    @staticmethod
    def _choose(inside: list[ActorMention], actors: dict[str, Actor], a: int, b: int) -> str | None:
        """The speaking actor among the mentions of a subject: a person, else
        the longest body ("a spokesperson for Russia's foreign ministry")."""
        if not inside:
            return None
        people = [m for m in inside if actors[m.actor_id].actor_type == "person"]
        if people:
            return people[0].actor_id
        return max(inside, key=lambda m: (m.end - m.start, -m.start)).actor_id

    @staticmethod
    def _pronoun(word: str, a: int, b: int, mentions: list[ActorMention], actors: dict[str, Actor],
                 previous: list[Statement]) -> _Speaker | None:
        """A pronoun subject: the last speaker of that kind, else the last
        actor of that kind mentioned before it."""
        want = PRONOUNS[word]

        def fits(actor_id: str | None) -> bool:
            if actor_id is None or actor_id not in actors:
                return False
            person = actors[actor_id].actor_type == "person"
            return want == "any" or (want == "person") == person

        for s in reversed(previous):
            human = s.speaker_role is not None and want in ("person", "any")
            if s.start < a and (fits(s.speaker_actor_id) or human):
                return _Speaker(s.speaker, s.speaker_actor_id, s.speaker_role, a, b)
        earlier = [m for m in mentions if m.end <= a and fits(m.actor_id)]
        if earlier:
            m = earlier[-1]
            return _Speaker(actors[m.actor_id].name, m.actor_id, None, a, b)
        return None

    @staticmethod
    def _carried(body: str, sent: tuple[int, int], verb: int,
                 previous: list[Statement]) -> _Speaker | None:
        """A verb whose subject is the previous statement's ("... and said",
        ", adding"), in the same sentence."""
        gap = body[sent[0]:verb].rstrip().lower()
        if not (gap.endswith((" and", ",")) or gap == ""):
            return None
        for s in reversed(previous):
            if sent[0] <= s.start < verb or (s.verb_start is not None and sent[0] <= s.verb_start < verb):
                return _Speaker(s.speaker, s.speaker_actor_id, s.speaker_role, verb, verb)
        return None

    def _inverted(self, body, a, b, mentions, actors, previous) -> _Speaker | None:
        """"..., said the army's spokesperson, X." : the subject after the verb."""
        end = self._np_end(body, a, b)
        if end <= a:
            return None
        return self._speaker(body, a, end, mentions, actors, previous)

    @staticmethod
    def _np_end(body: str, a: int, b: int) -> int:
        m = NP_END.search(body[a:b])
        return a + m.start() if m else b
