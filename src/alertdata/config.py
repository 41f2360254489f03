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
