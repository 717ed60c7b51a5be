"""`fundament infra plan`: the program under Pulumi's mock runtime — no engine, no vCenter.

The mocks record every resource the program declares and every lookup it makes; references between them
(a VM's tags, its port group) are recovered from the ids the mocks hand out, so the same policy rules the
engine runs can judge the result.
"""

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi

from infra.backends import VsphereBackend
from infra.naming import BIO, OWNER, WAVE, ZONE
from infra.policy.rules import CREDENTIAL_KEY, Declared, Violation, evaluate
from infra.program import PROJECT, declare
from infra.settings import StackSettings
from infra.stacks import stack_config
from infra.tokens import FOLDER, POOL, PORT_GROUP, PROVIDER, SWITCH, TAG, TAG_CATEGORY, VM
from inventory import Design

MASKED = "[secret]"


@dataclass(frozen=True)
class Recorded:
    id: str
    type: str
    name: str
    props: dict[str, Any]
    kind: Literal["resource", "component", "lookup"]
    provider: str
    """the provider reference ("urn::id") of a managed resource or lookup"""


@dataclass
class Recorder(pulumi.runtime.Mocks):
    """Stands in for the engine: hands out ids, remembers what was declared and looked up."""

    recorded: list[Recorded] = field(default_factory=list)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        # Credentials never leave the mocks: they are secrets, and the plan is printed.
        inputs = {key: MASKED if CREDENTIAL_KEY.search(key) else _plain(v) for key, v in args.inputs.items()}
        resource_id = f"{args.typ.rsplit(':', 1)[-1]}/{args.name}"
        self.recorded.append(
            Recorded(
                resource_id,
                args.typ,
                args.name,
                inputs,
                "resource" if args.custom else "component",
                args.provider or "",
            )
        )
        return resource_id, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        name = str(args.args.get("name"))
        lookup_id = f"{args.token.rsplit(':', 1)[-1]}/{name}"
        self.recorded.append(
            Recorded(lookup_id, args.token, name, _plain(args.args), "lookup", args.provider or "")
        )
        # The cluster stands in for its root resource pool, so a new pool links to its cluster.
        return {**args.args, "id": lookup_id, "resourcePoolId": lookup_id}, []


