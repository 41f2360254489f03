"""YAML nodes -> plain data, with the line of every entry and the helpers
that word the messages about them.

Split out of `reference.py` (STYLE: split a module before ~400 lines): this
is the machinery every reference file goes through (composing a file into
nodes, building plain data from them while refusing what `yaml.safe_load`
would let through, and finding an entry's line only when a message needs
it), so that `reference.py` and `reference_world.py` hold only what the
files must contain. `ReferenceError` lives here because these helpers raise
it; `reference.py` re-exports it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import yaml

# libyaml's safe loader parses the reference files ~10x faster than the pure
# Python one, with the same results and error marks; used where PyYAML has it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferenceError(Exception):
    """A reference file is missing, malformed, or has a bad entry."""


_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = _TAG + "str", _TAG + "seq", _TAG + "map", _TAG + "merge"
# plain scalars safe_load would build; other tags (!!binary, !!set, !foo) are refused
_SCALARS = {tag: f for tag, f in yaml.constructor.SafeConstructor.yaml_constructors.items()
            if tag in {_TAG + t for t in ("null", "bool", "int", "float", "timestamp")}}
_SAFE = yaml.constructor.SafeConstructor()


def _line(node) -> int:
    return node.start_mark.line + 1


def _sketch(node, depth: int = 2) -> str:
    """A short rendering of a node for a message: ['NER', 'NGA'], {'a': ...}."""
    if node.id == "scalar":
        return repr(node.value)
    if depth == 0:
        return "[...]" if node.id == "sequence" else "{...}"
    if node.id == "sequence":
        items = [_sketch(n, depth - 1) for n in node.value[:4]]
        return "[" + ", ".join(items + ["..."] * (len(node.value) > 4)) + "]"
    items = [f"{_sketch(k, depth - 1)}: {_sketch(v, depth - 1)}" for k, v in node.value[:2]]
    return "{" + ", ".join(items + ["..."] * (len(node.value) > 2)) + "}"


def _scalar(node) -> Any:
    """A scalar node's value as safe_load gives it (raises on a bad tag or value)."""
    if node.tag == _STR:
        return node.value
    return _SCALARS[node.tag](_SAFE, node)


class _Builder:
    """Plain data from a composed node tree, as yaml.safe_load builds it, but
    refusing what safe_load lets through or turns into a Python exception: a
    key given twice (safe_load silently keeps the last), a list or mapping as a
    key, merge keys, explicit tags and aliases that contain themselves."""

    def __init__(self, path: Path):
        self.path = path
        self.open: set[int] = set()

    def fail(self, node, message: str) -> NoReturn:
        raise ReferenceError(f"{self.path}, line {_line(node)}: {message}")

    def scalar(self, node) -> Any:
        if node.tag not in _SCALARS:
            self.fail(node, f"explicit tag {node.tag!r} is not used in reference files; remove it")
        try:
            return _SCALARS[node.tag](_SAFE, node)
        except (yaml.YAMLError, ValueError, OverflowError) as e:
            self.fail(node, f"{node.value!r} cannot be read as a {node.tag[len(_TAG):]} ({e}); "
                            "quote it if it is meant as text")

    def build(self, node) -> Any:
        if node.id == "scalar":
            return node.value if node.tag == _STR else self.scalar(node)
        key = id(node)
        if key in self.open:
            self.fail(node, "an alias (*name) refers to the entry that contains it; write the entry out")
        self.open.add(key)
        if node.id == "sequence" and node.tag == _SEQ:
            value = [n.value if n.id == "scalar" and n.tag == _STR else self.build(n) for n in node.value]
        elif node.id == "mapping" and node.tag == _MAP:
            value = self.mapping(node)
        else:
            self.fail(node, f"explicit tag {node.tag!r} is not used in reference files; remove it")
        self.open.discard(key)
        return value

    def mapping(self, node) -> dict:
        out: dict = {}
        for k, v in node.value:
            if k.id != "scalar":
                self.fail(k, f"key {_sketch(k)} must be a single word or name, not a list or mapping; "
                             "check the indentation and the brackets")
            if k.tag == _STR:
                key = k.value
            elif k.tag == _MERGE:
                self.fail(k, "merge keys ('<<') are not used in reference files; write the entries out")
            else:
                key = self.scalar(k)
            if key in out:
                self.duplicate(node, k, key)
            out[key] = v.value if v.id == "scalar" and v.tag == _STR else self.build(v)
        return out

    def duplicate(self, node, second, key) -> NoReturn:
        first = next(k for k, _ in node.value if k.id == "scalar" and _scalar(k) == key)
        entry = ""
        for k, v in node.value:         # name the entry by its id or name when it has one
            if k.value in ("id", "name") and v.id == "scalar" and v.tag == _STR:
                entry = f"entry {v.value!r}: "
                break
        self.fail(second, f"{entry}key {key!r} is given twice in the same mapping (first on line "
                          f"{_line(first)}); YAML would silently keep only the last, so keep one")


