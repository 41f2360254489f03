"""The command line: thin wrappers over the library (see `alertdata --help`)."""
from __future__ import annotations

from pathlib import Path

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="alertdata")
def main() -> None:
    """Turn conflict-analysis alerts (text, Markdown, saved HTML) into a
    validated open dataset: Parquet, CSV, DuckDB, a Frictionless data
    package, a codebook and checksums."""


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Release folder to (re)place; the previous release stays intact until the "
                   "new one is complete and valid.")
@click.option("--strict", is_flag=True,
              help="Fail, publishing nothing, if any input is rejected.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that extract documents in parallel [default: the machine's cores]. "
                   "The output is byte-identical whatever the number.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Extract on the Dask distributed cluster at ADDRESS (e.g. tcp://host:8786) "
                   "instead of local processes; needs `pip install 'alertdata[dask]'` here and "
                   "the same alertdata version on the workers.")
@click.option("--no-cache", is_flag=True,
              help="Read and hash every file and re-extract every document, ignoring (and not "
                   "updating) the cache of earlier results and file hashes kept under "
                   "$ALERTDATA_CACHE (default ~/.cache/alertdata).")
@click.option("--partition-by", type=click.Choice(["year"]), default=None,
              help="Also split the Parquet files of tables keyed by alert into "
                   "parquet/<table>/year=YYYY/ folders, for lazy readers of very large builds.")
def build(inputs: tuple[Path, ...], out: Path, strict: bool, jobs: int | None, scheduler: str | None,
          no_cache: bool, partition_by: str | None) -> None:
    """Build the dataset from INPUTS (files or folders; default: seeds/).

    Every input ends up either as alerts or as a row of the `rejects` table
    with its reason. Only documents that are new or changed since an earlier
    build are extracted again, and a release already built from the same
    inputs is left as it is. Exits 0 when a release was published, 1 when
    nothing could be published (the previous release is then untouched)."""
    from .pipeline import BuildError, build as run_build
    from .reference import ReferenceError as ReferenceDataError

    try:
        report = run_build(list(inputs) or [Path("seeds")], out, strict=strict, jobs=jobs,
                           scheduler=scheduler, use_cache=not no_cache, partition_by=partition_by)
    except (BuildError, ReferenceDataError) as e:   # broken etl/ data: file, line and entry, no traceback
        raise click.ClickException(str(e)) from e
    click.echo(report.summary())


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(file: Path) -> None:
    """Show how one alert FILE is read: header fields, stories, sections and
    points with headings and spans, the actors and places found with their
    spans, or why the file is rejected."""
    from .pipeline import inspect_file
    from .records import Rejected
    from .reference import ReferenceError as ReferenceDataError

    try:
        seg, result = inspect_file(file)
    except ReferenceDataError as e:      # broken etl/ data: file, line and entry, no traceback
        raise click.ClickException(str(e)) from e
    if isinstance(result, Rejected):
        click.echo(f"{file}: rejected at stage '{result.stage}': {result.reason}")
        raise SystemExit(1)
    h = seg.header
    click.echo(f"file:        {file} ({seg.document.source_format}, {seg.document.encoding})")
    click.echo(f"document:    {result.document_id}")
    for name in ("series", "series_as_printed", "issue_number", "issue_number_end", "volume",
                 "volume_issue", "published_on"):
        click.echo(f"{name + ':':<13}{getattr(h, name)}")
    click.echo(f"issue title: {seg.issue_title}")
    click.echo(f"byline:      {', '.join(seg.authors) or '-'}")
    for w in result.warnings:
        click.echo(f"warning:     {w}")
    alerts = result.rows["alerts"]
    for story, row in zip(seg.stories, alerts):
        click.echo(f"\nstory {story.story_index}: {story.title or '(no title)'}")
        click.echo(f"  alert_id {row['alert_id']}, country {row['country_iso3'] or '-'}, "
                   f"{story.n_words} words, authors: {', '.join(story.authors) or '-'}")
        for k, s in enumerate(story.sections, 1):
            point = f" {s.point_index}" if s.point_index else ""
            heading = f" [{s.heading}]" if s.heading else ""
            text = " ".join(story.body[s.char_start:s.char_end].split())
            click.echo(f"  {k:>2}. {s.section}{point}{heading} ({s.char_start}-{s.char_end}) "
                       f"{text[:70]}{'…' if len(text) > 70 else ''}")
        _entities(result.rows, row["alert_id"])
        _statements(result.rows, row["alert_id"])
        _events(result.rows, row["alert_id"])


