"""The published tables as pandera models: the single source of types,
checks and descriptions for validation, `schemas/`, the codebook, the data
package and the DuckDB DDL.

Only built-in checks live in the models (they survive export); rules that
span tables (foreign keys, spans inside bodies) are in `validate`.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

STR = pd.StringDtype("pyarrow")
INT = pd.Int64Dtype
FLOAT = pd.Float64Dtype
DATE = pd.ArrowDtype(pyarrow.date32())
LIST = pd.ArrowDtype(pyarrow.list_(pyarrow.string()))

SLUG = r"^[a-z0-9]+(?:[-_.:][a-z0-9]+)*$"
SHA256 = r"^[0-9a-f]{64}$"
ISO3 = r"^[A-Z]{3}$"
from .vocab import (ACTOR_TYPES, CERTAINTIES, EVENT_TYPES, FEATURE_TYPES, FORMATS,  # noqa: E402,F401
                    PRECISIONS, SECTIONS, STAGES, STATEMENT_KINDS)


def _f(description: str, *, nullable: bool = False, **checks):
    """A field: a description, nullability and built-in checks. Text fields
    are never empty strings (principle 5: nulls are nulls)."""
    return pa.Field(description=description, nullable=nullable, **checks)


def _text(description: str, *, nullable: bool = False, **checks):
    checks.setdefault("str_length", {"min_value": 1})
    return _f(description, nullable=nullable, **checks)


def _span(which: str):
    return (_f(f"Start of the {which}: half-open character offset into alerts.body.", ge=0),
            _f(f"End of the {which} (exclusive): body[char_start:char_end] is the {which}.", ge=1))


class _Model(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True


class Alerts(_Model):
    """One row per story. A document (file) holds one or more stories."""
    alert_id: Series[STR] = _text("Stable id of the story: document_id, '-', story_index.",
                                  unique=True, str_matches=SLUG)
    document_id: Series[STR] = _text(
        "Stable id of the source document: series code, issue number (or volume and number) and "
        "publication date, e.g. 'cw-145-20221013'; a hash of the file for documents without them.",
        str_matches=SLUG)
    source_path: Series[STR] = _text("Path of the input file, relative to the input root.")
    source_sha256: Series[STR] = _text("SHA-256 of the input file's bytes.", str_matches=SHA256)
    source_format: Series[STR] = _text("Input format: txt, html or md.", isin=FORMATS)
    series: Series[STR] = _text("Canonical series name (etl/series.yaml), one name per series "
                                "however the page prints it; null if the page names none.",
                                nullable=True)
    series_as_printed: Series[STR] = _text("The series name exactly as the header prints it.",
                                           nullable=True)
    issue_number: Series[INT] = _f("Issue number ('# 508' -> 508); null if none.", nullable=True, ge=0)
    issue_number_end: Series[INT] = _f("Second number of a double issue ('#164 & 165' -> 165); "
                                       "else null.", nullable=True, ge=0)
    volume: Series[INT] = _f("Volume ('Vol.2' -> 2); null if none.", nullable=True, ge=0)
    volume_issue: Series[INT] = _f("Number within the volume ('No.47' -> 47; first number of "
                                   "'No.8 & 9'); null if none.", nullable=True, ge=0)
    published_on: Series[DATE] = _f("Publication date of the document; null if the page gives none.",
                                    nullable=True)
    story_index: Series[INT] = _f("1-based position of the story in its document.", ge=1)
    title: Series[STR] = _text("The story's heading as printed, country prefix included; for a "
                               "one-story document without its own heading, the document's title "
                               "line; null if there is none.", nullable=True)
    issue_title: Series[STR] = _text("The document's title line (the issue title of a weekly); "
                                     "null if there is none.", nullable=True)
    authors: Series[LIST] = _f("Byline names in printed order: the story byline, else the document "
                               "byline; empty if none. CSV: names joined by '; '.")
    country_iso3: Series[STR] = _text("Main country of the story (ISO 3166-1 alpha-3), from its title, "
                                      "else the country its text names most; null if none.",
                                      nullable=True, str_matches=ISO3)
    body: Series[STR] = _text("Normalised text of the story (NFC, one paragraph or heading per line); "
                              "every char_start/char_end points into this.")
    n_words: Series[INT] = _f("Number of words in body.", ge=0)


class Sections(_Model):
    """The analytic structure of a story: its sections and numbered points."""
    alert_id: Series[STR] = _text("The story (alerts.alert_id).", str_matches=SLUG)
    section_index: Series[INT] = _f("1-based order within the story.", ge=1)
    section: Series[STR] = _text("in_the_news, issues_at_large, in_perspective, or other (any other "
                                 "heading; text without a heading).", isin=SECTIONS)
    point_index: Series[INT] = _f("1 for a paragraph opening 'First,', 2 for 'Second,', ...; null "
                                  "otherwise.", nullable=True, ge=1)
    heading: Series[STR] = _text("The point's short heading ('Mali-France defence ties'), or the "
                                 "sub-heading of an `other` section; null if none.", nullable=True)
    char_start: Series[INT] = _span("section text")[0]
    char_end: Series[INT] = _span("section text")[1]

    class Config:
        unique = ["alert_id", "section_index"]


class Actors(_Model):
    """One row per distinct actor across the whole dataset."""
    actor_id: Series[STR] = _text("Stable slug of the actor.", unique=True, str_matches=SLUG)
    name: Series[STR] = _text("Canonical name ('Wagner Group', 'Government of Mali').")
    actor_type: Series[STR] = _text("Type of actor.", isin=ACTOR_TYPES)
    country_iso3: Series[STR] = _text("Country the actor belongs to (ISO 3166-1 alpha-3); null for "
                                      "IGOs and transnational groups.", nullable=True, str_matches=ISO3)
    affiliation_actor_id: Series[STR] = _text("For a person or sub-body: the actor it speaks or acts "
                                              "for (actors.actor_id).", nullable=True, str_matches=SLUG)
    aliases: Series[LIST] = _f("Every other name it is known by, misspellings seen included. CSV: "
                               "names joined by '; '.")


class ActorMentions(_Model):
    """Every place in a story's body where an actor is named or referred to."""
    alert_id: Series[STR] = _text("The story (alerts.alert_id).", str_matches=SLUG)
    actor_id: Series[STR] = _text("The actor (actors.actor_id).", str_matches=SLUG)
    surface: Series[STR] = _text("The words as written ('the junta', 'Paris').")
    char_start: Series[INT] = _span("mention")[0]
    char_end: Series[INT] = _span("mention")[1]

    class Config:
        unique = ["alert_id", "char_start", "char_end", "actor_id"]


