"""The policy pack: `pulumi preview --policy-pack infra/policy` (or `fundament infra preview`) enforces it.

Each rule of rules.py becomes one policy. A rule that follows references (a VM's tags to their categories,
its network interfaces to their port groups) is a stack policy over the engine's property dependencies;
any other is a resource policy, which the engine runs before it creates or changes the resource.
"""

from collections.abc import Mapping
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


def declared(resources: list[Any]) -> list[Declared]:
    """The engine's PolicyResources as the rules see them."""
    converted: dict[str, Declared] = {}

    def convert(resource: Any) -> Declared:
        if resource.urn not in converted:
            refs = {
                key: [convert(dep) for dep in deps] for key, deps in resource.property_dependencies.items()
            }
            converted[resource.urn] = Declared(
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
        resource = Declared(args.resource_type, args.name, args.props, {}, args.urn)
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
