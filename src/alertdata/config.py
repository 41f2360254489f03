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
