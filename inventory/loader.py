"""Read the source of truth: every *.yaml file of a design folder, merged into one cross-checked Design.

Each file holds some of the design's top-level sections. Device entries are layered: `defaults`, then
`roles.<role>`, then the entry itself (one generic deep merge); values inherited from a layer keep the
location of the layer, so an error in an inherited value points at the line that set it.
"""

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ValidationError, create_model

from inventory.errors import DesignError, KeyPath, LocatedProblem, Problem, Source
from inventory.model import Design, Device
from inventory.types import Model
from inventory.validate import cross_check

LAYER_SECTIONS = ("defaults", "roles")
KNOWN_SECTIONS = (*Design.model_fields, *LAYER_SECTIONS)

_PER_DEVICE_FIELDS = {"name", "role"}
_LAYER_FIELDS: dict[str, Any] = {
    name: (Optional[field.annotation], None)  # noqa: UP045 - a runtime type, not an annotation
    for name, field in Device.model_fields.items()
    if name not in _PER_DEVICE_FIELDS
}
DeviceLayer: type[BaseModel] = create_model("DeviceLayer", __base__=Model, **_LAYER_FIELDS)
"""A device entry with every field optional: what `defaults` and `roles.<role>` may set."""


@dataclass(frozen=True)
class LoadedDesign:
    """A valid design and where each of its values was written."""

    design: Design
    sources: Mapping[KeyPath, Source]

    def where(self, path: KeyPath) -> Source:
        return _locate(self.sources, path)

    def fail_on(self, problems: Iterable[Problem]) -> None:
        """Raise DesignError naming file, line and key path for each problem a domain check found."""
        located = [LocatedProblem(self.where(p.path), p.path, p.message) for p in problems]
        if located:
            raise DesignError(sorted(located, key=lambda p: (p.source, str(p.path))))


def load(directory: Path | None = None) -> LoadedDesign:
    """Load, merge, validate and cross-check the design in `directory` (default: the sample design)."""
    from fundament.paths import inventory_dir

    folder = Path(directory) if directory is not None else inventory_dir()
    raw, sources, problems = _read_folder(folder)
    if not problems:
        problems = _apply_layers(raw, sources)
    if problems:
        raise DesignError(problems)
    try:
        design = Design.model_validate(raw)
    except ValidationError as error:
        raise DesignError(schema_problems(error, sources)) from None
    loaded = LoadedDesign(design, sources)
    loaded.fail_on(cross_check(design))
    return loaded


def load_design(directory: Path | None = None) -> Design:
    return load(directory).design


def display_path(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _read_folder(folder: Path) -> tuple[dict[str, Any], dict[KeyPath, Source], list[LocatedProblem]]:
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        source = Source(display_path(folder))
        return {}, {}, [LocatedProblem(source, (), f"no design files (*.yaml) in {folder}")]
    raw: dict[str, Any] = {}
    sources: dict[KeyPath, Source] = {}
    owner: dict[str, Source] = {}
    problems: list[LocatedProblem] = []
    for file in files:
        shown = display_path(file)
        try:
            data, lines = read_yaml(file)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else None
            problems.append(LocatedProblem(Source(shown, line), (), f"YAML syntax: {error.problem}"))
            continue
        if data is None:
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
    """The file's data and the line of every key and list item (libyaml speed, PyYAML's node marks)."""
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with file.open(encoding="utf-8") as stream:
        loader = loader_class(stream)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _mark_lines(node, (), lines)
    return data, lines


def _mark_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                lines[("!duplicate", *path, key)] = key_node.start_mark.line + 1
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _mark_lines(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _mark_lines(item, (*path, index), lines)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; any other value in `override` replaces the one in `base`."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _apply_layers(raw: dict[str, Any], sources: dict[KeyPath, Source]) -> list[LocatedProblem]:
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
    layer_sources = [(path, source) for path, source in sources.items() if path[0] in LAYER_SECTIONS]
    for index, entry in enumerate(raw["devices"]):
        if not isinstance(entry, dict):
            continue
        role = entry.get("role")
        role_layer = roles.get(role, {}) if isinstance(role, str) else {}
        inherited = deep_merge(defaults, role_layer)
        for key in inherited.keys() - entry.keys():
            origin: KeyPath = ("roles", str(role), key) if key in role_layer else ("defaults", key)
            sources.update(
                {
                    ("devices", index, key, *path[len(origin) :]): source
                    for path, source in layer_sources
                    if path[: len(origin)] == origin
                }
            )
        raw["devices"][index] = deep_merge(inherited, entry)
    return problems


def _locate(sources: Mapping[KeyPath, Source], path: KeyPath) -> Source:
    for end in range(len(path), 0, -1):
        if path[:end] in sources:
            return sources[path[:end]]
    return Source(Path(os.curdir))


def schema_problems(
    error: ValidationError, sources: Mapping[KeyPath, Source], prefix: KeyPath = ()
) -> list[LocatedProblem]:
    problems = []
    for detail in error.errors(include_url=False):
        path: KeyPath = (*prefix, *(part for part in detail["loc"] if isinstance(part, int | str)))
        message = detail["msg"]
        if detail["type"] not in {"missing", "extra_forbidden"}:
            message += f" (got {detail['input']!r})"
        elif detail["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append(LocatedProblem(_locate(sources, path), path, message))
    return problems
