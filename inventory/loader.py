"""Read the source of truth: every *.yaml file of a design folder, merged into one cross-checked Design.

Each file holds some of the design's top-level sections. Device entries are layered: `defaults`, then
`roles.<role>`, then the entry itself (one generic deep merge); values inherited from a layer keep the
location of the layer, so an error in an inherited value points at the line that set it.
"""

import codecs
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional

import yaml
from pydantic import BaseModel, ValidationError, create_model
from pydantic.fields import FieldInfo

from fundament import secrets
from fundament.paths import inventory_dir
from inventory.errors import SHOWN_CHARACTERS, DesignError, KeyPath, LocatedProblem, Problem, Source, shorten
from inventory.model import Design, Device
from inventory.model.services import SecretRef
from inventory.types import Model
from inventory.validate import cross_check

LAYER_SECTIONS = ("defaults", "roles")
KNOWN_SECTIONS = (*Design.model_fields, *LAYER_SECTIONS)

_PER_DEVICE_FIELDS = {"name", "role"}


def _constrained(info: FieldInfo) -> Any:
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


_LAYER_FIELDS: dict[str, Any] = {
    # the field's constraints (ge, le, pattern) travel in its metadata: keep them, so that a bad value in a
    # layer is reported once at the layer rather than once per device that inherits it
    name: (Optional[_constrained(info)], None)  # noqa: UP045 - a runtime type, not an annotation
    for name, info in Device.model_fields.items()
    if name not in _PER_DEVICE_FIELDS
}
DeviceLayer: type[BaseModel] = create_model("DeviceLayer", __base__=Model, **_LAYER_FIELDS)
"""A device entry with every field optional: what `defaults` and `roles.<role>` may set."""


@dataclass(frozen=True)
class LoadedDesign:
    """A valid design and where each of its values was written."""

    design: Design
    sources: Mapping[KeyPath, Source]
    inherited: Mapping[KeyPath, KeyPath] = field(default_factory=dict)
    """("devices", index, key) of each value a device entry inherits -> the layer path that set it."""

    def where(self, path: KeyPath) -> Source:
        return _locate(self.sources, path)

    def unset_secrets(self) -> list[LocatedProblem]:
        """Secret references that neither the environment nor the vault file resolves (render keeps them as
        markers; a push would fail on them)."""
        problems = []
        for path, ref in _secret_refs(self.design, ()):
            try:
                secrets.resolve(ref.secret)
            except secrets.SecretNotFoundError:
                problems.append(
                    Problem((*path, "secret"), f"secret {ref.secret} is not set (environment or vault)")
                )
        return _locate_problems(problems, self.sources, self.inherited)

    def fail_on(self, problems: Iterable[Problem]) -> None:
        """Raise DesignError naming file, line and key path for each problem a domain check found."""
        located = _locate_problems(problems, self.sources, self.inherited)
        if located:
            raise DesignError(located)


def load(directory: Path | None = None) -> LoadedDesign:
    """Load, merge, validate and cross-check the design in `directory` (default: the sample design)."""
    folder = Path(directory) if directory is not None else inventory_dir()
    raw, sources, problems = _read_folder(folder)
    inherited: dict[KeyPath, KeyPath] = {}
    if not problems:
        problems = _apply_layers(raw, sources, inherited)
    if problems:
        raise DesignError(problems)
    try:
        design = Design.model_validate(raw)
    except ValidationError as error:
        raise DesignError(_locate_problems(_schema_details(error), sources, inherited)) from None
    loaded = LoadedDesign(design, sources, inherited)
    loaded.fail_on(cross_check(design))
    return loaded


