"""The province's rules: the sample complies, each violation is caught, in plain tests and in the pack."""

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra import stacks
from infra.plan import Plan
from infra.policy.__main__ import declared, policy
from infra.policy.rules import RULES, Declared, evaluate, plaintext_secrets_in_stack_config
from infra.tokens import PORT_GROUP, SIMULATED, TAG, TAG_CATEGORY, VM, VSPHERE_BY_KIND


def category(name: str) -> Declared:
    return Declared(TAG_CATEGORY, f"category-{name}", {"name": name})


def tag(category_name: str, name: str) -> Declared:
    return Declared(TAG, f"{category_name}-{name}", {"name": name}, {"categoryId": [category(category_name)]})


def port_group(name: str, zone: str) -> Declared:
    return Declared(PORT_GROUP, name, {"name": name}, {"tags": [tag("zone", zone)]})


SERVER = port_group("dpg-0210-server", "server")
DMZ = port_group("dpg-0220-dmz", "dmz")


def vm(
    zone: str | None = "server",
    owner: str | None = "team-geo",
    groups: tuple[Declared, ...] = (SERVER,),
    disks: tuple[int, ...] = (40,),
    **props: Any,
) -> Declared:
    tags = [tag("bio-classification", "BBN2")]
    tags += [tag("zone", zone)] if zone else []
    tags += [tag("owner", owner)] if owner else []
    return Declared(
        VM,
        "app-01",
        {"disks": [{"label": f"disk{unit}", "size": size} for unit, size in enumerate(disks)], **props},
        {"tags": tags, "networkInterfaces": list(groups)},
        urn="urn:pulumi:prod::fundament-datacenter::vsphere:index/virtualMachine:VirtualMachine::app-01",
    )


def test_sample_datacenter_complies(prod: Plan) -> None:
    assert prod.violations == []
    assert evaluate(prod.resources) == []


VIOLATIONS = {
    "no owner tag": (vm(owner=None), "vm-tagged-zone-bio-owner", "needs exactly one 'owner' tag, has []"),
    "no zone tag": (vm(zone=None), "vm-tagged-zone-bio-owner", "needs exactly one 'zone' tag"),
    "dmz VM on the server port group": (
        vm(zone="dmz"),
        "dmz-vm-on-dmz-port-group",
        "is in zone dmz but attached to dpg-0210-server (zone server)",
    ),
    "dmz VM without a network": (vm(zone="dmz", groups=()), "dmz-vm-on-dmz-port-group", "without a network"),
    "server VM on the DMZ port group": (
        vm(groups=(SERVER, DMZ)),
        "dmz-vm-on-dmz-port-group",
        "is in zone server but attached to the DMZ port group dpg-0220-dmz",
    ),
    "tiny disk": (vm(disks=(40, 5)), "disk-size-bounds", "disk disk1 is 5 GB, outside 10..4096 GB"),
    "huge disk": (vm(disks=(5000,)), "disk-size-bounds", "disk disk0 is 5000 GB"),
    "password in guestinfo": (
        vm(extraConfig={"guestinfo.root_password": "hunter2"}),
        "no-plaintext-credentials",
        "extraConfig key 'guestinfo.root_password' holds a credential in plain text",
    ),
    "token in a vApp property": (
        vm(vapp={"properties": {"api_token": "abc"}}),
        "no-plaintext-credentials",
        "vapp key 'api_token'",
    ),
}


@pytest.mark.parametrize("case", VIOLATIONS)
def test_violation_is_caught(case: str) -> None:
    resource, rule, fragment = VIOLATIONS[case]
    found = evaluate([resource])
    assert [(v.policy, v.resource) for v in found] == [(rule, "app-01")]
    assert fragment in found[0].message


def test_compliant_vm_passes() -> None:
    assert evaluate([vm(), vm(zone="dmz", groups=(DMZ,))]) == []


def test_a_dmz_workload_moved_to_the_server_port_group_is_caught(prod: Plan) -> None:
    portal = next(r for r in prod.resources if r.name == "webportaal-01")
    server = next(r for r in prod.resources if r.type == PORT_GROUP and r.props["name"] == "dpg-0210-server")
    moved = replace(portal, refs={**portal.refs, "networkInterfaces": [server]})
    assert [v.message for v in evaluate([moved])] == [
        "is in zone dmz but attached to dpg-0210-server (zone server)"
    ]


def test_disk_bounds_come_from_policy_config(prod: Plan) -> None:
    found = evaluate(prod.resources, config={"disk-size-bounds": {"maximum_gb": 1000}})
    assert sorted(v.resource for v in found) == ["dms-01", "gis-01"]


def test_committed_stack_files_hold_no_plaintext_credentials() -> None:
    assert stacks.stack_names() == ["lab", "prod"]
    for name in stacks.stack_names():
        assert plaintext_secrets_in_stack_config(stacks.stack_config(name)) == []