class Locations(_Model):
    """One row per distinct place across the whole dataset."""
    location_id: Series[STR] = _text("'geonames:<id>' where a GeoNames id exists, else a stable slug.",
                                     unique=True, str_matches=SLUG)
    name: Series[STR] = _text("Canonical name ('Timbuktu').")
    feature_type: Series[STR] = _text("Kind of place; `region` is a multi-country region, `site` a "
                                      "base, camp or border crossing.", isin=FEATURE_TYPES)
    country_iso3: Series[STR] = _text("Country (ISO 3166-1 alpha-3); null for multi-country regions.",
                                      nullable=True, str_matches=ISO3)
    admin1: Series[STR] = _text("First-level administrative division, if known.", nullable=True)
    latitude: Series[FLOAT] = _f("WGS84 latitude; a centroid for countries and regions.",
                                 nullable=True, in_range={"min_value": -90, "max_value": 90})
    longitude: Series[FLOAT] = _f("WGS84 longitude; a centroid for countries and regions.",
                                  nullable=True, in_range={"min_value": -180, "max_value": 180})
    geonames_id: Series[INT] = _f("GeoNames id; null if none.", nullable=True, ge=1)
    aliases: Series[LIST] = _f("Other names and spellings ('Tombouctou'). CSV: joined by '; '.")


class LocationMentions(_Model):
    """Every place in a story's body where a location is named."""
    alert_id: Series[STR] = _text("The story (alerts.alert_id).", str_matches=SLUG)
    location_id: Series[STR] = _text("The place (locations.location_id).", str_matches=SLUG)
    surface: Series[STR] = _text("The words as written ('northern Mali').")
    char_start: Series[INT] = _span("mention")[0]
    char_end: Series[INT] = _span("mention")[1]

    class Config:
        unique = ["alert_id", "char_start", "char_end", "location_id"]


