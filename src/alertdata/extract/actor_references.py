"""Actors a story names by way of a country or of what came before:
mechanisms 7 and 8 of `ActorFinder` (`actors`).

- states     - a country or its capital acting ("Russia said", "Paris
               announced", "backed by Russia"): its state, or the story's
               own country's government (`_states`);
- references - "the army", "the junta" -> the story's country's body; "the
               group", "the alliance", "he" -> the nearest earlier
               compatible actor (`_references`).

Each is a function of the finder and the story's shared state (`_Story`),
called by `ActorFinder.find` after the mechanisms of `actor_names`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from .actor_lexicon import _MEMO_LIMIT, _Target
from .actor_names import REPORTING
from .text import fold

if TYPE_CHECKING:
    from .actors import ActorFinder, _Story

# A following word that shows a country or capital acting, not being a place.
ACTING = REPORTING | {
    "has", "have", "had", "is", "was", "will", "would", "could", "should", "may", "might", "must", "can",
    "did", "does", "wants", "sought", "seeks", "agreed", "signed", "sent", "sends", "deployed", "launched",
    "withdrew", "expelled", "suspended", "imposed", "supported", "supports", "backed", "backs", "welcomed",
    "threatened", "refused", "decided", "pledged", "offered", "promised", "provided", "granted", "recognised",
    "recognized", "hosted", "hosts", "joined", "rejected", "condemned", "demanded", "blamed", "attacked",
    "struck", "launched", "vetoed", "mediated", "brokered", "delivered", "supplied", "accused", "urged",
    "responded", "retaliated", "invaded", "annexed", "sanctioned", "recalled", "summoned", "closed",
    "opened", "ordered", "continues", "continued", "began", "started", "stopped", "ended", "plans",
    "planned", "intends", "aims", "hopes", "fears", "considers", "considered", "views", "maintains"}
BEFORE_ACTING = {"by", "with", "against"}
# A country or capital after these is where something happens, not who acts.
LOCATIVE_BEFORE = {"in", "at", "near", "inside", "outside", "within", "throughout"}
_PAST_VERB = re.compile(r"[a-z]{3,}ed")
_COMPOUND_ACTING = re.compile(r"-(backed|led|brokered|sponsored)\b")
# A relative clause after a name, and the word after it: the name's verb.
_RELATIVE_THEN = re.compile(r",\s+(?:which|who)\b[^.;!?]{0,200}?,\s+([a-z]+)\b")
# `CountryIndex.lookup` drops a leading "the" and the white space after it
# (in any case) from a name: only a token that is such a "the" can lose it.
_THE_WORD = re.compile(r"the", re.I)


# ---------------------------------------------------------------- states

def _states(finder: ActorFinder, s: _Story, main_iso3) -> None:
    """Countries and capitals that act: followed by a verb, or after "by"/"with".
    The story's own country acting is its government ("Mali accused ...")."""
    toks, texts, folded, claimed, body = s.toks, s.texts, s.folded, s.claimed, s.body
    countries, capitals = finder.countries, finder.capitals
    n = len(toks)
    memo = finder._state_memo
    resume = 0                      # past a country found, acting or not
    for i in s.caps:
        if i < resume or claimed[i]:
            continue
        t = texts[i]
        may = memo.get(t)
        if not (_may_start_country(finder, t, folded[i]) if may is None else may):
            continue            # no phrase from here on is a country or a capital
        # the longest phrase of 4, 3, 2 or 1 unclaimed tokens that is one
        iso3 = None
        if i + 1 < n and not claimed[i + 1] and \
                _may_name_country(finder, s, i, len(t) == 3 and _THE_WORD.fullmatch(t) is not None):
            for m in (4, 3, 2):
                if i + m > n or True in claimed[i:i + m]:
                    continue
                phrase = body[toks[i].start:toks[i + m - 1].end]
                iso3 = countries.lookup(phrase) or capitals.get(fold(phrase))
                if iso3:
                    j = i + m
                    break
        if not iso3:
            iso3 = finder._country(t) or capitals.get(folded[i])      # token i alone
            if not iso3:
                continue
            j = i + 1
        resume = j
        after = folded[j] if j < n else ""
        before = folded[i - 1] if i else ""
        if i >= 1 and texts[i - 1].casefold() == "the":         # "brokered by the US"
            before = folded[i - 2] if i >= 2 else ""
        nxt = texts[j] if j < n else ""
        stop = toks[j - 1].end
        if before in LOCATIVE_BEFORE or (nxt[:1].isupper() and body[stop:toks[j].start] == " "):
            continue        # a place ("leaders meeting in Brussels agreed"), or part of
            #                 a longer name ("the OSCE Minsk Group", "Niger State")
        acting = after in ACTING or before in BEFORE_ACTING or (
            _PAST_VERB.fullmatch(nxt) is not None and body[stop:toks[j].start] == " ") or (
            body[stop:stop + 1] == "-" and _COMPOUND_ACTING.match(body, stop)) or (
            after == "and" and j + 1 < n and finder._country(texts[j + 1])
            and j + 2 < n and folded[j + 2] in ACTING)
        if not acting and body[stop:stop + 1] == ",":
            # "The US, which has 1,100 troops there, has suspended aid"
            rel = _RELATIVE_THEN.match(body, stop)
            acting = rel is not None and (rel.group(1) in ACTING or _PAST_VERB.fullmatch(rel.group(1)) is not None)
        if acting:
            target = _Target("body", "government", iso3) if iso3 == main_iso3 else _Target("state", "", iso3)
            s.claim(i, j, finder._record(target, s.actors), "state")


