"""Actors named in a story's text but not in the dictionary: mechanisms 3-6
of `ActorFinder` (`actors`) and the surnames that join them.

- titled       - people introduced by a title or role, and people named as
                 the subject of a reporting verb (`_titled`, `_named`);
- organisation - capitalised names with an organisation head word (`_organisations`);
- acronym      - "Name (ACR)" teaches the story an alias (`_acronyms`);
- fuzzy        - a capitalised word a small edit distance from a dictionary
                 alias (`_fuzzy`);
- surnames     - a person's last name alone is that person (`_surnames`).

Each is a function of the finder and the story's shared state (`_Story`),
called by `ActorFinder.find` in the order it lists.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..config import FUZZY_MIN_LETTERS, FUZZY_TWO_EDITS_FROM
from .actor_lexicon import _MEMO_LIMIT, Actor, _prefixes, _Target
from .text import fold, is_acronym, slug

if TYPE_CHECKING:
    from .actors import ActorFinder, _Story

# Lower-case words that may sit inside a personal name ("Abdel Fattah al-Burhan").
# Capitalised words that are titles elsewhere but parts of names inside one
# ("Hassan Sheikh Mohamud").
NAME_WORDS = {"sheikh", "abdel", "abdul", "mohamed", "mohammed", "muhammad"}
NAME_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "dos", "van", "von", "der", "du", "la", "le"}
# Words after which a capitalised name reports speech ("X said", "according to X").
REPORTING = {"said", "says", "told", "added", "stated", "announced", "warned", "wrote", "explained", "noted",
             "argued", "claimed", "insisted", "declared", "stressed", "tweeted", "posted", "urged",
             "accused", "denied", "confirmed", "reported", "called", "asked", "replied", "responded"}
# Prepositions after which an unknown capitalised name is a place, not a person.
LOCATIVE = {"in", "at", "near", "from", "to", "towards", "toward", "into", "outside", "around", "across", "of"}

_acronym_memo: dict[str, bool] = {}       # word -> `is_acronym` of it (bounded: `_MEMO_LIMIT`)


def _is_acronym(word: str) -> bool:
    hit = _acronym_memo.get(word)
    if hit is None:
        if len(_acronym_memo) >= _MEMO_LIMIT:
            _acronym_memo.clear()
        hit = _acronym_memo[word] = is_acronym(word)
    return hit


_HYPHEN_LOWER = re.compile(r"-[a-z]")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z0-9\-]{1,9})\)")
# Lower-case words inside an organisation's name, and words `_organisations`
# drops from the start of one.
_ORGANISATION_LINKS = ("of", "for", "and", "the", "'s")
_ORGANISATION_SKIP = ("the", "a", "an", "in", "on", "at", "by", "for", "and")
# Articles that open a role after a name and a comma ("X Y, a nurse": `_named`).
_ROLE_ARTICLES = ("a", "an", "the")


# ---------------------------------------------------------------- people

def _name_at(finder: ActorFinder, s: _Story, i: int) -> int:
    """End index of a personal name starting at token i (0 tokens: i)."""
    toks, texts, folded, cap, claimed, body = s.toks, s.texts, s.folded, s.cap, s.claimed, s.body
    n = len(toks)
    j = i
    while j < n and not claimed[j]:
        t = texts[j]
        if j > i and body[toks[j - 1].end:toks[j].start] not in (" ", "-"):
            break                                   # a name never spans punctuation
        if cap[j] and not _is_acronym(t) and (folded[j] not in finder._stop or
                                              (j > i and folded[j] in NAME_WORDS)):
            j += 1
        elif t.casefold() in NAME_PARTICLES and j + 1 < n and cap[j + 1] and j > i:
            j += 1
        elif "-" in t and t.split("-")[-1][:1].isupper() and t.split("-")[0].casefold() in NAME_PARTICLES:
            j += 1                                  # "al-Burhan"
        else:
            break
        if j - i >= 5:
            break
    return j


def _country_before(finder: ActorFinder, s: _Story, i: int) -> str | None:
    """ISO3 of a demonym or "Country's" just before token i."""
    if i >= 1 and s.folded[i - 1] in finder.demonym_of:
        return finder.demonym_of[s.folded[i - 1]]
    if i >= 2 and s.texts[i - 1] == "'s":
        return finder._country(s.texts[i - 2])
    return None


def _person(finder: ActorFinder, actors, name: str, iso3: str | None, body_kind: str | None) -> str:
    ident = f"person-{slug(name)}"
    if ident not in actors:
        aff = None
        if body_kind and iso3:
            aff = finder._record(_Target("body", body_kind, iso3), actors)
        actors[ident] = Actor(ident, name, "person", iso3, aff)
    return ident


def _titled(finder: ActorFinder, s: _Story, main_iso3) -> None:
    toks, folded, claimed, body = s.toks, s.folded, s.claimed, s.body
    titles = finder.titles_by_first
    for i in s.tokens.title_at:
        if claimed[i]:
            continue
        for title_words, body_kind in titles[folded[i]]:
            n = len(title_words)
            if folded[i:i + n] != title_words:
                continue
            j = i + n
            # "President of Kenya William Ruto" is rare; "Kenyan President William Ruto" is usual
            end = _name_at(finder, s, j)
            if end == j or end - j > 4 or body[toks[j - 1].end:toks[j].start] != " ":
                break         # no name, or none right after the title ("the governor. Gunmen")
            iso3 = _country_before(finder, s, i) or main_iso3
            name = body[toks[j].start:toks[end - 1].end]
            ident = _person(finder, s.actors, name, iso3, body_kind)
            start = i if s.cap[i] else j
            s.claim(start, end, ident, "titled")
            break


def _named(finder: ActorFinder, s: _Story, main_iso3) -> None:
    """People named without a title: "X Y said", "according to X Y",
    "X Y, a nurse", names with particles ("al-Bashir"), and other
    unknown two- or three-word names."""
    toks, texts, folded, cap, claimed, body = s.toks, s.texts, s.folded, s.cap, s.claimed, s.body
    n = len(toks)
    for i in s.caps:
        if claimed[i] or (i > 0 and cap[i - 1] and not claimed[i - 1]):
            continue
        # `_name_at` goes past token i only to an unclaimed token after a
        # space or hyphen that is capitalised, a particle or hyphenated
        k = i + 1
        if k == n or not (cap[k] or "-" in texts[k] or texts[k].casefold() in NAME_PARTICLES) or claimed[k] \
                or toks[k].start - toks[i].end != 1 or body[toks[i].end] not in " -":
            continue
        end = _name_at(finder, s, i)
        if end - i < 2:
            continue
        after = folded[end] if end < n else ""
        before = " ".join(folded[max(0, i - 2):i])
        role = end + 1 < n and body[toks[end - 1].end:toks[end].start].strip() == "," and \
            folded[end] in _ROLE_ARTICLES and not cap[end + 1]
        # a particle makes a name ("Abdel Fattah al-Burhan"), unless the
        # place finder read the whole of it as a place ("Mocímboa da Praia")
        particle = any(t.casefold().split("-")[0] in NAME_PARTICLES for t in texts[i + 1:end]) \
            and not _a_place(finder, toks[i].start, toks[end - 1].end)
        if after in REPORTING or before.endswith("according to") or role or particle or \
                _unknown_name(finder, s, i, end):
            name = body[toks[i].start:toks[end - 1].end]
            if finder.countries.lookup(name) or fold(name) in finder.capitals or any(
                    finder._country(texts[k]) or folded[k] in finder.demonym_of
                    or folded[k] in finder.heads for k in range(i, end)):
                continue
            s.claim(i, end, _person(finder, s.actors, name, main_iso3, None), "person")


def _a_place(finder: ActorFinder, start: int, end: int) -> bool:
    """Whether a place mention covers [start, end)."""
    return any(s <= start and end <= e for s, e in finder._places)


def _unknown_name(finder: ActorFinder, s: _Story, i: int, end: int) -> bool:
    """Two or three capitalised words that are nothing else the story
    knows (no place, country, demonym, month or stop word) and do not open
    a sentence are taken for a person's name."""
    if not 2 <= end - i <= 3:
        return False
    toks, body = s.toks, s.body
    if i == 0 or body[toks[i - 1].end:toks[i].start].strip() in (".", "!", "?", '"', "“", "”") \
            or "\n" in body[toks[i - 1].end:toks[i].start]:
        return False
    if fold(body[toks[i].start:toks[end - 1].end]) in finder.demonym_of:
        return False                                # "Sri Lankan"
    if s.folded[i - 1] in LOCATIVE:
        return False                                # "near Mung Lai Hkyet" is a place
    for k in range(i, end):
        t, f = s.texts[k], s.folded[k]
        if f in finder._stop or f in finder.demonym_of or finder._country(t) or f in finder.heads \
                or f in finder._site_heads or _HYPHEN_LOWER.search(t) and not \
                t.split("-")[0].casefold() in NAME_PARTICLES:
            return False
    return not any(start < toks[end - 1].end and toks[i].start < e for start, e in finder._places)


