"""The contract of a check: a typed input model, the requests it needs, a pure evaluation."""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from inventory.types import Model, Name
from network.verify.observe import Observations, Request, UnobservedError


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: Status
    message: str


def passed(message: str) -> Verdict:
    return Verdict(status=Status.PASS, message=message)


def failed(message: str) -> Verdict:
    return Verdict(status=Status.FAIL, message=message)


def warned(message: str) -> Verdict:
    return Verdict(status=Status.WARN, message=message)


class CheckResult(BaseModel):
    """One evaluated catalog entry, as every reporter shows it."""

    model_config = ConfigDict(frozen=True)

    check: str
    title: str
    devices: tuple[str, ...]
    tags: tuple[str, ...]
    status: Status
    message: str
    attempts: int = 1


InputT = TypeVar("InputT", bound=Model)


class Check(ABC, Generic[InputT]):
    """A check class: `name` in the catalog, `Input` its inputs (extra keys are errors), fixed `tags`
    (BIO control ids on baseline checks as `bio:<id>`); an instance is one catalog entry."""

    name: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type[Model]]
    tags: ClassVar[tuple[str, ...]] = ()

    def __init__(self, inputs: InputT, extra_tags: Sequence[str] = ()) -> None:
        self.inputs = inputs
        self.extra_tags = tuple(extra_tags)

    @property
    def all_tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.tags, *self.extra_tags)))

    @property
    @abstractmethod
    def title(self) -> str:
        """What this entry checks, naming its devices (the test case name in JUnit)."""

    @property
    @abstractmethod
    def devices(self) -> tuple[str, ...]:
        """The switches this entry concerns (both ends for cross-device checks): the filters use them."""

    @abstractmethod
    def requests(self) -> list[Request]:
        """Everything the evaluation reads; the runner collects it before `evaluate`."""

    @abstractmethod
    def evaluate(self, seen: Observations) -> Verdict:
        """Pure: the verdict from the observations only."""

    def run(self, seen: Observations, attempts: int = 1) -> CheckResult:
        try:
            verdict = self.evaluate(seen)
        except UnobservedError as missing:
            verdict = Verdict(status=Status.ERROR, message=str(missing))
        return CheckResult(
            check=self.name,
            title=self.title,
            devices=self.devices,
            tags=self.all_tags,
            status=verdict.status,
            message=verdict.message,
            attempts=attempts,
        )

    def entry(self) -> dict[str, Any]:
        """The catalog entry this check came from (or would be written as)."""
        entry: dict[str, Any] = {"check": self.name}
        if self.extra_tags:
            entry["tags"] = list(self.extra_tags)
        entry["inputs"] = self.inputs.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return entry


class DeviceInput(Model):
    device: Name


DeviceInputT = TypeVar("DeviceInputT", bound=DeviceInput)


class DeviceCheck(Check[DeviceInputT]):
    """A check of one device: its input names the device."""

    @property
    def devices(self) -> tuple[str, ...]:
        return (self.inputs.device,)
