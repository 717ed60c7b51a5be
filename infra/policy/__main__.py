"""The policy pack: `pulumi preview --policy-pack infra/policy` (or `fundament infra preview`) enforces it.

Each rule of rules.py becomes one stack policy, so the rule can follow a VM's tags to their categories
and its network interfaces to their port groups (the engine's property dependencies).
"""

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
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


def policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        config = {rule.name: dict(args.get_config())}
        for violation in evaluate(declared(args.resources), [rule], config):
            report(f"{violation.resource} {violation.message}", violation.urn)

    schema = {key: {"type": "integer", "default": value} for key, value in rule.params.items()}
    return StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        config_schema=PolicyConfigSchema(properties=schema) if schema else None,
    )


if __name__ == "__main__":
    # PolicyPack serves the engine's analyzer protocol until the engine stops it: only when run as the pack.
    PolicyPack(
        name="fundament-datacenter",
        enforcement_level=EnforcementLevel.MANDATORY,
        policies=[policy(rule) for rule in RULES],
    )