def _surnames(finder: ActorFinder, s: _Story) -> None:
    """A person's last name alone ("Maiga said") is that person."""
    last = {}
    for a in s.actors.values():
        if a.actor_type == "person":
            parts = a.name.split()
            if len(parts) >= 2:
                last.setdefault(fold(parts[-1]), a.actor_id)
                if len(parts) >= 3:
                    last.setdefault(fold(" ".join(parts[-2:])), a.actor_id)
    if not last:
        return
    # `fold` of "X Y" starts with `fold` of X: a token whose folded text
    # begins no surname starts none
    begins = _prefixes(last)
    texts, folded, claimed = s.texts, s.folded, s.claimed
    n = len(texts)
    for i in s.caps:
        if claimed[i] or folded[i] not in begins:
            continue
        if i + 1 < n and fold(f"{texts[i]} {texts[i + 1]}") in last and not claimed[i + 1]:
            s.claim(i, i + 2, last[fold(f"{texts[i]} {texts[i + 1]}")], "surname")
        elif folded[i] in last:
            s.claim(i, i + 1, last[folded[i]], "surname")


# ---------------------------------------------------------------- organisations

def _organisations(finder: ActorFinder, s: _Story, main_iso3) -> None:
    """Capitalised names with an organisation head word."""
    toks, texts, folded, cap, claimed, body = s.toks, s.texts, s.folded, s.cap, s.claimed, s.body
    heads, tails = finder.heads, finder._head_tails
    n = len(toks)
    resume = 0
    for i in s.caps:
        if i < resume or claimed[i]:
            continue
        # the run of capitalised words (and inner "of", "for", ...) from
        # token i, joined by a space, a hyphen or nothing
        j = i + 1
        while j < n and (cap[j] or (texts[j].casefold() in _ORGANISATION_LINKS and j + 1 < n and cap[j + 1])) \
                and not claimed[j] and body[toks[j - 1].end:toks[j].start] in (" ", "-", ""):
            j += 1
        if j - i == 1:
            # one word: no organisation (a head needs a word before it),
            # and skipped as below
            resume = j + 1 if folded[i] in _ORGANISATION_SKIP else j
            continue
        words = folded[i:j]
        kind = None
        if words and words[0] in ("ministry", "council", "committee", "commission") and len(words) >= 3:
            kind = "government"
        for k in range(len(words), 0, -1):
            if kind:
                break
            if words[k - 1] not in tails:       # no head ends with this word
                continue
            for m in (2, 1):
                if k - m >= 1 and " ".join(words[k - m:k]) in heads:
                    kind = heads[" ".join(words[k - m:k])]
                    # "Committee of Sudan Doctors": the head's complement belongs to the name
                    j = i + (len(words) if k < len(words) and words[k] in ("of", "for") else k)
                    break
        while i < j and folded[i] in _ORGANISATION_SKIP:
            i += 1
        if kind and j - i >= 2:
            name = body[toks[i].start:toks[j - 1].end]
            iso3 = None
            for k in range(i, j):
                iso3 = iso3 or finder.demonym_of.get(folded[k]) or finder._country(texts[k])
            if iso3 is None and kind in ("government", "political_party", "rebel_group"):
                iso3 = main_iso3
            ident = f"org-{slug(name)}"
            s.actors.setdefault(ident, Actor(ident, name, kind, iso3))
            s.claim(i, j, ident, "organisation")
        resume = max(j, i + 1)


