"""Intended configuration: device facts rendered through the feature templates of a platform.

`render_device` is pure. Secrets are never rendered: a template writes `@@secret:NAME@@` where the platform
needs one, and the push stage calls `fill_secrets` on the text it sends to the device (never on a file).
"""

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from pydantic import SecretStr

from fundament import secrets
from inventory.model import Platform
from inventory.model.services import SecretRef
from network.facts import DeviceFacts
from network.platforms import FILE_MARKER, PLATFORMS

TEMPLATES = Path(__file__).resolve().parent / "templates"
SECRET_MARKER = re.compile(r"@@secret:([A-Z][A-Z0-9_]*)@@")


def secret_marker(ref: SecretRef) -> str:
    return f"@@secret:{ref.secret}@@"


@cache
def template_environment(folder: str) -> jinja2.Environment:
    """The Jinja2 environment of one folder under network/templates/ (a platform, or the firewall)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / folder),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


@cache
def _environment(platform: Platform) -> jinja2.Environment:
    environment = template_environment(platform.value)
    spec = PLATFORMS[platform]
    # Every device name a template writes comes from the platform's spec: facts carry numbers only.
    environment.filters.update(
        ifname=spec.interface_name,
        svi=spec.svi_name,
        bond=spec.bond_name,
        vxlan=spec.vxlan_name,
        segment_bridge=spec.segment_bridge_name,
        secret=secret_marker,
    )
    environment.globals["bridge"] = spec.bridge_name
    return environment


def render_device(facts: DeviceFacts, platform: Platform, record: str | None = None) -> str:
    """The full configuration of one device for `platform`; multi-file platforms get a marker per file.

    `record` (the migrations applied, see network.migrate) becomes a comment line opening the first file.
    """
    spec = PLATFORMS[platform]
    environment = _environment(platform)
    parts: list[str] = []
    for config_file in spec.files:
        if config_file.feature is not None and config_file.feature not in facts.features:
            continue
        templates = [environment.get_template(name) for name in config_file.templates]
        body = "".join(template.render(device=facts, platform=spec) for template in templates)
        if record is not None and not parts:
            body = f"{spec.comment}{record}\n{body}"
        parts.append(body if config_file.path is None else f"{FILE_MARKER}{config_file.path}\n{body}")
    return "".join(parts)


def fill_secrets(text: str, resolve: Callable[[str], SecretStr] = secrets.resolve) -> str:
    """The text with every secret marker replaced by its value: only for sending to a device."""
    return SECRET_MARKER.sub(lambda match: resolve(match.group(1)).get_secret_value(), text)
