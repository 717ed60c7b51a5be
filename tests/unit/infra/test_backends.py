"""One program, two backends: the official vSphere provider and the simulator's dynamic resources receive
the same declared objects for the sample design (property for property, references included)."""

import re
from collections.abc import Sequence
from typing import Any

import pulumi
import pytest

from infra.backends import KINDS, Backend, VsphereBackend
from infra.program import PROJECT, declare
from infra.settings import StackSettings
from infra.simulated import SimBackend, plain
from inventory import Design

Declared = dict[tuple[str, str], dict[str, Any]]


class Capture(pulumi.runtime.Mocks):
    """The engine's side under the mock runtime: ids named after the resource, so references compare."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return f"id:{args.name}", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        name = str(args.args["name"])
        return {**args.args, "id": f"lookup:{name}", "resourcePoolId": f"pool:{name}"}, []


def _lookup(kind: str, name: str, datacenter: Sequence[str]) -> tuple[str, str]:
    """What the simulator's backend reads, named the way Capture.call names what the provider reads."""
    return f"lookup:{name}", f"pool:{name}"


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _normal(value: Any) -> Any:
    """pulumi_vsphere's wire names (camelCase) as its Python names; numbers as the program wrote them."""
    if isinstance(value, dict):
        return {_snake(key): _normal(item) for key, item in value.items() if not key.startswith("__")}
    if isinstance(value, list):
        return [_normal(item) for item in value]
    return plain(value)


def declared(design: Design, make_backend: Any) -> Declared:
    capture = Capture()
    pulumi.runtime.set_mocks(capture, project=PROJECT, stack="lab", preview=False)

    def program() -> None:
        backend: Backend = make_backend()
        declare(design, StackSettings(sizing="lab"), backend)

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
    return {
        (args.typ.rsplit(":", 1)[-1], args.name): _normal(dict(args.inputs))
        for args in capture.resources
        if args.custom and not args.typ.startswith("pulumi:providers:")
    }


@pytest.fixture(scope="module")
def both(design: Design) -> tuple[Declared, Declared]:
    assert design.datacenter is not None
    dc = design.datacenter
    return declared(design, lambda: VsphereBackend(dc)), declared(design, lambda: SimBackend(_lookup))


def test_both_backends_receive_the_same_objects(both: tuple[Declared, Declared]) -> None:
    official, simulated = both
    assert sorted(official) == sorted(simulated)
    for key, props in official.items():
        assert simulated[key] == props, key


def test_every_kind_is_declared_and_references_survive(
    both: tuple[Declared, Declared], design: Design
) -> None:
    _, simulated = both
    assert {kind for kind, _ in simulated} == set(KINDS)
    assert design.datacenter is not None
    vm = design.datacenter.workloads[0]
    (props,) = [p for (kind, name), p in simulated.items() if kind == "VirtualMachine" and name == vm.name]
    assert props["network_interfaces"][0]["network_id"].startswith("id:dpg-")
    assert props["datastore_id"] == f"lookup:{vm.datastore}"
    assert len(props["tags"]) == 4