def _plain(value: Any) -> Any:
    """Inputs as the program wrote them: the RPC layer turns every number into a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class Plan:
    stack: str
    resources: list[Declared]
    """managed resources, the provider included, by type (as KEY_PROPERTIES orders them) and name"""
    components: list[Declared]
    lookups: list[Declared]
    """existing vSphere objects the program reads (datacenter, clusters, hosts, datastores)"""
    outputs: dict[str, Any]
    violations: list[Violation]
    recorded: list[Recorded]
    """everything the mocks saw, in the order the program declared it"""

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"type": resource.type, "name": resource.name, "properties": key_properties(resource)}
            for resource in self.resources
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "runtime": "mock",
            "resources": self.rows(),
            "components": [{"type": c.type, "name": c.name} for c in self.components],
            "lookups": [{"function": lookup.type, "name": lookup.name} for lookup in self.lookups],
            "outputs": self.outputs,
            "violations": [vars(violation) for violation in self.violations],
        }


def plan(design: Design, stack: str) -> Plan:
    """Run the program for `stack` (its Pulumi.<stack>.yaml config, secrets left out) under the mocks."""
    config = stack_config(stack)
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project=PROJECT, stack=stack, preview=False)
    pulumi.runtime.set_all_config(
        {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config.items()
            if not (isinstance(value, Mapping) and "secure" in value)
        }
    )
    outputs: dict[str, Any] = {}

    def program() -> pulumi.Output[None]:
        # Always the vSphere backend: the policies judge pulumi_vsphere resources, and the simulator's
        # backend receives the same declared objects (tests/unit/infra/test_backends.py).
        backend = VsphereBackend(design.datacenter) if design.datacenter else None
        declared = declare(design, StackSettings.from_config(), backend)
        return pulumi.Output.from_input(declared).apply(outputs.update)

    pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated
    recorded = recorder.recorded
    declared = _link(recorded)
    order = list(KEY_PROPERTIES)
    managed = sorted(
        (declared[r.id] for r in recorded if r.kind == "resource"),
        key=lambda d: (order.index(d.type) if d.type in order else len(order), d.name),
    )
    return Plan(
        stack=stack,
        resources=managed,
        components=[declared[r.id] for r in recorded if r.kind == "component"],
        lookups=[declared[r.id] for r in recorded if r.kind == "lookup"],
        outputs=outputs,
        violations=evaluate(managed),
        recorded=recorded,
    )


def _link(recorded: list[Recorded]) -> dict[str, Declared]:
    """Declared resources by id, each input linked to the resources whose id appears in its value."""
    refs: dict[str, dict[str, list[Declared]]] = {r.id: {} for r in recorded}
    by_id = {r.id: Declared(r.type, r.name, r.props, refs[r.id], r.id) for r in recorded}
    for r in recorded:
        for key, value in r.props.items():
            found = [by_id[text] for text in _strings(value) if text in by_id]
            if found:
                refs[r.id][key] = found
    return by_id


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _names(resource: Declared, key: str) -> str:
    return ", ".join(str(ref.props.get("name", ref.name)) for ref in resource.refs.get(key, ()))


def _tags(resource: Declared) -> str:
    tags = resource.tags()
    return " ".join(
        f"{category}={','.join(tags[category])}" for category in (ZONE, BIO, OWNER, WAVE) if category in tags
    )


def _vm(vm: Declared) -> dict[str, Any]:
    return {
        "cpus": vm.props.get("numCpus"),
        "memory_mb": vm.props.get("memory"),
        "disks_gb": [disk.get("size") for disk in vm.props.get("disks") or []],
        "port_group": ", ".join(
            str(g.props.get("name")) for g in vm.referenced("networkInterfaces", PORT_GROUP)
        ),
        "pool": _names(vm, "resourcePoolId"),
        "datastore": _names(vm, "datastoreId"),
        "folder": vm.props.get("folder"),
        "tags": _tags(vm),
    }


KEY_PROPERTIES: dict[str, Callable[[Declared], dict[str, Any]]] = {
    PROVIDER: lambda p: {
        "server": p.props.get("vsphereServer"),
        "credentials": "set (secret)"
        if p.props.get("password") == MASKED
        else "from the engine's environment",
        "allow_unverified_ssl": p.props.get("allowUnverifiedSsl"),
    },
    TAG_CATEGORY: lambda c: {
        "cardinality": c.props.get("cardinality"),
        "for": c.props.get("associableTypes"),
    },
    TAG: lambda t: {"category": _names(t, "categoryId")},
    FOLDER: lambda f: {"path": f.props.get("path"), "tags": _tags(f)},
    POOL: lambda p: {
        "cluster": _names(p, "parentResourcePoolId"),
        "shares": f"cpu {p.props.get('cpuShareLevel')}, memory {p.props.get('memoryShareLevel')}",
        "reserved": f"{p.props.get('cpuReservation')} MHz, {p.props.get('memoryReservation')} MB",
    },
    SWITCH: lambda s: {
        "mtu": s.props.get("maxMtu"),
        "uplinks": s.props.get("uplinks"),
        "hosts": _names(s, "hosts"),
    },
    PORT_GROUP: lambda g: {
        "vlan": g.props.get("vlanId"),
        "switch": _names(g, "distributedVirtualSwitchUuid"),
        "tags": _tags(g),
    },
    VM: _vm,
}
"""What the plan shows of each resource type the program declares, in the order it shows them."""


def key_properties(resource: Declared) -> dict[str, Any]:
    show = KEY_PROPERTIES.get(resource.type)
    return show(resource) if show else {}
