"""Broken reference data stops the build before any work, with a message
naming the file, the line and the entry (issue #6).

Each case copies the real etl/ folder, breaks one file the way a dictionary
maintainer might, and checks that the message says `<file>, line N:` with the
line of the break (computed from where the break went, not written down) and
names the entry, so that the maintainer can go straight to it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alertdata.reference import ReferenceError, load_reference, parse_reference

ROOT = Path(__file__).parents[1]
ETL = ROOT / "etl"

WAGNER = "  - id: wagner-group\n    name: Wagner Group\n    type: pmc\n    country: RUS\n"
WAGNER_ALIASES = "    aliases: [Wagner, PMC Wagner, Wagner PMC, Africa Corps, Russian Africa Corps]\n"
SAHEL = "  - id: sahel\n    name: Sahel\n    feature_type: region\n    country: null\n    latitude: 14.5\n"


def _break(tmp_path: Path, name: str, old: str | None, new: str, at: str | None) -> tuple[Path, int]:
    """A copy of etl/ with `old` replaced by `new` in file `name` (old None:
    the whole file), and the line of the text `at` in the broken file (None:
    line 1). `at` must occur once, so that the expected line is unambiguous."""
    folder = tmp_path / "etl"
    shutil.copytree(ETL, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    if old is None:
        broken = new
    else:
        assert text.count(old) == 1, f"{old!r} must occur once in {name}"
        broken = text.replace(old, new)
    path.write_text(broken, encoding="utf-8")
    if at is None:
        return folder, 1
    assert broken.count(at) == 1, f"{at!r} must occur once in the broken {name}"
    return folder, broken[:broken.index(at)].count("\n") + 1


# case: (file, text, replacement, text on the line the message must name,
#        what else the message must say: the entry and the problem)
CASES = {
    # syntax
    "syntax error": ("actors.yaml", WAGNER, WAGNER.replace("name: Wagner Group", "name: Wagner: Group"),
                     "Wagner: Group", ["not valid YAML", "Wagner: Group"]),
    "tab indentation": ("actors.yaml", WAGNER, WAGNER.replace("    name: Wagner", "\tname: Wagner"),
                        "\tname: Wagner", ["not valid YAML", "Wagner Group", "tabs"]),
    "non-UTF-8 byte": ("actors.yaml", WAGNER, WAGNER.replace("Wagner Group", "Wagner Gr\udcffoup"),
                       "Wagner Gr", ["not UTF-8"]),
    # keys
    "key given twice in an entry": ("actors.yaml", WAGNER, WAGNER + "    type: militant_group  # again\n",
                                    "# again", ["'wagner-group'", "'type'", "twice", "keep one"]),
    "country given twice": ("demonyms.yaml", "NER: {adjectives",
                            "MLI: {adjectives: [Malinese]}  # again\nNER: {adjectives", "# again",
                            ["'MLI'", "twice"]),
    "list as a key": ("demonyms.yaml", "NER: {adjectives", "? [NER, NGA]\n: {adjectives: []}\nNER: {adjectives",
                      "? [NER", ["'NER', 'NGA'", "single word"]),
    "misspelt field": ("actors.yaml", WAGNER, WAGNER + "    alias: [Wagner PMC]\n", "alias: [Wagner PMC]",
                       ["'wagner-group'", "unknown field 'alias'", "aliases"]),
    # actor entries
    "actor without type": ("actors.yaml", WAGNER, WAGNER.replace("    type: pmc\n", ""), "- id: wagner-group",
                           ["'wagner-group'", "needs type"]),
    "unknown actor type": ("actors.yaml", WAGNER, WAGNER.replace("type: pmc", "type: militia"),
                           "type: militia", ["'wagner-group'", "'militia'", "pmc", "use one of them"]),
    "actor name a number": ("actors.yaml", WAGNER, WAGNER.replace("name: Wagner Group", "name: 1918"),
                            "name: 1918", ["'wagner-group'", "1918", "quote"]),
    "empty actor entry": ("actors.yaml", WAGNER, "  -\n" + WAGNER, "  -\n", ["actor entry", "empty"]),
    "aliases a string": ("actors.yaml", WAGNER_ALIASES, "    aliases: Wagner\n", "aliases: Wagner\n",
                         ["'wagner-group'", "aliases", "list", "'Wagner'"]),
    "aliases a mapping": ("actors.yaml", WAGNER_ALIASES, "    aliases: {short: Wagner}\n", "{short: Wagner}",
                          ["'wagner-group'", "aliases", "list", "mapping"]),
    "alias a number": ("actors.yaml", WAGNER_ALIASES, WAGNER_ALIASES.replace("[Wagner,", "[Wagner, 42,"),
                       "[Wagner, 42,", ["'wagner-group'", "42", "quote"]),
    "national body not a list": ("actors.yaml", "  AFG: {military: [Afghan National Army,",
                                 "  AFG: {military: Afghan National Army, police: [ANP, Afghan National Army,",
                                 "AFG: {", ["national AFG military", "list"]),
    # places
    "latitude a word": ("places.yaml", SAHEL, SAHEL.replace("latitude: 14.5", "latitude: north"),
                        "latitude: north", ["'sahel'", "latitude", "number", "'north'"]),
    "kind word a string": ("place_rules.yaml", "  village: {feature: village, admin: false}",
                           "  village: village", "village: village", ["'village'", "mapping"]),
    "stop words a string": ("place_rules.yaml", "stop_words: [", "stop_words: The\nold_stop_words: [",
                            "stop_words: The", ["stop_words", "list", "'The'"]),
    # whole files
    "empty file": ("events.yaml", None, "", None, ["the file is empty", "types"]),
    "top-level list": ("places.yaml", None, "# places\n- id: sahel\n  name: Sahel\n", "- id: sahel",
                       ["must be a mapping", "'places:'", "a list"]),
    "top-level scalar": ("countries.yaml", None, "Afghanistan, Bolivia\n", None,
                         ["must be a mapping", "'Afghanistan, Bolivia'"]),
    # words YAML reads as something else
    "bare no in a block list": ("series.yaml", "      - STIR\n", "      - STIR\n      - no\n", "      - no\n",
                                ["series 'STIR'", "printed", "false", "quote"]),
    "bad regular expression": ("layout.yaml", "  - 'photo source\\b.*'", "  - 'photo (source\\b.*'",
                               "photo (source", ["front_matter pattern 1", "regular expression"]),
    # shapes the extractors rely on
    "irregular forms a string": ("reporting.yaml", "  say: [said]", "  say: said", "say: said",
                                 ["irregular 'say'", "list", "'said'"]),
    "ambiguous country a string": ("countries.yaml", "  Korea: [KOR, PRK]", "  Korea: KOR", "Korea: KOR",
                                   ["ambiguous 'Korea'", "list"]),
    "reference types a string": ("actor_forms.yaml", "  the group: [militant_group, rebel_group, pmc]",
                                 "  the group: militant_group", "the group: militant_group",
                                 ["reference 'the group'", "list"]),
    "body name with a stray field": ("actor_forms.yaml", 'name: "Government of {country}"',
                                     'name: "Government of {state}"', "{state}",
                                     ["national body 'government'", "{country}"]),
    "count word not a number": ("event_cues.yaml", "numbers: {one: 1,", "numbers: {one: first,",
                                "one: first", ["fatalities.numbers 'one'", "whole number"]),
    "vague bounds not a pair": ("event_cues.yaml", "vague: {dozens: [24, null],", "vague: {dozens: 24,",
                                "dozens: 24", ["fatalities.vague 'dozens'", "[low, high]"]),
    "missing vague quantities": ("event_cues.yaml", "  vague: {", "  vagueness: {", "fatalities:",
                                 ["fatalities needs vague"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_reference_data_is_refused_with_file_line_and_entry(tmp_path, case):
    name, old, new, at, says = CASES[case]
    if "\udcff" in new:     # a byte that is not UTF-8, written as such
        folder, line = _break(tmp_path, name, old, new.replace("\udcff", ""), at)
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"Wagner Group", b"Wagner Gr\xffoup", 1))
    else:
        folder, line = _break(tmp_path, name, old, new, at)
    with pytest.raises(ReferenceError) as caught:
        parse_reference(folder)
    message = str(caught.value)
    assert f"{folder / name}, line {line}: " in message
    for part in says:
        assert part in message


def test_the_first_of_a_duplicated_name_is_named_too(tmp_path):
    """An alias of two actors: the message points at both, the second by line."""
    folder, line = _break(tmp_path, "actors.yaml", WAGNER_ALIASES,
                          WAGNER_ALIASES.replace("[Wagner,", "[Wagner, Hezbollah,"), "[Wagner, Hezbollah,")
    text = (folder / "actors.yaml").read_text(encoding="utf-8")
    first = text[:text.index("  - id: hezbollah\n")].count("\n") + 2      # its `name:` line
    with pytest.raises(ReferenceError) as caught:
        parse_reference(folder)
    assert f"actors.yaml, line {line}: actor 'wagner-group': name 'Hezbollah' is also given for " \
           f"'hezbollah' (line {first})" in str(caught.value)


def test_an_edited_folder_is_read_again_not_served_from_the_cache(tmp_path, monkeypatch):
    """load_reference is cached per process; breaking a file it has read
    must still be caught (an ALERTDATA_ETL copy, as a maintainer would test it)."""
    folder = tmp_path / "etl"
    shutil.copytree(ETL, folder)
    monkeypatch.setenv("ALERTDATA_ETL", str(folder))
    assert load_reference() is load_reference()           # cached while unchanged
    path = folder / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    type: pmc\n", "    type: mercenaries\n", 1), encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"actors\.yaml, line \d+: actor '[a-z-]+': type 'mercenaries'"):
        load_reference()


def test_a_build_stops_before_reading_any_input(tmp_path, monkeypatch):
    """The reference check comes first: a missing input folder would be
    reported otherwise, and nothing under `out` is created."""
    from alertdata.pipeline import build

    folder, line = _break(tmp_path, "places.yaml", SAHEL, SAHEL.replace("latitude: 14.5", "latitude: north"),
                          "latitude: north")
    monkeypatch.setenv("ALERTDATA_ETL", str(folder))
    out = tmp_path / "release"
    with pytest.raises(ReferenceError, match=rf"places\.yaml, line {line}: place 'sahel': latitude"):
        build([tmp_path / "no-such-inputs"], out, use_cache=False)
    assert not out.exists()


def test_the_command_line_reports_broken_reference_data_cleanly(tmp_path):
    """`alertdata build`: `Error: <file>, line N: ...`, exit 1, no traceback,
    and no release folder."""
    folder, line = _break(tmp_path, "actors.yaml", WAGNER, WAGNER.replace("type: pmc", "type: militia"),
                          "type: militia")
    out = tmp_path / "release"
    env = {**os.environ, "ALERTDATA_ETL": str(folder), "ALERTDATA_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "alertdata", "build", str(ROOT / "seeds"), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ")
    assert f"actors.yaml, line {line}: actor 'wagner-group': type 'militia'" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not out.exists()