class Statements(_Model):
    """What actors said: quotations and reported speech."""
    statement_id: Series[STR] = _text("Stable id: alert_id, '-q', position in the story.",
                                      unique=True, str_matches=SLUG)
    alert_id: Series[STR] = _text("The story (alerts.alert_id).", str_matches=SLUG)
    kind: Series[STR] = _text("direct (a full quotation in quote marks), partial (a few quoted words "
                              "inside the writer's sentence), indirect (reported speech).",
                              isin=STATEMENT_KINDS)
    speaker: Series[STR] = _text("The speaker as written, pronouns resolved; null if unknown.",
                                 nullable=True)
    speaker_actor_id: Series[STR] = _text("The actor who spoke (actors.actor_id); null if unknown.",
                                          nullable=True, str_matches=SLUG)
    speaker_role: Series[STR] = _text("The speaker's role as written ('military spokesperson').",
                                      nullable=True)
    verb: Series[STR] = _text("Reporting verb, base form ('say', 'announce', 'accuse').",
                              nullable=True)
    quote: Series[STR] = _text("Direct/partial: the words inside the quote marks, without them; "
                               "indirect: the reported clause.")
    stated_on: Series[DATE] = _f("When it was said, if the text says; else null.", nullable=True)
    date_precision: Series[STR] = _text("Precision of stated_on: day, month or year; null when "
                                        "stated_on is null.", nullable=True, isin=PRECISIONS)
    char_start: Series[INT] = _span("quote or reported clause")[0]
    char_end: Series[INT] = _span("quote or reported clause")[1]


class Events(_Model):
    """What happened: dated, typed events with actors, place and fatalities."""
    event_id: Series[STR] = _text("Stable id: alert_id, '-e', position in the story.",
                                  unique=True, str_matches=SLUG)
    alert_id: Series[STR] = _text("The story (alerts.alert_id).", str_matches=SLUG)
    event_date: Series[DATE] = _f("Date of the event (1st of the month / 1 January for month / year "
                                  "precision); null if the text gives none.", nullable=True)
    date_precision: Series[STR] = _text("day, month or year; null when event_date is null.",
                                        nullable=True, isin=PRECISIONS)
    date_text: Series[STR] = _text("The date expression as written ('On 3 May').", nullable=True)
    event_type: Series[STR] = _text("PLOVER root type, upper case.", isin=EVENT_TYPES)
    actor1_id: Series[STR] = _text("The actor who acted (actors.actor_id).", nullable=True,
                                   str_matches=SLUG)
    actor2_id: Series[STR] = _text("The actor acted upon, or the counterpart (actors.actor_id).",
                                   nullable=True, str_matches=SLUG)
    location_id: Series[STR] = _text("Where it happened (locations.location_id).", nullable=True,
                                     str_matches=SLUG)
    fatalities: Series[INT] = _f("Deaths reported, best figure ('about 300' -> 300); null if none "
                                 "stated.", nullable=True, ge=0)
    fatalities_low: Series[INT] = _f("Lower bound ('more than 500' -> 500, 'dozens' -> 24); equal to "
                                     "fatalities for a count; null when the text gives only an upper "
                                     "bound ('up to 40').",
                                     nullable=True, ge=0)
    fatalities_high: Series[INT] = _f("Upper bound ('up to 40' -> 40); equal to fatalities for a "
                                      "count; null if open-ended ('at least 25').",
                                      nullable=True, ge=0)
    certainty: Series[STR] = _text("reported; alleged (hedged: 'allegedly', 'suspected'); planned "
                                   "(announced for the future).", isin=CERTAINTIES)
    summary: Series[STR] = _text("The sentence the event was read from.")
    char_start: Series[INT] = _span("evidence")[0]
    char_end: Series[INT] = _span("evidence")[1]


class Rejects(_Model):
    """Inputs that did not become alerts, and why (principle 6: nothing is lost)."""
    source_path: Series[STR] = _text("Path of the input file, relative to the input root.")
    source_sha256: Series[STR] = _text("SHA-256 of the file's bytes; null if unreadable.",
                                       nullable=True, str_matches=SHA256)
    stage: Series[STR] = _text("Where it failed: read, decode, segment, extract, validate, dedupe.",
                               isin=STAGES)
    reason: Series[STR] = _text("What is wrong, in a sentence a person can act on.")

    class Config:
        unique = ["source_path", "source_sha256"]


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[_Model]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    sort_by: tuple[str, ...] = ()     # row order of a table without a primary key

    @property
    def order(self) -> tuple[str, ...]:
        """Columns the published rows are sorted by, so releases diff well."""
        return self.primary_key or self.sort_by

    @property
    def schema(self) -> pa.DataFrameSchema:
        """The model's pandera schema (see `dataframe_schemas`)."""
        return dataframe_schemas()[self.name]

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def description(self) -> str:
        return " ".join((self.model.__doc__ or "").split())

    def columns(self) -> list[str]:
        return list(self.schema.columns)