def _acronyms(finder: ActorFinder, s: _Story) -> None:
    """"Name (ACR)": the acronym names the same actor from then on."""
    learnt = {}
    body = s.body
    for m in s.mentions:
        a = _ACRONYM_AFTER.match(body, m.end, m.end + 14)
        if a and is_acronym(a.group(1)):
            learnt[a.group(1)] = m.actor_id
    if not learnt:
        return
    texts, claimed = s.texts, s.claimed
    for i in s.caps:                        # an acronym starts with a capital
        if not claimed[i] and texts[i] in learnt:
            s.claim(i, i + 1, learnt[texts[i]], "acronym")


def _fuzzy(finder: ActorFinder, s: _Story) -> None:
    """A capitalised word one or two edits from a dictionary alias of at
    least six letters, with the same first letter ("Wagnor")."""
    texts, folded, claimed = s.texts, s.folded, s.claimed
    names, memo = finder._fuzzy_names, finder._fuzzy_memo
    for i in s.caps:
        k = folded[i]
        if claimed[i] or len(k) < FUZZY_MIN_LETTERS or k in names or k in finder._stop or k in finder.demonym_of \
                or finder._country(texts[i]):
            continue
        if k in memo:
            target = memo[k]
        else:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            target = memo[k] = _fuzzy_target(finder, k)
        if target is not None:
            s.claim(i, i + 1, finder._record(target, s.actors), "fuzzy")


def _fuzzy_target(finder: ActorFinder, k: str) -> _Target | None:
    """The dictionary alias nearest to folded word k, if close enough and
    with k's first letter (a pure function of k, so memoised)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    limit = 1 if len(k) < FUZZY_TWO_EDITS_FROM else 2
    best = process.extractOne(k, finder._fuzzy_choices, scorer=Levenshtein.distance, score_cutoff=limit)
    if best and best[0][0] == k[0]:
        return finder._fuzzy_names[best[0]]
    return None
