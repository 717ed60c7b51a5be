"""Which migrations are applied where, per wave, from the records read off the devices."""

from collections.abc import Mapping

from pydantic import BaseModel

from inventory.migrations import MigrationFile


class WaveStatus(BaseModel):
    name: str
    devices: int
    applied: int


class MigrationStatus(BaseModel):
    id: str
    ticket: str
    enables: str
    state: str
    """applied (on every device it concerns), partial or pending."""
    waves: list[WaveStatus]


def status(migration: MigrationFile, state: Mapping[str, tuple[str, ...]]) -> MigrationStatus:
    waves = [
        WaveStatus(
            name=wave.name,
            devices=len(devices),
            applied=sum(migration.id in state.get(d, ()) for d in devices),
        )
        for wave, devices in zip(migration.migration.waves, migration.waves, strict=True)
    ]
    applied = sum(wave.applied for wave in waves)
    total = len(migration.devices)
    return MigrationStatus(
        id=migration.id,
        ticket=migration.migration.ticket,
        enables=", ".join(migration.migration.enable),
        state="applied" if applied == total else "partial" if applied else "pending",
        waves=waves,
    )