def _may_start_country(finder: ActorFinder, t: str, key: str) -> bool:
    """Whether a phrase starting with token text t (`fold`ed: key) may be
    a country name or a capital: only if t case-folded begins a name, or
    is a "the" that `lookup` drops, or key begins a capital (`fold` of the
    phrase starts with it). Memoised: a pure function of t."""
    memo = finder._state_memo
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    may = memo[t] = (len(t) == 3 and _THE_WORD.fullmatch(t) is not None) or \
        t.casefold() in finder._country_prefixes or key in finder._capital_prefixes
    return may


def _may_name_country(finder: ActorFinder, s: _Story, i: int, the: bool) -> bool:
    """Whether a phrase of two or more tokens from token i on may be a
    country name or a capital. Such a phrase starts with the text of
    tokens i and i+1 (and the gap between), so its case-folded text
    starts with theirs, and its `fold` with their `fold`; unless
    `lookup` drops a "the" and the white space after it, and then the
    name starts with token i+1."""
    toks, body, texts, folded = s.toks, s.body, s.texts, s.folded
    countries = finder._country_prefixes
    gap = body[toks[i].end:toks[i + 1].start]
    if gap == " ":
        # The usual case, without slicing and folding a new string:
        # case folding goes character by character, and `fold` of "X Y"
        # is `fold` of X, a space, `fold` of Y when neither is empty (no
        # step of `fold` joins or drops anything across a single space).
        if f"{texts[i].casefold()} {texts[i + 1].casefold()}" in countries:
            return True
        if folded[i] and folded[i + 1]:
            if f"{folded[i]} {folded[i + 1]}" in finder._capital_prefixes:
                return True
        elif fold(f"{texts[i]} {texts[i + 1]}") in finder._capital_prefixes:
            return True
        return the and texts[i + 1].casefold() in countries
    two = body[toks[i].start:toks[i + 1].end]
    if two.casefold() in countries or fold(two) in finder._capital_prefixes:
        return True
    if the and gap[:1].isspace():
        return not gap.isspace() or texts[i + 1].casefold() in countries
    return False


# ---------------------------------------------------------------- references

def _references(finder: ActorFinder, s: _Story, main_iso3) -> None:
    """Generic bodies, short references and pronouns, resolved backwards."""
    toks, keys, folded, cap, claimed, body, actors = s.toks, s.keys, s.folded, s.cap, s.claimed, s.body, \
        s.actors
    n = len(toks)
    generic, refs, pronouns = finder.generic.lengths, finder.refs, finder.pronouns
    # The mentions so far by start (spans never overlap, so starts are
    # unique), and those of people: "earlier" is the latest one before a
    # position that fits.
    order = sorted((m.start, m.actor_id) for m in s.mentions)
    starts = [start for start, _ in order]
    ids = [ident for _, ident in order]
    people = [(start, ident) for start, ident in order if actors[ident].actor_type == "person"]
    person_starts = [start for start, _ in people]
    person_ids = [ident for _, ident in people]

    def earlier(pos: int, ok) -> str | None:
        k = bisect_left(starts, pos) - 1
        while k >= 0:
            if ok(actors[ids[k]]):
                return ids[k]
            k -= 1
        return None

    def claim(i: int, j: int, ident: str, how: str) -> None:
        if s.claim(i, j, ident, how):
            start = toks[i].start
            k = bisect_left(starts, start)
            starts.insert(k, start)
            ids.insert(k, ident)
            if actors[ident].actor_type == "person":
                k = bisect_left(person_starts, start)
                person_starts.insert(k, start)
                person_ids.insert(k, ident)

    # only tokens that may start a generic body, a two-word reference
    # ("the group" starts with the folded "the") or be a pronoun
    seconds = finder._ref_seconds
    own: dict[tuple[str, str], str] = {}        # (kind, key) -> the main country's body
    for i in s.tokens.reference_at:
        if claimed[i]:
            continue
        hit = finder.generic.match(toks, i, keys) if keys[i] in generic else None
        if hit:
            j, target = hit
            if cap[j - 1] and i > 0 and cap[i - 1]:
                continue            # part of a longer name
            # the story's own country's body, unless the story has no country
            kind = "body" if target.kind == "body" else "ministry"
            if main_iso3:
                # (recorded once: `_record` of a recorded body only names it)
                ident = own.get((kind, target.key))
                if ident is None:
                    ident = own[kind, target.key] = finder._record(_Target(kind, target.key, main_iso3), actors)
            else:
                prefix = f"{target.key}-" if kind == "body" else f"ministry-{target.key}-"
                ident = earlier(toks[i].start, lambda a: a.actor_id.startswith(prefix))
            if ident:
                claim(i, j, ident, "reference")
            continue
        # (a two-word reference ends with one of `seconds`)
        two = i + 1 < n and folded[i + 1] in seconds and f"{folded[i]} {folded[i + 1]}"
        if two in refs:
            types = refs[two]
            noun = two.split()[1]
            ident = earlier(toks[i].start, lambda a: a.actor_type in types and noun in fold(a.name)) or \
                earlier(toks[i].start, lambda a: a.actor_type in types and noun in ("group", "militants",
                        "jihadists", "insurgents", "rebels", "militia", "mercenaries", "company", "party"))
            if ident:
                claim(i, i + 2, ident, "reference")
            continue
        if folded[i] in pronouns:
            # the latest person before the pronoun, if mentioned at most
            # a paragraph back
            pos = toks[i].start
            k = bisect_left(person_starts, pos) - 1
            if k >= 0 and body.count("\n", person_starts[k], pos) <= 1:
                claim(i, i + 1, person_ids[k], "pronoun")