def _compose(path: Path):
    """The node tree of one file (None when empty); syntax errors named by line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise ReferenceError(f"{path}: reference file missing; restore it from the source checkout") from e
    except OSError as e:
        raise ReferenceError(f"{path}: reference file cannot be read ({e.strerror or e})") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ReferenceError(f"{path}, line {line}: not UTF-8 text ({e.reason} at byte {e.start}); "
                             "save the file as UTF-8") from e
    try:
        return yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        message = f"not valid YAML: {problem}{f' ({context})' if context else ''}"
        lines = text.splitlines()
        if mark is None:
            raise ReferenceError(f"{path}: {message}; fix the syntax") from e
        if mark.line < len(lines) and lines[mark.line].strip():    # the entry, as written
            message += f" in {lines[mark.line].strip()[:80]!r}"
        tabs = "\t" in lines[mark.line][:mark.column + 1] if mark.line < len(lines) else False
        hint = "indent with spaces, not tabs" if tabs else "fix the syntax"
        raise ReferenceError(f"{path}, line {mark.line + 1}: {message}; {hint}") from e


class _Doc:
    """One reference file: its data, and for messages the line of any entry
    in it, found from the data path (mapping keys and list indexes) only
    when a message needs it, so that a clean load pays nothing for lines."""

    def __init__(self, path: Path):
        self.path = path
        self.node = _compose(path)
        self.data = None if self.node is None else _Builder(path).build(self.node)

    def line(self, keys: tuple = ()) -> int:
        """The line of the entry at `keys` (of its key, inside a mapping), or
        of the nearest enclosing entry that exists."""
        node = self.node
        if node is None:
            return 1
        line = _line(node)
        for key in keys:
            if node.id == "mapping":
                for k, v in node.value:
                    try:
                        same = k.id == "scalar" and type(_scalar(k)) is type(key) and _scalar(k) == key
                    except Exception:   # a value the builder refused before this could be asked
                        same = False
                    if same:
                        line, node = _line(k), v
                        break
                else:
                    return line
            elif node.id == "sequence" and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                line = _line(node)
            else:
                return line
        return line

    def fail(self, keys: tuple, message: str) -> NoReturn:
        raise ReferenceError(f"{self.path}, line {self.line(keys)}: {message}")

    # -- shapes: each returns the value when it has the shape, else fails naming the entry

    def root(self, needs: str) -> dict:
        if self.data is None:
            self.fail((), f"the file is empty; it needs {needs}")
        if not isinstance(self.data, dict):
            self.fail((), f"the file must be a mapping with {needs}, not {_describe(self.data)}")
        return self.data

    def has(self, value: dict, keys: tuple, what: str, needed) -> None:
        missing = [k for k in needed if k not in value]
        if missing:
            self.fail(keys, f"{what} needs {_and(missing)}; add {'it' if len(missing) == 1 else 'them'}")

    def only(self, value: dict, keys: tuple, what: str, allowed) -> None:
        """Catches misspelt field names, which would otherwise be ignored."""
        for k in value:
            if k not in allowed:
                self.fail((*keys, k), f"{what}: unknown field {k!r}; the fields are {_and(allowed)}")

    def mapping(self, value, keys: tuple, what: str, *, optional: bool = False) -> dict:
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            self.fail(keys, f"{what} must be a mapping ('key: value' lines or {{key: value, ...}}), "
                            f"not {_describe(value)}")
        return value

    def listing(self, value, keys: tuple, what: str) -> list:
        if not isinstance(value, list):
            self.fail(keys, f"{what} must be a list ('- ' lines or [a, b]), not {_describe(value)}")
        return value

    def text(self, value, keys: tuple, what: str) -> str:
        if not (isinstance(value, str) and value.strip()):
            self.fail(keys, f"{what} must be text, not {_describe(value)}{_quote_hint(value)}")
        return value

    def words(self, value, keys: tuple, what: str, *, lower: bool = False) -> list[str]:
        """A list of words or names; absent or empty is none."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(keys, f"{what} must be a list of words or names ([a, b] or '- ' lines), "
                            f"not {_describe(value)}")
        for n, v in enumerate(value):
            if not (isinstance(v, str) and v.strip()):
                self.fail((*keys, n), f"{what}: item {n + 1} must be a word or name, not "
                                      f"{_describe(v)}{_quote_hint(v)}")
            if lower and v != v.lower():
                self.fail((*keys, n), f"{what}: {v!r} must be lower case; write {v.lower()!r}")
        return value

    def words_in(self, parent: dict, key, keys: tuple, what: str, *, lower: bool = False) -> list[str]:
        """`words` of parent[key]; a key written with nothing after it is
        stored as an empty list, which the extractors can iterate."""
        words = self.words(parent.get(key), keys, what, lower=lower)
        if key in parent and parent[key] is None:
            parent[key] = words
        return words

    def mapping_in(self, parent: dict, key, keys: tuple, what: str) -> dict:
        """An optional mapping, stored as {} when written with nothing after it."""
        value = self.mapping(parent.get(key), keys, what, optional=True)
        if key in parent and parent[key] is None:
            parent[key] = value
        return value

    def pairs(self, value, keys: tuple, what: str, *, optional: bool = False):
        """(key, value, path) of a mapping whose keys are words or names."""
        for k, v in self.mapping(value, keys, what, optional=optional).items():
            if not (isinstance(k, str) and k.strip()):
                self.fail((*keys, k), f"{what}: key {k!r} must be a word or name, not "
                                      f"{_describe(k)}{_quote_hint(k)}")
            yield k, v, (*keys, k)


def _describe(value: Any) -> str:
    """A value as the maintainer wrote it in the file."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads a bare yes/no/on/off/true/false as true or false)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{value} (read by YAML as a {type(value).__name__})"


def _quote_hint(value: Any) -> str:
    scalar = value is not None and not isinstance(value, (str, list, dict))
    return "; quote it ('...') to keep it as text" if scalar else ""


def _and(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _choice(value, choices) -> str:
    return f"{value!r} is not one of ({', '.join(map(str, choices))}); use one of them"


def _entry_name(entry, key: str, label: str, n: int) -> str:
    """How messages name a list entry: by its id (or name), else by position."""
    if isinstance(entry, dict):
        ident = entry.get(key)
        if isinstance(ident, str) and ident.strip():
            return f"{label} {ident!r}"
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            return f"{label} entry {n} ({name!r})"
    return f"{label} entry {n}"

