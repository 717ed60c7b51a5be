"""The province's rules for the datacenter, as plain functions.

The policy pack (`infra/policy/__main__.py`) runs them inside the Pulumi engine; `fundament infra plan` and
the unit tests run them on what the program declares under the mock runtime. Both hand them `Declared`
resources: a resource's inputs plus, per input, the resources it refers to (its tags, its port group).
"""

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.naming import BIO, OWNER, ZONE
from infra.tokens import PORT_GROUP, TAG, TAG_CATEGORY, VM

DMZ = "dmz"

CREDENTIAL_KEY = re.compile(
    r"pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|credential", re.I
)
"""A configuration key that names a credential; its value must never be written in plain text."""


@dataclass(frozen=True)
class Declared:
    type: str
    name: str
    props: Mapping[str, Any]
    refs: Mapping[str, Sequence["Declared"]] = field(default_factory=dict)
    """input name -> the resources that input's value came from"""
    urn: str = ""

    def referenced(self, prop: str, type_: str) -> list["Declared"]:
        return [ref for ref in self.refs.get(prop, ()) if ref.type == type_]

    def tags(self) -> dict[str, list[str]]:
        """category name -> names of this resource's tags in it"""
        found: dict[str, list[str]] = {}
        for tag in self.referenced("tags", TAG):
            for category in tag.referenced("categoryId", TAG_CATEGORY):
                found.setdefault(str(category.props.get("name")), []).append(str(tag.props.get("name")))
        return found


@dataclass(frozen=True)
class Violation:
    policy: str
    resource: str
    message: str
    urn: str = ""


Params = Mapping[str, int]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    check: Callable[[Declared, Params], Iterator[str]]
    params: Params = field(default_factory=dict)
    """tunable numbers with their defaults (policy pack config overrides them)"""
    follows_refs: bool = False
    """needs the resources a property came from; otherwise the engine checks it before creating anything"""
    applies_to: str = VM


def _tagged_with_zone_and_owner(vm: Declared, _: Params) -> Iterator[str]:
    tags = vm.tags()
    for category in (ZONE, OWNER, BIO):
        if len(tags.get(category, [])) != 1:
            yield f"needs exactly one {category!r} tag, has {sorted(tags.get(category, []))}"


def _dmz_only_on_dmz_port_group(vm: Declared, _: Params) -> Iterator[str]:
    vm_zone = vm.tags().get(ZONE, [])
    groups = vm.referenced("networkInterfaces", PORT_GROUP)
    in_dmz = DMZ in vm_zone
    if in_dmz and not groups:
        yield "is in zone dmz without a network on the DMZ port group"
    for group in groups:
        group_zone = group.tags().get(ZONE, [])
        name = group.props.get("name")
        if in_dmz and DMZ not in group_zone:
            yield f"is in zone dmz but attached to {name} (zone {', '.join(group_zone) or '-'})"
        if not in_dmz and DMZ in group_zone:
            yield f"is in zone {', '.join(vm_zone) or '-'} but attached to the DMZ port group {name}"


def _disk_sizes(vm: Declared, params: Params) -> Iterator[str]:
    low, high = params["minimum_gb"], params["maximum_gb"]
    for disk in vm.props.get("disks") or []:
        size = disk.get("size")
        # The engine hands the policy pack every number as a float.
        if isinstance(size, int | float) and not low <= size <= high:
            yield f"disk {disk.get('label')} is {size:g} GB, outside {low:g}..{high:g} GB"


def _no_credentials_in_vm_config(vm: Declared, _: Params) -> Iterator[str]:
    """Guest configuration (extraConfig, vApp properties) is readable by anyone who can read the VM."""
    vapp = vm.props.get("vapp") or {}
    for where, mapping in (("extraConfig", vm.props.get("extraConfig")), ("vapp", vapp.get("properties"))):
        for key in credential_keys(mapping or {}):
            yield f"{where} key {key!r} holds a credential in plain text"


def credential_keys(mapping: Mapping[str, Any]) -> list[str]:
    return [key for key in mapping if CREDENTIAL_KEY.search(key)]


def plaintext_secrets_in_stack_config(config: Mapping[str, Any]) -> list[str]:
    """Keys of a Pulumi.<stack>.yaml `config:` whose credential value is plain text, not `secure:`."""
    return [
        key
        for key in credential_keys(config)
        if not (isinstance(config[key], Mapping) and set(config[key]) == {"secure"})
    ]


RULES = (
    Rule(
        "vm-tagged-zone-bio-owner",
        "Every VM carries exactly one zone, BIO classification and owner tag.",
        _tagged_with_zone_and_owner,
        follows_refs=True,
    ),
    Rule(
        "dmz-vm-on-dmz-port-group",
        "A VM in zone dmz is attached to the DMZ port group only, and only DMZ VMs are.",
        _dmz_only_on_dmz_port_group,
        follows_refs=True,
    ),
    Rule(
        "disk-size-bounds",
        "Every VM disk is between minimum_gb and maximum_gb (policy config) in size.",
        _disk_sizes,
        {"minimum_gb": 10, "maximum_gb": 4096},
    ),
    Rule(
        "no-plaintext-credentials",
        "No credential in a VM's extraConfig or vApp properties (stack config: see the CLI preflight).",
        _no_credentials_in_vm_config,
    ),
)


def evaluate(
    resources: Sequence[Declared], active: Sequence[Rule] = RULES, config: Mapping[str, Params] | None = None
) -> list[Violation]:
    """Every violation of the `active` rules; `config` overrides a rule's params by rule name."""
    return [
        Violation(rule.name, resource.name, message, resource.urn)
        for rule in active
        for resource in resources
        if resource.type == rule.applies_to
        for message in rule.check(resource, {**rule.params, **(config or {}).get(rule.name, {})})
    ]
