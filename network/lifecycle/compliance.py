"""Drift as compliance: per device whether its running config is the intended one, and how much differs."""

from pydantic import BaseModel

from network.lifecycle.outcome import DeviceOutcome, Status


class Compliance(BaseModel):
    device: str
    compliant: bool
    differences: int
    """Lines added or removed in the diff, file headers not counted."""
    error: str
    """Why the device could not be compared; empty when it could."""


def compliance(outcomes: list[DeviceOutcome]) -> list[Compliance]:
    return [
        Compliance(
            device=outcome.device,
            compliant=outcome.status is Status.UNCHANGED,
            differences=sum(
                1 for line in outcome.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
            ),
            error=outcome.message if outcome.status is Status.FAILED else "",
        )
        for outcome in outcomes
    ]