def _clip(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _statements(rows: dict, alert_id: str) -> None:
    """Quotes and reported speech: kind, speaker (actor), verb, date, words."""
    found = [s for s in rows.get("statements", []) if s["alert_id"] == alert_id]
    click.echo(f"  statements ({len(found)}):")
    for s in found:
        when = f" on {s['stated_on']} ({s['date_precision']})" if s["stated_on"] else ""
        role = f", {s['speaker_role']}" if s["speaker_role"] else ""
        click.echo(f"    [{s['kind']}] {s['speaker'] or '?'}{role} <{s['speaker_actor_id'] or '-'}> "
                   f"{s['verb']}{when} @{s['char_start']}-{s['char_end']}: \"{_clip(s['quote'])}\"")


def _events(rows: dict, alert_id: str) -> None:
    """Events: date, type, certainty, actors, place and fatalities."""
    names = {a["actor_id"]: a["name"] for a in rows.get("actors", [])}
    places = {p["location_id"]: p["name"] for p in rows.get("locations", [])}
    found = [e for e in rows.get("events", []) if e["alert_id"] == alert_id]
    click.echo(f"  events ({len(found)}):")
    for e in found:
        when = f"{e['event_date']} ({e['date_precision']}, {e['date_text']!r})" if e["event_date"] \
            else "undated"
        dead = ""
        if e["fatalities"] is not None or e["fatalities_low"] is not None:
            dead = (f", fatalities {e['fatalities'] if e['fatalities'] is not None else '?'}"
                    f" [{e['fatalities_low'] if e['fatalities_low'] is not None else '?'}-"
                    f"{e['fatalities_high'] if e['fatalities_high'] is not None else '?'}]")
        click.echo(f"    {when} {e['event_type']} {e['certainty']}: "
                   f"{names.get(e['actor1_id'], '-')} -> {names.get(e['actor2_id'], '-')} "
                   f"at {places.get(e['location_id'], '-')}{dead} "
                   f"@{e['char_start']}-{e['char_end']}")
        click.echo(f"      {_clip(e['summary'], 110)}")


def _entities(rows: dict, alert_id: str) -> None:
    """Actors and places of one story, each with the spans it was read from."""
    actors = {a["actor_id"]: a for a in rows.get("actors", [])}
    places = {p["location_id"]: p for p in rows.get("locations", [])}
    for title, table, mentions, key in (("actors", actors, "actor_mentions", "actor_id"),
                                        ("places", places, "location_mentions", "location_id")):
        spans: dict[str, list[str]] = {}
        for m in rows.get(mentions, []):
            if m["alert_id"] == alert_id:
                spans.setdefault(m[key], []).append(f"{m['surface']!r}@{m['char_start']}-{m['char_end']}")
        click.echo(f"  {title} ({len(spans)}):")
        for ident in sorted(spans, key=lambda i: table[i]["name"].casefold()):
            e = table[ident]
            kind = e.get("actor_type") or e.get("feature_type")
            where = f" {e['latitude']:.2f},{e['longitude']:.2f}" if e.get("latitude") is not None else ""
            via = f" for {e['affiliation_actor_id']}" if e.get("affiliation_actor_id") else ""
            click.echo(f"    {e['name']} [{kind}, {e.get('country_iso3') or '-'}{where}{via}] {ident}: "
                       + ", ".join(spans[ident]))


@main.command()
@click.argument("folder", default="schemas", type=click.Path(file_okay=False, path_type=Path))
def schemas(folder: Path) -> None:
    """Write the published Table Schemas (one JSON file per table) to FOLDER
    (default: schemas/), generated from the pandera models."""
    from .export import write_schemas

    for path in write_schemas(folder):
        click.echo(path)


@main.command()
@click.argument("sql")
@click.option("--build", "-b", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Release folder to query (the --out of `alertdata build`).")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True,
              help="table: aligned text for reading; csv: RFC 4180 like the release's CSV files; "
                   "json: an array of objects. csv and json give every row.")
@click.option("--max-rows", type=click.IntRange(min=0), default=40, show_default=True,
              help="Rows a table shows (0: all); the rest are counted.")
def query(sql: str, build: Path, fmt: str, max_rows: int) -> None:
    """Run SQL (DuckDB's dialect; "-" reads it from stdin) on the database of
    a release and print the result. The database is opened read-only and
    locked down: a query cannot change the release, read or write other
    files, attach databases, load extensions or change settings.

    Example: alertdata query "SELECT series, count(*) FROM alerts GROUP BY 1"
    """
    import os
    import sys

    from .query import QueryError, execute, format_result

    if sql == "-":
        sql = sys.stdin.read()
    try:
        with execute(build, sql) as result:
            for chunk in format_result(result, fmt, max_rows):
                click.echo(chunk, nl=False)
    except QueryError as e:
        raise click.ClickException(str(e)) from e
    except BrokenPipeError:      # e.g. `alertdata query ... | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1)
