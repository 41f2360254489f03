"""What the per-document step returns: an input's records, or why it was
rejected. Kept free of heavy imports, because these objects cross process
boundaries, go into the cache and come back out of it."""
from __future__ import annotations

from dataclasses import dataclass

from .headers import Header


@dataclass(frozen=True)
class Extracted:
    """Everything read from one input document."""
    document_id: str
    source_path: str
    source_sha256: str
    n_words: int
    rows: dict[str, list[dict]]                 # table name -> records
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """An input that did not become an alert."""
    source_path: str
    source_sha256: str | None
    stage: str
    reason: str


def document_id(header: Header, sha256: str) -> str:
    """Stable id of a document from what it is, not where or when it was read:
    series code, issue number (else volume and number) and publication date,
    so that fixing a typo in the text keeps the id. A document without a date
    or a number gets its file hash instead, never an id from a number alone."""
    code = header.series_code or "doc"
    if header.published_on and (header.issue_number is not None or header.volume_issue is not None):
        number = (str(header.issue_number) if header.issue_number is not None
                  else f"v{header.volume or 0}n{header.volume_issue}")
        return f"{code}-{number}-{header.published_on:%Y%m%d}"
    return f"{code}-x{sha256[:12]}"


def alert_id(doc_id: str, story_index: int) -> str:
    return f"{doc_id}-{story_index}"


__all__ = ["Extracted", "Rejected", "document_id", "alert_id"]