_ALERT_FK = ((("alert_id",), "alerts", ("alert_id",)),)
# In dependency order: a table comes after every table its foreign keys name.
TABLES: tuple[TableSpec, ...] = (
    TableSpec("alerts", Alerts, ("alert_id",)),
    TableSpec("sections", Sections, ("alert_id", "section_index"), _ALERT_FK),
    TableSpec("actors", Actors, ("actor_id",),
              ((("affiliation_actor_id",), "actors", ("actor_id",)),)),
    TableSpec("actor_mentions", ActorMentions, ("alert_id", "char_start", "char_end", "actor_id"),
              _ALERT_FK + ((("actor_id",), "actors", ("actor_id",)),)),
    TableSpec("locations", Locations, ("location_id",)),
    TableSpec("location_mentions", LocationMentions,
              ("alert_id", "char_start", "char_end", "location_id"),
              _ALERT_FK + ((("location_id",), "locations", ("location_id",)),)),
    TableSpec("statements", Statements, ("statement_id",),
              _ALERT_FK + ((("speaker_actor_id",), "actors", ("actor_id",)),)),
    TableSpec("events", Events, ("event_id",),
              _ALERT_FK + ((("actor1_id",), "actors", ("actor_id",)),
                           (("actor2_id",), "actors", ("actor_id",)),
                           (("location_id",), "locations", ("location_id",)))),
    TableSpec("rejects", Rejects, (), sort_by=("source_path", "source_sha256")),
)
TABLE = {t.name: t for t in TABLES}


def logical_type(dtype) -> str:
    """The contract's type name of a pandera column dtype."""
    text = str(dtype)
    if "list" in text:
        return "list[str]"
    if "date32" in text:
        return "date"
    if text.lower().startswith("int"):
        return "int"
    if text.lower().startswith("float"):
        return "float"
    return "str"


def empty_frame(spec: TableSpec) -> pd.DataFrame:
    """A table with no rows and the model's columns and types."""
    schema = spec.schema
    return pd.DataFrame({name: pd.Series([], dtype=col.dtype.type) for name, col in schema.columns.items()})


ARROW_TYPES = {"str": pyarrow.string(), "int": pyarrow.int64(), "date": pyarrow.date32(),
               "float": pyarrow.float64(), "list[str]": pyarrow.list_(pyarrow.string())}


_ARROW_SCHEMAS: dict[str, pyarrow.Schema] = {}


def arrow_schema(spec: TableSpec) -> pyarrow.Schema:
    """The published Arrow schema of a table: its model's columns, in order."""
    if spec.name not in _ARROW_SCHEMAS:
        _ARROW_SCHEMAS[spec.name] = pyarrow.schema(
            [pyarrow.field(name, ARROW_TYPES[logical_type(col.dtype)], nullable=True)
             for name, col in spec.schema.columns.items()])
    return _ARROW_SCHEMAS[spec.name]


def pandas_dtype(arrow_type: pyarrow.DataType):
    """The pandas dtype the models declare for an Arrow type (for validation)."""
    if pyarrow.types.is_string(arrow_type):
        return STR
    if pyarrow.types.is_int64(arrow_type):
        return INT()
    if pyarrow.types.is_float64(arrow_type):
        return FLOAT()
    return pd.ArrowDtype(arrow_type)       # dates, lists


# ---------------------------------------------------------------- built schemas

_BUILT: dict[str, pa.DataFrameSchema] = {}


def _schemas_file() -> Path:
    """Where the built schemas of these models are kept: keyed by the source
    of this module and its vocabularies, and the pandera and pandas versions."""
    from . import vocab
    from .gazetteer import cache_dir

    h = hashlib.sha256()
    for part in (Path(__file__).read_bytes(), Path(vocab.__file__).read_bytes(),
                 metadata.version("pandera").encode(), metadata.version("pandas").encode()):
        h.update(part + b"\0")
    return cache_dir() / f"schemas-{h.hexdigest()[:16]}.pickle"


def dataframe_schemas() -> dict[str, pa.DataFrameSchema]:
    """Every table's pandera schema, by name. Building them from the models
    makes pandera import the dataframe libraries it finds installed (Dask's
    alone costs 1-2 s, paid by a one-file rebuild too), so they are built once
    per version of the models and kept, pickled, beside the gazetteer."""
    if _BUILT:
        return _BUILT
    path = _schemas_file()
    try:
        with path.open("rb") as fh:
            loaded = pickle.load(fh)
        if set(loaded) == {t.name for t in TABLES}:
            _BUILT.update(loaded)
            return _BUILT
    except Exception:            # absent or unreadable: build them again
        pass
    built = {t.name: t.model.to_schema() for t in TABLES}
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:              # a read-only cache folder costs the build time, nothing else
        pass
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    _BUILT.update(built)
    return _BUILT