def test_plaintext_credentials_in_stack_config_are_found() -> None:
    config = {
        "vsphere:user": "svc-pulumi",
        "vsphere:password": "hunter2",
        "fundament:apiToken": "abc",
        "vsphere:passwordBackup": {"secure": "v1:AAAA"},
        "fundament:sizing": "full",
    }
    assert plaintext_secrets_in_stack_config(config) == ["vsphere:password", "fundament:apiToken"]


def test_stack_with_plaintext_password_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Pulumi.leaky.yaml").write_text("config:\n  vsphere:password: hunter2\n")
    monkeypatch.setattr(stacks, "PROJECT_DIR", tmp_path)
    with pytest.raises(
        stacks.StackError, match=r"Pulumi.leaky.yaml holds credentials in plain text \(vsphere:password\)"
    ):
        stacks.stack_config("leaky")
    with pytest.raises(stacks.StackError, match=r"no stack file Pulumi\.other\.yaml"):
        stacks.stack_config("other")


def as_policy_resource(resource: Declared, converted: dict[str, PolicyResource]) -> PolicyResource:
    """The engine's view of a Declared: props plus property dependencies."""
    if resource.name not in converted:
        deps = {
            key: [as_policy_resource(ref, converted) for ref in refs] for key, refs in resource.refs.items()
        }
        options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
        urn = resource.urn or resource.name
        converted[resource.name] = PolicyResource(
            resource.type, resource.props, urn, resource.name, options, None, None, [], deps
        )
    return converted[resource.name]


def test_policy_pack_reports_through_the_engine_interface() -> None:
    converted: dict[str, PolicyResource] = {}
    leaky = vm(owner=None, disks=(5,), extraConfig={"guestinfo.password": "hunter2"})
    resources = [as_policy_resource(leaky, converted)]
    resources += [r for r in converted.values() if r not in resources]
    assert {r.type for r in declared(resources)} == {VM, TAG, TAG_CATEGORY, PORT_GROUP}
    reported: list[tuple[str, str, str | None]] = []
    for rule in RULES:
        pack_policy = policy(rule)
        assert pack_policy.name == rule.name

        def report(message: str, urn: str | None, name: str = rule.name) -> None:
            reported.append((name, message, urn))

        # The pack's config lowers the disk minimum: the 5 GB disk passes.
        config = {"minimum_gb": 1} if rule.params else {}
        if isinstance(pack_policy, StackValidationPolicy):
            assert rule.follows_refs
            pack_policy.validate(StackValidationArgs(resources, config), report)
        else:
            for r in resources:
                args = ResourceValidationArgs(r.resource_type, r.props, r.urn, r.name, r.opts, None, config)
                pack_policy.validate(args, report)
    urn = vm().urn
    assert reported == [
        ("vm-tagged-zone-bio-owner", "app-01 needs exactly one 'owner' tag, has []", urn),
        (
            "no-plaintext-credentials",
            "app-01 extraConfig key 'guestinfo.password' holds a credential in plain text",
            urn,
        ),
    ]


def simulated(resource: Declared, converted: dict[str, Declared]) -> Declared:
    """`resource` as the simulator backend declares it (infra/simulated.py) and the engine hands it to the
    pack: a dynamic resource type, pulumi_vsphere's Python names, every number a float, the provider inside."""

    def snake(key: str) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()

    def wire(value: Any) -> Any:
        if isinstance(value, dict):
            return {snake(key): wire(item) for key, item in value.items()}
        if isinstance(value, list):
            return [wire(item) for item in value]
        return float(value) if isinstance(value, int) else value

    if resource.name not in converted:
        kind = next(kind for kind, token in VSPHERE_BY_KIND.items() if token == resource.type)
        refs = {snake(k): [simulated(ref, converted) for ref in refs] for k, refs in resource.refs.items()}
        props = {**wire(dict(resource.props)), "__provider": "pickled provider"}
        converted[resource.name] = Declared(SIMULATED + kind, resource.name, props, refs, resource.urn)
    return converted[resource.name]


@pytest.mark.parametrize(
    "resource",
    [vm(), vm(owner=None, disks=(5, 40)), vm(zone="dmz"), vm(extraConfig={"guestinfo.api_key": "x"})],
    ids=["compliant", "untagged-tiny-disk", "dmz-on-server", "credential"],
)
def test_the_pack_judges_simulator_resources_as_the_vsphere_ones(resource: Declared) -> None:
    converted: dict[str, PolicyResource] = {}
    engine_view = as_policy_resource(simulated(resource, {}), converted)
    resources = [engine_view, *(r for r in converted.values() if r is not engine_view)]
    judged = declared(resources)
    assert judged[0].type == VM
    assert "__provider" not in judged[0].props
    assert evaluate(judged) == evaluate([resource])
    if resource.name == "app-01" and resource.props.get("extraConfig"):
        # A map's own keys keep their spelling: only property and field names are the provider's.
        assert list(judged[0].props["extraConfig"]) == ["guestinfo.api_key"]
