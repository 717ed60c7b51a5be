"""The intended configuration of a device: the one builder that render, plan, apply and migrate share.

A config is the device's facts (as far as its applied migrations have rolled the design out) rendered for a
platform, opened by the record of those migrations, with secrets as markers. What `net render` writes is
therefore exactly what `net apply` pushes, before `fill_secrets` puts the secret values in on the way out.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fundament.errors import writing
from inventory.migrations import MigrationFile
from inventory.model import Design, Platform
from network.facts import device_facts
from network.migrate.state import features, record
from network.render import fill_secrets, render_device

if TYPE_CHECKING:
    from network.targets import Target


@dataclass(frozen=True)
class Intent:
    """A design with the migrations that roll it out (none is valid: the design is then one step)."""

    design: Design
    migrations: Sequence[MigrationFile] = ()
    by_id: dict[str, MigrationFile] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {m.id: m for m in self.migrations})

    def concerning(self, device: str) -> tuple[str, ...]:
        """The ids of the migrations that change `device`: all of them together are the whole design."""
        return tuple(m.id for m in self.migrations if device in m.devices)

    def config(self, device: str, platform: Platform, applied: Iterable[str] | None = None) -> str:
        """The config of `device` for `platform`, secrets as markers.

        `applied` None: the whole design, recorded as every migration that concerns the device (what
        `net render` and `net apply` build). Otherwise exactly the migrations `applied` (what `migrate`
        builds).
        """
        if applied is None:
            return render_device(device_facts(self.design, device), platform, record(self.concerning(device)))
        ids = tuple(applied)
        facts = device_facts(self.design, device, features(ids, self.by_id))
        return render_device(facts, platform, record(ids))


def push_configs(intent: Intent, target: "Target", devices: Iterable[str]) -> dict[str, str]:
    """The whole design's configs of `devices` for `target`, secrets filled in: for sending to the devices
    only, never to a file or screen. Raises SecretNotFoundError for a secret that is not set."""
    from network.targets import platform_for

    return {
        name: fill_secrets(intent.config(name, platform_for(intent.design, target, name))) for name in devices
    }


def write_configs(
    intent: Intent,
    devices: Iterable[str],
    platform: Platform | None,
    directory: Path,
    done: Callable[[str], None] = lambda device: None,
) -> list[Path]:
    """Render `devices` into `directory/<platform>/<device>.cfg`; platform None: each device's own.

    `done` is called with each device name after its file is written (progress display).
    """
    written = []
    for device in devices:
        chosen = platform or intent.design.device_by_name[device].platform
        path = directory / chosen.value / f"{device}.cfg"
        with writing(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(intent.config(device, chosen), encoding="utf-8")
        written.append(path)
        done(device)
    return written