def _secret_refs(value: object, path: KeyPath) -> Iterator[tuple[KeyPath, SecretRef]]:
    if isinstance(value, SecretRef):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _secret_refs(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _secret_refs(item, (*path, index))


def load_design(directory: Path | None = None) -> Design:
    return load(directory).design


def display_path(path: Path) -> Path:
    """`path` relative to the working directory where it lies below it; never resolved, so a symlink is
    shown by its own name, not its target's."""
    try:
        return (Path.cwd() / path).relative_to(Path.cwd())
    except ValueError:
        return path


def _read_folder(folder: Path) -> tuple[dict[str, Any], dict[KeyPath, Source], list[LocatedProblem]]:
    sources: dict[KeyPath, Source] = {(): Source(display_path(folder))}
    try:
        files = sorted(
            entry for entry in folder.iterdir() if entry.suffix in DESIGN_SUFFIXES and entry.name[0] != "."
        )
    except OSError as error:
        return (
            {},
            sources,
            [LocatedProblem(sources[()], (), f"cannot read the design folder: {error.strerror}")],
        )
    if not files:
        return {}, sources, [LocatedProblem(sources[()], (), f"no design files (*.yaml) in {folder}")]
    raw: dict[str, Any] = {}
    owner: dict[str, Source] = {}
    problems: list[LocatedProblem] = []
    for file in files:
        shown = display_path(file)
        try:
            data, lines = read_yaml(file)
        except DesignError as error:
            problems += error.problems
            continue
        if data is None:
            problems.append(LocatedProblem(Source(shown, 1), (), EMPTY_FILE))
            continue
        if not isinstance(data, dict):
            problems.append(
                LocatedProblem(Source(shown, 1), (), "a design file must be a mapping of sections")
            )
            continue
        for path, line in lines.items():
            if path and path[0] == "!duplicate":
                problems.append(LocatedProblem(Source(shown, line), path[1:], "key is written twice"))
            else:
                sources[path] = Source(shown, line)
        for section, value in data.items():
            here = Source(shown, lines.get((section,)))
            if section not in KNOWN_SECTIONS:
                known = ", ".join(KNOWN_SECTIONS)
                problems.append(LocatedProblem(here, (section,), f"unknown section (known: {known})"))
            elif section in owner:
                problems.append(
                    LocatedProblem(here, (section,), f"section is also defined in {owner[section]}")
                )
            else:
                owner[section] = here
                raw[section] = value
    return raw, sources, problems


def read_yaml(file: Path) -> tuple[Any, dict[KeyPath, int]]:
    """The file's data and the line of every key and list item (libyaml speed, PyYAML's node marks).

    Raises DesignError with one problem, located in the file, when the file cannot be a design file: not a
    regular file in its folder (a symlink could make a design read /etc/shadow), not UTF-8, control
    characters, bad YAML syntax, or YAML aliases. The message names at most the offending token, never the
    file's contents: a file that fails to parse may hold anything.
    """
    shown = display_path(file)
    text = _read_text(file, shown)
    loader = _YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        if node is not None:
            _mark_lines(node, (), lines, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise _unreadable(shown, line, f"YAML syntax: {error.problem}") from None
    except _AliasError as error:
        message = "YAML aliases (*name) are not allowed: write the value out"
        raise DesignError(
            [LocatedProblem(Source(shown, _first_alias_line(text)), error.path, message)]
        ) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise _unreadable(shown, line, f"control character U+{error.character:04X} is not allowed") from None
    finally:
        loader.dispose()
    return data, lines


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DESIGN_SUFFIXES = (".yaml", ".yml")
EMPTY_FILE = "the file is empty (or only comments): write its sections or remove it"


def _read_text(file: Path, shown: Path) -> str:
    # O_NOFOLLOW refuses a symlink at open time (no check-then-open race); O_NONBLOCK keeps a FIFO from
    # blocking the open so that fstat can refuse it.
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if file.is_symlink():
            raise _unreadable(shown, None, "a symbolic link: design files must be regular files") from None
        raise _unreadable(shown, None, f"cannot read: {error.strerror}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a directory" if stat.S_ISDIR(mode) else "a pipe, socket or device"
        raise _unreadable(shown, None, f"{kind}, not a design file")
    with os.fdopen(descriptor, "rb") as stream:
        try:
            content = stream.read()
        except OSError as error:
            raise _unreadable(shown, None, f"cannot read: {error.strerror}") from None
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _unreadable(shown, 1, "UTF-16 text: design files are UTF-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        byte = content[error.start]
        raise _unreadable(
            shown, line, f"not UTF-8 text (byte 0x{byte:02x}): design files are UTF-8"
        ) from None


class _AliasError(Exception):
    def __init__(self, path: KeyPath) -> None:
        self.path = path


def _first_alias_line(text: str) -> int | None:
    # a node keeps the marks of its anchor; only the event stream knows where the alias was written
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return int(event.start_mark.line) + 1
    return None


def _unreadable(shown: Path, line: int | None, message: str) -> DesignError:
    return DesignError([LocatedProblem(Source(shown, line), (), message)])


def _mark_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], seen: set[int]) -> None:
    # PyYAML hands an alias the anchored node itself, so a node met twice is an alias. Refusing aliases
    # stops "billion laughs" files (a few lines expanding to gigabytes) before anything walks the data.
    if id(node) in seen:
        raise _AliasError(path)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in keys:
                lines[("!duplicate", *path, key)] = key_node.start_mark.line + 1
            keys.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _mark_lines(value_node, (*path, key), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _mark_lines(item, (*path, index), lines, seen)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; any other value in `override` replaces the one in `base`."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _apply_layers(
    raw: dict[str, Any], sources: dict[KeyPath, Source], inherited: dict[KeyPath, KeyPath]
) -> list[LocatedProblem]:
    """Validate the layers, then fold defaults -> roles.<role> -> entry into every device entry."""
    defaults = raw.pop("defaults", None) or {}
    roles = raw.pop("roles", None) or {}
    problems: list[LocatedProblem] = []
    layers: list[tuple[KeyPath, Any]] = [(("defaults",), defaults)]
    layers += [(("roles", role), layer) for role, layer in roles.items()] if isinstance(roles, dict) else []
    if not isinstance(roles, dict):
        problems.append(
            LocatedProblem(_locate(sources, ("roles",)), ("roles",), "must map role names to settings")
        )
    for prefix, layer in layers:
        try:
            DeviceLayer.model_validate(layer)
        except ValidationError as error:
            problems += schema_problems(error, sources, prefix)
    if problems or not isinstance(raw.get("devices"), list):
        return problems
    layer_sources = [(path, source) for path, source in sources.items() if path and path[0] in LAYER_SECTIONS]
    for index, entry in enumerate(raw["devices"]):
        if not isinstance(entry, dict):
            continue
        role = entry.get("role")
        role_layer = roles.get(role, {}) if isinstance(role, str) else {}
        layered = deep_merge(defaults, role_layer)
        for key in layered.keys() - entry.keys():
            origin: KeyPath = ("roles", str(role), key) if key in role_layer else ("defaults", key)
            inherited[("devices", index, key)] = origin
            sources.update(
                {
                    ("devices", index, key, *path[len(origin) :]): source
                    for path, source in layer_sources
                    if path[: len(origin)] == origin
                }
            )
        raw["devices"][index] = deep_merge(layered, entry)
    return problems


def _locate(sources: Mapping[KeyPath, Source], path: KeyPath) -> Source:
    """The source of `path` or of its nearest written parent; the design folder for a missing section."""
    for end in range(len(path), -1, -1):
        if path[:end] in sources:
            return sources[path[:end]]
    return Source(Path(os.curdir))


def schema_problems(
    error: ValidationError, sources: Mapping[KeyPath, Source], prefix: KeyPath = ()
) -> list[LocatedProblem]:
    return _locate_problems(_schema_details(error, prefix), sources)


def _schema_details(error: ValidationError, prefix: KeyPath = ()) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        path: KeyPath = (*prefix, *(part for part in detail["loc"] if isinstance(part, int | str)))
        message = detail["msg"]
        if detail["type"] not in {"missing", "extra_forbidden"}:
            message += f" (got {_shown_value(detail['input'])})"
        elif detail["type"] == "extra_forbidden":
            message = "unknown key"
        elif len(path) == 1:
            message = f"missing section: write `{path[0]}:` in one of the design files"
        problems.append(Problem(path, message))
    return problems


def _locate_problems(
    problems: Iterable[Problem],
    sources: Mapping[KeyPath, Source],
    inherited: Mapping[KeyPath, KeyPath] | None = None,
) -> list[LocatedProblem]:
    """Each problem with its file and line, sorted; a problem in an inherited value once, at its layer."""
    located: dict[LocatedProblem, None] = {}  # ordered set: equal problems once, in the order found
    for problem in problems:
        origin = (inherited or {}).get(problem.path[:3])
        path = (*origin, *problem.path[3:]) if origin else problem.path
        located[LocatedProblem(_locate(sources, path), path, problem.message)] = None
    return sorted(located, key=lambda p: (p.source, str(p.path)))


def _shown_value(value: object) -> str:
    text = repr(value)
    if len(text) > SHOWN_CHARACTERS and isinstance(value, Mapping | list):
        return "a mapping" if isinstance(value, Mapping) else "a list"
    return shorten(text)
