"""The orchestrator. `build()` runs the stages in order:

1. discover  - input files under the given folders (ingest.discover)
2. read      - bytes, with the size cap (ingest.read_bytes)
3. ingest    - decode and normalise into lines (ingest.ingest)
4. segment   - header, stories, sections, points (segment.segment)
5. extract   - facts per story (extract/*)
6. tables    - records -> keyed DataFrames, duplicates resolved (tables.assemble)
7. validate  - pandera models, keys and spans (validate.validate_tables)
8. export    - Parquet, CSV, DuckDB, data package, codebook, checksums,
               swapped in atomically (export)

Steps 3-5 are one pure function of (path, bytes, reference data):
`process()`; only 1-2 and 8 touch files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .extract.story import actor_rows, extractors, event_rows, location_rows, statement_rows, story_facts
from .ingest import Reject, Source, discover, ingest, read_bytes, sha256
from .reference import Reference, load_reference
from .segment import Segmented, check_complete, segment
from .tables import Extracted, Rejected, alert_id, assemble, document_id
from .validate import ValidationFailed, validate_tables


class BuildError(Exception):
    """The build could not publish; the message says why and what to do."""


@dataclass
class BuildReport:
    out: Path
    documents: int = 0
    stories: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    rejects: list[Rejected] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)   # (source_path, warning)
    published: bool = False

    def summary(self) -> str:
        """One screen: what was read, what came out, what was rejected."""
        lines = [f"documents read: {self.documents}", f"stories:        {self.stories}", "rows:"]
        lines += [f"  {name:<18} {n:>8,}" for name, n in self.rows.items()]
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
            lines += [f"  {path}: {w}" for path, w in self.warnings]
        lines.append(f"rejects: {len(self.rejects)}")
        lines += [f"  {r.source_path} [{r.stage}]: {r.reason}" for r in self.rejects]
        lines.append(f"published: {self.out}" if self.published else "nothing published")
        return "\n".join(lines)


# ---------------------------------------------------------------- per document

def extract_document(seg: Segmented, ref: Reference) -> Extracted:
    """Records of every table for one segmented document."""
    doc, h = seg.document, seg.header
    doc_id = document_id(h, doc.source_sha256)
    ex = extractors(ref)
    alerts, sections = [], []
    actors, actor_mentions, locations, location_mentions = [], [], [], []
    statements, events = [], []
    for story in seg.stories:
        aid = alert_id(doc_id, story.story_index)
        found = story_facts(story.title, story.body, h.published_on, ex)
        statements += statement_rows(aid, found.statements)
        events += event_rows(aid, found.events)
        actors += actor_rows(found.actors)
        actor_mentions += [{"alert_id": aid, "actor_id": m.actor_id, "surface": m.surface,
                            "char_start": m.start, "char_end": m.end} for m in found.actor_mentions]
        fallback = found.country_place
        used = fallback is not None and any(e.location_id == fallback.location_id for e in found.events)
        locations += location_rows(found.place_mentions, [fallback] if used else [])
        location_mentions += [{"alert_id": aid, "location_id": m.place.location_id, "surface": m.surface,
                               "char_start": m.start, "char_end": m.end} for m in found.place_mentions]
        alerts.append({
            "alert_id": aid, "document_id": doc_id, "source_path": doc.source_path,
            "source_sha256": doc.source_sha256, "source_format": doc.source_format,
            "series": h.series, "series_as_printed": h.series_as_printed,
            "issue_number": h.issue_number, "issue_number_end": h.issue_number_end,
            "volume": h.volume, "volume_issue": h.volume_issue, "published_on": h.published_on,
            "story_index": story.story_index, "title": story.title, "issue_title": seg.issue_title,
            "authors": list(story.authors),
            "country_iso3": found.main_iso3,
            "body": story.body, "n_words": story.n_words})
        for k, s in enumerate(story.sections, 1):
            sections.append({"alert_id": aid, "section_index": k, "section": s.section,
                             "point_index": s.point_index, "heading": s.heading,
                             "char_start": s.char_start, "char_end": s.char_end})
    return Extracted(document_id=doc_id, source_path=doc.source_path,
                     source_sha256=doc.source_sha256,
                     n_words=sum(s.n_words for s in seg.stories),
                     rows={"alerts": alerts, "sections": sections, "actors": actors,
                           "actor_mentions": actor_mentions, "locations": locations,
                           "location_mentions": location_mentions, "statements": statements, "events": events},
                     warnings=seg.warnings)


def process(source_path: str, raw: bytes, ref: Reference) -> Extracted | Rejected:
    """One input's bytes -> its records, or the reason it was rejected.
    Pure: the same arguments always give the same result."""
    digest = sha256(raw)
    try:
        doc = ingest(Source(Path(source_path), source_path), raw)
        seg = segment(doc, ref)
        check_complete(seg)
        return extract_document(seg, ref)
    except Reject as e:
        return Rejected(source_path, digest, e.stage, e.reason)
    except Exception as e:  # a bug must cost one document, never the build
        return Rejected(source_path, digest, "extract",
                        f"internal error ({type(e).__name__}: {e}); please report this file")


def _unreadable_sha(source: Source) -> str | None:
    """Hash a file that was not read into memory (over the size cap)."""
    try:
        return export.file_sha256(source.path)
    except OSError:
        return None


def read_all(sources: list[Source], ref: Reference) -> list[Extracted | Rejected]:
    results = []
    for src in sources:
        try:
            raw = read_bytes(src)
        except Reject as e:
            results.append(Rejected(src.source_path, _unreadable_sha(src), e.stage, e.reason))
            continue
        results.append(process(src.source_path, raw, ref))
    return results


# ---------------------------------------------------------------- build

def build(inputs, out="output", *, strict: bool = False) -> BuildReport:
    """Build a release from input files/folders into `out` (see module doc).

    Rejected inputs are reported in the `rejects` table and the report
    (a build whose every input is rejected still publishes them); with
    `strict`, any reject stops the build before publishing. Raises
    BuildError when nothing can be published; `out` is then untouched."""
    inputs = [Path(p) for p in (inputs or ["seeds"])]
    out = Path(out)
    ref = load_reference()
    try:
        sources = discover(inputs)
    except FileNotFoundError as e:
        raise BuildError(f"{e}; give files or folders of alerts") from e
    if not sources:
        raise BuildError(f"no input files under {', '.join(map(str, inputs))}")
    results = read_all(sources, ref)
    assembled = assemble(results)
    report = BuildReport(out=out, documents=len(sources), rejects=assembled.rejected,
                         warnings=[(d.source_path, w) for d in assembled.kept for w in d.warnings])
    if strict and assembled.rejected:
        raise BuildError(f"--strict: {len(assembled.rejected)} input(s) rejected, nothing published:\n"
                         + "\n".join(f"  {r.source_path} [{r.stage}]: {r.reason}"
                                     for r in assembled.rejected))
    if not assembled.kept:   # still published: the rejects table accounts for every input
        report.warnings.append(("*", f"no alerts: all {len(sources)} input(s) were rejected"))
    try:
        tables = validate_tables(assembled.tables)
    except ValidationFailed as e:
        report_path = out.parent / f"{out.name}-validation-report.md"
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(e.report, encoding="utf-8")
        raise BuildError(f"validation failed ({e.n_failures} failure(s)); nothing published, "
                         f"{out} is unchanged. Details: {report_path}") from e
    try:
        with export.staging(out) as tmp:
            export.write_release(tables, tmp)
            export.swap_in(tmp, out)
    except export.PublishError as e:
        raise BuildError(str(e)) from e
    report.rows = {name: len(df) for name, df in tables.items()}
    report.stories = len(tables["alerts"])
    report.published = True
    return report


def inspect_file(path) -> tuple[Segmented | None, Extracted | Rejected]:
    """How one file is read: its segmentation and its records (or reject)."""
    path = Path(path)
    ref = load_reference()
    raw = path.read_bytes()
    result = process(path.name, raw, ref)
    seg = None
    if isinstance(result, Extracted):
        seg = segment(ingest(Source(path, path.name), raw), ref)
    return seg, result


__all__ = ["build", "process", "inspect_file", "BuildReport", "BuildError"]
