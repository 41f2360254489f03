"""Which clause of a sentence each of its dates governs, for `events`."""
from __future__ import annotations

import re

from .dates import DateMention

# Where a clause starts within a sentence: a date's event lies after it.
CLAUSE_BREAK = re.compile(r";|,\s+(?:and|but|while|whereas|before|after|when|until)\b|"
                          r"\s+(?:and|but)\s+(?=(?:they|he|she|it|the|its|their)\b)")
OPENING = re.compile(r"\W*(?:(?:earlier|later|then|also|and|but|previously|meanwhile)\W+)*", re.I)


def clause_regions(body: str, sent: tuple[int, int], dates: list[DateMention]) -> list[tuple[int, int]]:
    """The clause each date governs. A sentence that opens with its date
    ("On 3 May, X did Y") dates what follows each date; one that ends
    with it ("X did Y on 3 May") what precedes it. A clause break
    (";", ", and", ", when") between two dates separates their clauses."""
    opening = OPENING.fullmatch(body[sent[0]:dates[0].start]) is not None
    cuts = []
    for k in range(1, len(dates)):
        lo, hi = dates[k - 1].end, dates[k].start
        breaks = list(CLAUSE_BREAK.finditer(body, lo, hi))
        if breaks:
            cuts.append(breaks[-1].start() if opening else breaks[0].start())
        else:
            cuts.append(hi if opening else lo)
    edges = [sent[0], *cuts, sent[1]]
    return [(edges[k], edges[k + 1]) for k in range(len(dates))]


def drop_range_ends(body: str, dates: list[DateMention]) -> list[DateMention]:
    """"between 28 April and 1 May": the range is dated by its start."""
    out = []
    for d in dates:
        if out and out[-1].cue in ("between", "from") and \
                body[out[-1].end:d.start].strip().lower() in ("and", "to", "-", "–", "until"):
            continue
        out.append(d)
    return out
