"""The check contract held by the class itself: a malformed check fails when it is defined, every check in
network/verify/checks/ is registered without a list kept by hand, and each asks only what it declares."""

import importlib
import pkgutil
import types
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ConfigDict

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.types import Model
from network.targets import Target
from network.verify import checks
from network.verify.check import Check, DeviceCheck, DeviceInput, Scope, Verdict, passed
from network.verify.checks import REGISTRY
from network.verify.generate import generate
from network.verify.observe import Getter, Observations, Request


class LooseInput(Model):
    model_config = ConfigDict(extra="allow")


def define(**attributes: Any) -> type[Check[Any]]:
    """A device check class as a new check file would write it, with `attributes` replacing the good ones."""
    body: dict[str, Any] = {
        "name": "test-contract",
        "description": "A check defined by a test.",
        "Input": DeviceInput,
        "needs": ("get_interfaces",),
        "title": property(lambda self: "title"),
        "requests": lambda self: [Getter(self.inputs.device, "get_interfaces")],
        "evaluate": lambda self, seen: passed("ok"),
    }
    body.update(attributes)
    body = {key: value for key, value in body.items() if value is not ...}
    return types.new_class("Defined", (DeviceCheck[DeviceInput],), exec_body=lambda space: space.update(body))


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"name": "Test_Contract"}, "name 'Test_Contract' is not lower-case words joined by '-'"),
        ({"name": "lldp-neighbors"}, "name 'lldp-neighbors' is taken by LldpNeighbors"),
        ({"description": ...}, "no description of its own"),
        ({"Input": dict}, "Input is not an input Model (inventory.types.Model) of its own"),
        ({"Input": LooseInput}, "Input LooseInput accepts unknown keys"),
        ({"needs": ...}, "needs None is not a tuple of request kinds"),
        ({"needs": ("get_facts",)}, "needs ('get_facts',) is not a tuple of request kinds"),
        ({"tags": ["cabling"]}, "tags ['cabling'] are not a tuple of tags"),
        ({"evaluate": ...}, "does not implement evaluate"),
    ],
)
def test_a_malformed_check_fails_where_it_is_defined(attributes: dict[str, Any], problem: str) -> None:
    with pytest.raises(TypeError, match=r"check class .*Defined: ") as raised:
        define(**attributes)
    assert problem in str(raised.value)
    assert "test-contract" not in REGISTRY


def test_the_input_must_be_the_model_the_check_is_generic_in() -> None:
    class OtherInput(DeviceInput):
        extra: int = 0

    with pytest.raises(
        TypeError, match=r"Input OtherInput is not the model it is generic in \(\[.*DeviceInput"
    ):
        define(Input=OtherInput)


def test_a_base_without_a_name_is_not_a_check() -> None:
    class Base(Check[DeviceInput]):
        """A shared base for checks: no name, so neither validated nor registered."""

    assert Base.__name__ not in {check.__name__ for check in REGISTRY.values()}


def _defined_in(module: str) -> Iterator[type[Check[Any]]]:
    for value in vars(importlib.import_module(module)).values():
        is_check = isinstance(value, type) and issubclass(value, Check) and "name" in value.__dict__
        if is_check and value.__module__ == module:
            yield value


def test_every_check_of_every_checks_module_is_registered_under_its_name() -> None:
    modules = [f"{checks.__name__}.{module.name}" for module in pkgutil.iter_modules(checks.__path__)]
    defined = [check for module in modules for check in _defined_in(module)]
    assert len(defined) == len(REGISTRY)
    assert {check.name: check for check in defined} == dict(REGISTRY)


@pytest.mark.parametrize("target", list(Target))
@pytest.mark.parametrize("folder", [SAMPLE_DESIGN, SAMPLE_DESIGN.parent / "examples" / "campus"])
def test_generated_entries_ask_only_what_their_check_needs(target: Target, folder: Any) -> None:
    catalog = generate(load_design(folder), target)
    assert catalog
    for check in catalog:
        asked = {request.kind for request in check.requests()}
        assert asked and asked <= set(check.needs), (check.name, asked, check.needs)


def test_a_check_without_a_generator_makes_no_entries() -> None:
    """A check for hand-written catalogs only; its class still validates and registers."""

    class HandWritten(DeviceCheck[DeviceInput]):
        name = "test-hand-written"
        description = "Written into catalogs by hand."
        Input = DeviceInput
        needs = ("get_config",)

        @property
        def title(self) -> str:
            return "hand-written"

        def requests(self) -> list[Request]:
            return [Getter(self.inputs.device, "get_config")]

        def evaluate(self, seen: Observations) -> Verdict:
            return passed("ok")

    assert list(HandWritten.from_design(Scope(load_design(), Target.LAB))) == []
    assert HandWritten.notes(Scope(load_design(), Target.LAB)) == []
