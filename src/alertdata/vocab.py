"""Controlled vocabularies of the published tables, in one light module so that
the reference checks and the pandera models use the very same lists."""

SECTIONS = ["in_the_news", "issues_at_large", "in_perspective", "other"]
FORMATS = ["txt", "html", "md"]
PRECISIONS = ["day", "month", "year"]
ACTOR_TYPES = ["state", "government", "military", "police", "rebel_group", "militant_group", "pmc",
               "political_party", "igo", "ngo", "media", "person", "civilians", "other"]
FEATURE_TYPES = ["country", "admin1", "admin2", "city", "town", "village", "region", "site", "other"]
STATEMENT_KINDS = ["direct", "partial", "indirect"]
EVENT_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
               "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
               "ASSAULT", "OTHER"]
CERTAINTIES = ["reported", "alleged", "planned"]
STAGES = ["read", "decode", "segment", "extract", "validate", "dedupe"]
