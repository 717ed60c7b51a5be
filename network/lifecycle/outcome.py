"""What happened on each device: the typed result every lifecycle stage returns."""

from enum import StrEnum

from pydantic import BaseModel


class Status(StrEnum):
    UNCHANGED = "unchanged"
    """Running config already equals the intended config."""
    PENDING = "pending"
    """plan / drift: the device differs from the intended config."""
    APPLIED = "applied"
    """apply: committed, post-checks passed, commit confirmed."""
    REVERTED = "reverted"
    """apply: committed, then rolled back (its post-checks failed, or the run's policy rolled it back)."""
    ROLLED_BACK = "rolled-back"
    """rollback: the previous committed config is back."""
    SAVED = "saved"
    """backup: the running config is in the backup folder."""
    FAILED = "failed"
    """The device could not be reached, refused the config, or lost the session; see the message."""


class DeviceOutcome(BaseModel):
    device: str
    status: Status
    diff: str = ""
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status in (Status.FAILED, Status.REVERTED)


class CheckVerdict(BaseModel):
    """The post-change checks of one device, as the verification catalog judged them."""

    device: str
    passed: bool
    summary: str


class FailurePolicy(StrEnum):
    CONTINUE = "continue"
    """A device whose checks fail is reverted; the others keep their change."""
    ROLLBACK_ALL = "rollback-all"
    """Any failure reverts every device this run committed."""
