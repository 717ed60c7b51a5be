"""Tag categories and their tags: how vCenter knows a VM's zone, BIO level, owner and migration wave."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from infra.backends import Backend


@dataclass(frozen=True)
class TagCategorySpec:
    name: str
    description: str
    associable_types: Sequence[str]
    tags: Mapping[str, str]
    """tag name -> description"""


@dataclass(frozen=True)
class TaxonomyArgs:
    backend: Backend
    categories: Sequence[TagCategorySpec]


class Taxonomy(pulumi.ComponentResource):
    """One single-cardinality category per spec (a VM has one zone, one owner, ...) with its tags."""

    def __init__(self, name: str, args: TaxonomyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fundament:infra:Taxonomy", name, None, opts)
        self.tags: dict[tuple[str, str], pulumi.CustomResource] = {}
        for spec in args.categories:
            category = args.backend.resource(
                "TagCategory",
                f"category-{spec.name}",
                {
                    "name": spec.name,
                    "description": spec.description,
                    "cardinality": "SINGLE",
                    "associable_types": list(spec.associable_types),
                },
                self,
            )
            for tag, description in spec.tags.items():
                self.tags[(spec.name, tag)] = args.backend.resource(
                    "Tag",
                    f"{spec.name}-{tag}",
                    {"name": tag, "description": description, "category_id": category.id},
                    self,
                )
        self.register_outputs({"tags": {f"{c}/{t}": tag.id for (c, t), tag in self.tags.items()}})

    def tag_id(self, category: str, tag: str) -> pulumi.Output[str]:
        return self.tags[(category, tag)].id
