"""The policy pack: `fundament infra preview|up` run it inside the engine (the engine starts the launcher
`fundament-policy-pack`, which runs this module: no language host needed), as does
`pulumi preview --policy-pack infra/policy` where the Python language host is installed.

Each rule of rules.py becomes one policy. A rule that follows references (a VM's tags to their categories,
its network interfaces to their port groups) is a stack policy over the engine's property dependencies;
any other is a resource policy, which the engine runs before it creates or changes the resource.
The simulator's dynamic resources are judged as the vSphere resources they stand for (`as_declared`).
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra.policy.rules import RULES, Declared, Rule, evaluate
from infra.tokens import SIMULATED, VSPHERE_BY_KIND


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word.title() for word in rest)


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


class WireNames(Mapping[str, Any]):
    """A simulator resource's properties under pulumi_vsphere's wire names (camelCase), as the engine shows
    that provider's inputs: property names and the fields of nested objects (disks, network interfaces), not
    the keys of a map such as extra_config; internal keys (`__provider`) hidden. Read lazily: in a preview,
    a value still unknown stops only a rule that reads it."""

    def __init__(self, props: Mapping[str, Any]) -> None:
        self._props = props

    def __getitem__(self, key: str) -> Any:
        if key.startswith("__"):
            raise KeyError(key)
        value = self._props[_snake(key)]
        if isinstance(value, list):
            return [WireNames(item) if isinstance(item, Mapping) else item for item in value]
        return value

    def __iter__(self) -> Iterator[str]:
        return (_camel(key) for key in self._props if not key.startswith("__"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def as_declared(
    type_: str, name: str, props: Mapping[str, Any], refs: Mapping[str, list[Declared]], urn: str
) -> Declared:
    """A resource as the rules see it. A simulator resource (infra/simulated.py) is judged as the vSphere
    resource both backends declare (infra/backends.py), with its type and wire names: one rule set, both."""
    kind = type_.removeprefix(SIMULATED)
    if kind == type_:
        return Declared(type_, name, props, refs, urn)
    wire_refs = {_camel(key): value for key, value in refs.items()}
    return Declared(VSPHERE_BY_KIND[kind], name, WireNames(props), wire_refs, urn)


def declared(resources: list[Any]) -> list[Declared]:
    """The engine's PolicyResources as the rules see them."""
    converted: dict[str, Declared] = {}

    def convert(resource: Any) -> Declared:
        if resource.urn not in converted:
            refs = {
                key: [convert(dep) for dep in deps] for key, deps in resource.property_dependencies.items()
            }
            converted[resource.urn] = as_declared(
                resource.resource_type, resource.name, resource.props, refs, resource.urn
            )
        return converted[resource.urn]

    return [convert(resource) for resource in resources]


def policy(rule: Rule) -> StackValidationPolicy | ResourceValidationPolicy:
    def report_all(resources: list[Declared], config: Mapping[str, Any], report: ReportViolation) -> None:
        for violation in evaluate(resources, [rule], {rule.name: dict(config)}):
            report(f"{violation.resource} {violation.message}", violation.urn)

    def validate_stack(args: StackValidationArgs, report: ReportViolation) -> None:
        report_all(declared(args.resources), args.get_config(), report)

    def validate_resource(args: ResourceValidationArgs, report: ReportViolation) -> None:
        resource = as_declared(args.resource_type, args.name, args.props, {}, args.urn)
        report_all([resource], args.get_config(), report)

    schema = {key: {"type": "integer", "default": value} for key, value in rule.params.items()}
    config_schema = PolicyConfigSchema(properties=schema) if schema else None
    if rule.follows_refs:
        return StackValidationPolicy(
            name=rule.name, description=rule.description, validate=validate_stack, config_schema=config_schema
        )
    return ResourceValidationPolicy(
        name=rule.name, description=rule.description, validate=validate_resource, config_schema=config_schema
    )


if __name__ == "__main__":
    # PolicyPack serves the engine's analyzer protocol until the engine stops it: only when run as the pack.
    PolicyPack(
        name="fundament-datacenter",
        enforcement_level=EnforcementLevel.MANDATORY,
        policies=[policy(rule) for rule in RULES],
    )
