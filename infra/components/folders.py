"""VM folders: one top folder, one folder per security zone below it, tagged with the zone."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from infra.backends import Backend


@dataclass(frozen=True)
class ZoneFoldersArgs:
    backend: Backend
    datacenter_id: pulumi.Input[str]
    root: str
    zone_tags: Mapping[str, Sequence[pulumi.Input[str]]]
    """zone -> ids of the tags its folder carries"""


class ZoneFolders(pulumi.ComponentResource):
    def __init__(self, name: str, args: ZoneFoldersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fundament:infra:ZoneFolders", name, None, opts)
        root = args.backend.resource(
            "Folder",
            f"folder-{args.root}",
            {"path": args.root, "type": "vm", "datacenter_id": args.datacenter_id},
            self,
        )
        self.paths: dict[str, pulumi.Output[str]] = {}
        for zone, tags in args.zone_tags.items():
            folder = args.backend.resource(
                "Folder",
                f"folder-{args.root}-{zone}",
                {
                    # Built from the parent's output, so the parent folder exists first.
                    "path": pulumi.Output.concat(root.path, "/", zone),  # type: ignore[attr-defined]
                    "type": "vm",
                    "datacenter_id": args.datacenter_id,
                    "tags": list(tags),
                },
                self,
            )
            self.paths[zone] = folder.path  # type: ignore[attr-defined]
        self.register_outputs({"paths": self.paths})
