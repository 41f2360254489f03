"""Thresholds and caps, in one place, each with the reason for its value."""

# Largest input file read. The biggest real alert page seen is ~120 kB of HTML;
# 5 MB leaves room for pages with inline images while keeping a hostile or
# mistaken input (a video renamed .html) from costing memory and time.
MAX_FILE_BYTES = 5 * 1024 * 1024

# Input files whose name ends with one of these are read; others are rejected
# with a clear reason (never silently skipped).
FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
           ".html": "html", ".htm": "html"}

# Share of control characters (other than tab/newline/CR) above which decoded
# text is taken for binary content. Real alerts have none; random bytes decoded
# as Windows-1252/Latin-1 have ~12 %.
MAX_CONTROL_SHARE = 0.01

# Text that is not UTF-8 is read as Windows-1252 when at most this share of
# its letters is non-ASCII: an English alert has a few accented names
# (~1 %; a short accented line ~15 %), while Cyrillic or Greek bytes misread
# as Windows-1252 are almost all non-ASCII (>80 %); those go to
# charset-normalizer instead.
MAX_NON_ASCII_CP1252 = 0.5

# Lines searched for the issue header when a document has no section heading
# to bound the front matter. Real pages put it within the first ~20 lines.
HEADER_SEARCH_LINES = 40

# A line of at most this many words, without closing punctuation, can be a
# heading (story title, author line, sub-heading). Story titles in the archive
# run to ~16 words; paragraphs are far longer.
HEADING_MAX_WORDS = 24

# A point heading ("First, the coup.") is a short noun phrase; longer first
# sentences are prose, not headings.
POINT_HEADING_MAX_WORDS = 12

# A story shorter than this and ending mid-sentence is taken for a truncated
# download (bad/truncated.txt has 6 words; the shortest real story has ~250).
TRUNCATED_MAX_WORDS = 60

# Caps that keep one hostile or mistaken input from costing unbounded time
# (the extractors compare mentions within a story, so a story's cost grows
# faster than its length). Real alerts have 1-6 stories of 250-3,000 words;
# the caps are 5-30x that. A document over a cap is rejected with the reason.
MAX_STORIES = 100
MAX_STORY_WORDS = 15_000
MAX_DOCUMENT_WORDS = 50_000

# A double quotation longer than this is a quote mark left open or misplaced,
# not a quote (the longest quoted passages in the archive are a few sentences,
# ~600 characters): it is not published as a statement, and the document gets
# a warning naming where it starts.
MAX_QUOTE_CHARS = 3_000

# HTML parsers check the open elements at each block tag, so parsing a page
# nested N deep costs N^2 (100,000 nested <div>s take 20 s to parse). Real
# pages nest 20-60 deep; above this many open elements a page is rejected
# before parsing (10,000 take 0.2 s).
MAX_HTML_DEPTH = 5_000


# ------------------------------------------------------------ extraction
# Cut-offs the extractors apply, each with the reason for its value. A change
# here changes the build's generation (the code is hashed), so every document
# is extracted again.

# A yearless date ("on 3 May") may lie this far after the issue (announced
# elections, planned talks); further is read as the previous year (a January
# issue's "in December").
FUTURE_DAYS = 60

# The most words a place name runs to ("Bosnia and Herzegovina" is 3,
# "Saint Vincent and the Grenadines" 5): longer word runs are cut into
# sub-spans of up to this many words before they are looked up.
MAX_NAME_WORDS = 6

# Gazetteer names that are also common words or surnames ("Hope", "Bush")
# must show they are places. A place outside the story's countries needs this
# many people, or to be a capital (the towns foreign news names are large).
FOREIGN_MIN_POPULATION = 150_000
# A place inside them needs this many, unless a locative word ("in", "near")
# or a kind word ("the town of") vouches for it: hamlets share names with
# people.
LOCAL_MIN_POPULATION = 1_000
# A place in another country the story names needs this many, or a locative
# word.
OTHER_MIN_POPULATION = 20_000

# A capitalised word may be a misspelt dictionary alias ("Wagnor") from this
# many letters: shorter words are one edit from too many real words.
FUZZY_MIN_LETTERS = 6
# ... one edit away below this length, two edits from it on (two edits in a
# six-letter word change a third of it).
FUZZY_TWO_EDITS_FROM = 9

# A single-quoted passage longer than this many words was an apostrophe
# misread as a quote mark (quoted words and titles run to a few words).
MAX_SINGLE_QUOTE_WORDS = 12

# Longest subject of a reporting verb taken as a speaker without an actor
# mention ("the ruling party's spokesman for foreign affairs").
MAX_PLAIN_SPEAKER_WORDS = 10
# Longest subject read as a noun phrase; a longer stretch is a clause, cut to
# its last part.
MAX_SUBJECT_WORDS = 14

# A mention in a story's first paragraph counts this many times towards its
# main country: alerts open with the main event ("On 3 May, the Mali
# government ...").
LEAD_WEIGHT = 2
# The lead's first country is the main one if it has this share of the top
# country's weight (an opener naming the country beats a later, slightly
# longer digression).
OPENER_SHARE = 0.75
