"""The JSON Schema of a design file, generated from the models so that it cannot drift from them."""

import json
from pathlib import Path
from typing import Any

from inventory.loader import DeviceLayer
from inventory.model import Design, Role
from inventory.model.migration import Migration

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "design.schema.json"


def design_file_schema() -> dict[str, Any]:
    """A design file holds any subset of the sections, so nothing is required at the top."""
    schema = Design.model_json_schema()
    schema.pop("required", None)
    layer = DeviceLayer.model_json_schema(ref_template="#/$defs/{model}")
    schema["$defs"].update(layer.pop("$defs", {}))
    schema["$defs"]["DeviceLayer"] = layer
    # What the layers may set is required only after the merge, which the loader checks.
    device = schema["$defs"]["Device"]
    device["required"] = [name for name in device["required"] if name not in layer["properties"]]
    layer_ref = {"$ref": "#/$defs/DeviceLayer"}
    schema["properties"]["defaults"] = {**layer_ref, "description": "settings every device starts from"}
    schema["properties"]["roles"] = {
        "type": "object",
        "description": "settings per role, over the defaults and under each device's own entry",
        "propertyNames": {"enum": [role.value for role in Role]},
        "additionalProperties": layer_ref,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fundament.provincie.internal/design.schema.json",
        "title": "fundament design file",
        **schema,
    }


def migration_file_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fundament.provincie.internal/migration.schema.json",
        "title": "fundament migration file",
        **Migration.model_json_schema(),
    }


def schema_texts() -> dict[Path, str]:
    """Every committed schema file and the text the models generate for it."""
    return {
        SCHEMA_FILE: _text(design_file_schema()),
        SCHEMA_DIR / "migration.schema.json": _text(migration_file_schema()),
    }


def schema_text() -> str:
    return schema_texts()[SCHEMA_FILE]


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
