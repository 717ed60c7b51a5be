"""The contract of a check: a typed input model, the requests it needs, a pure evaluation, and the entries
the design implies.

A check is one class in one module of network/verify/checks/: defining it registers it (its class attributes
are validated there and then, so a malformed check fails at import, not in a run).
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Generic, Self, TypeVar, get_args

from pydantic import BaseModel, ConfigDict

from inventory.model import Design
from inventory.model.migration import Feature
from inventory.types import Model, Name
from network.facts import DeviceFacts, device_facts
from network.platforms import PLATFORMS, PlatformSpec
from network.targets import Target, platform_for
from network.verify.observe import NEEDS, Need, Observations, Request, UnobservedError


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


@dataclass(frozen=True)
class Scope:
    """What the catalog is generated for: a design on a target, and per device the features running there
    (None: everything; during a migration, not everything runs yet)."""

    design: Design
    target: Target
    features: Mapping[str, frozenset[Feature]] | None = None
    _facts: dict[str, DeviceFacts] = field(default_factory=dict, init=False, repr=False, compare=False)

    def facts(self, device: str) -> DeviceFacts:
        """The device's design facts, made once per scope (several checks read them)."""
        if device not in self._facts:
            self._facts[device] = device_facts(self.design, device)
        return self._facts[device]

    def live(self, device: str, feature: Feature) -> bool:
        return self.features is None or feature in self.features.get(device, frozenset())

    def platform(self, device: str) -> PlatformSpec:
        return PLATFORMS[platform_for(self.design, self.target, device)]

    @property
    def platforms(self) -> list[PlatformSpec]:
        """The platforms the target runs, in name order."""
        names = {platform_for(self.design, self.target, device.name) for device in self.design.devices}
        return [PLATFORMS[name] for name in sorted(names)]


InputT = TypeVar("InputT", bound=Model)

_CHECK_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TAG = re.compile(r"[a-z0-9][a-z0-9:._-]*")
_REGISTERED: dict[str, type["Check[Any]"]] = {}


class Check(ABC, Generic[InputT]):
    """A check class: `name` in the catalog, `Input` its inputs (extra keys are errors), fixed `tags`
    (BIO control ids on baseline checks as `bio:<id>`), `needs` the kinds of request it asks; an instance
    is one catalog entry. `from_design` yields the entries a design implies (none: a check for hand-written
    catalogs only).

    A class that sets `name` is a check, validated and registered when it is defined; one that does not
    is a base for checks (DeviceCheck)."""

    name: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type[Model]]
    tags: ClassVar[tuple[str, ...]] = ()
    needs: ClassVar[tuple[Need, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            return
        problems = _class_problems(cls)
        if problems:
            raise TypeError(f"check class {cls.__module__}.{cls.__qualname__}: " + "; ".join(problems))
        _REGISTERED[cls.name] = cls

    def __init__(self, inputs: InputT, extra_tags: Sequence[str] = ()) -> None:
        self.inputs = inputs
        self.extra_tags = tuple(extra_tags)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """The entries of this check that the design implies for the scope, in a stable order."""
        return iter(())

    @classmethod
    def notes(cls, scope: Scope) -> list[str]:
        """What a reader of the generated catalog should know about this check's entries (the header)."""
        return []

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


def _class_problems(cls: type[Check[Any]]) -> list[str]:
    problems = []
    if not isinstance(cls.name, str) or not _CHECK_NAME.fullmatch(cls.name):
        problems.append(f"name {cls.name!r} is not lower-case words joined by '-'")
    elif cls.name in _REGISTERED:
        problems.append(f"name {cls.name!r} is taken by {_REGISTERED[cls.name].__qualname__}")
    if not isinstance(cls.__dict__.get("description"), str) or not cls.description.strip():
        problems.append("no description of its own")
    declared = [arg for base in getattr(cls, "__orig_bases__", ()) for arg in get_args(base)]
    model = cls.__dict__.get("Input")
    if not (isinstance(model, type) and issubclass(model, Model)):
        problems.append("Input is not an input Model (inventory.types.Model) of its own")
    elif model.model_config.get("extra") != "forbid":
        problems.append(f"Input {model.__name__} accepts unknown keys")
    elif declared != [model]:
        problems.append(f"Input {model.__name__} is not the model it is generic in ({declared})")
    if not isinstance(cls.tags, tuple) or not all(isinstance(t, str) and _TAG.fullmatch(t) for t in cls.tags):
        problems.append(f"tags {cls.tags!r} are not a tuple of tags")
    needs = cls.__dict__.get("needs")
    if not isinstance(needs, tuple) or not needs or not set(needs) <= NEEDS:
        problems.append(f"needs {needs!r} is not a tuple of request kinds ({', '.join(sorted(NEEDS))})")
    # What ABCMeta computes only after this hook has run: the abstract members still unimplemented.
    abstract = sorted(
        {name for base in cls.__mro__ for name, member in vars(base).items() if _abstract(member)}
        - {name for name in dir(cls) if not name.startswith("__") and not _abstract(getattr(cls, name))}
    )
    if abstract:
        problems.append(f"does not implement {', '.join(abstract)}")
    return problems


def _abstract(member: object) -> bool:
    return bool(getattr(member, "__isabstractmethod__", False))


def registered() -> Mapping[str, type[Check[Any]]]:
    """Every check class defined so far, by name (network.verify.checks imports them all)."""
    return dict(_REGISTERED)
