"""Where the declared datacenter goes: one program, two backends.

The components declare every object as (kind, name, properties) with the property names of `pulumi_vsphere`
and hand it to a backend:

- `VsphereBackend`: `pulumi_vsphere` resources through one explicit provider, for a real vCenter;
- `infra.simulated.SimBackend`: the project's own dynamic resources (pyVmomi + the vAPI REST tagging API)
  for vcsim, which the official vSphere provider cannot drive (and which no reachable registry ships).

Both receive the same declared objects (tests/unit/infra/test_backends.py), so they cannot drift apart.
"""

import os
from collections.abc import Mapping
from typing import Any, Literal, Protocol, get_args

import pulumi
import pulumi_vsphere as vsphere

from fundament.secrets import SecretNotFoundError, resolve
from inventory.model import Datacenter

Kind = Literal[
    "TagCategory",
    "Tag",
    "Folder",
    "ResourcePool",
    "DistributedVirtualSwitch",
    "DistributedPortGroup",
    "VirtualMachine",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
Props = Mapping[str, Any]


class Backend(Protocol):
    def options(self) -> pulumi.ResourceOptions:
        """Options every top-level component starts from (the provider, when the backend has one)."""
        ...

    def datacenter_id(self, name: str) -> pulumi.Output[str]: ...

    def cluster(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """(cluster id, id of its root resource pool)"""
        ...

    def host_id(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> pulumi.Output[str]: ...

    def datastore_id(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> pulumi.Output[str]: ...

    def resource(self, kind: Kind, name: str, props: Props, parent: pulumi.Resource) -> pulumi.CustomResource:
        """Declare one object; nested values are plain dicts with `pulumi_vsphere`'s (snake_case) keys."""
        ...


_CLASSES: dict[Kind, Any] = {
    "TagCategory": vsphere.TagCategory,
    "Tag": vsphere.Tag,
    "Folder": vsphere.Folder,
    "ResourcePool": vsphere.ResourcePool,
    "DistributedVirtualSwitch": vsphere.DistributedVirtualSwitch,
    "DistributedPortGroup": vsphere.DistributedPortGroup,
    "VirtualMachine": vsphere.VirtualMachine,
}
_NESTED: dict[str, Any] = {
    "network_interfaces": vsphere.VirtualMachineNetworkInterfaceArgs,
    "disks": vsphere.VirtualMachineDiskArgs,
    "hosts": vsphere.DistributedVirtualSwitchHostArgs,
}


class VsphereBackend:
    """A real vCenter through pulumi_vsphere, every resource through the one `vcenter` provider."""

    def __init__(self, dc: Datacenter) -> None:
        config = pulumi.Config("vsphere")
        self.provider = vsphere.Provider(
            "vcenter",
            vsphere_server=config.get("vsphereServer") or os.environ.get("VSPHERE_SERVER") or dc.vcenter,
            user=config.get("user") or _secret("VSPHERE_USER"),
            password=config.get_secret("password") or _secret("VSPHERE_PASSWORD"),
            allow_unverified_ssl=config.get_bool("allowUnverifiedSsl") or False,
        )

    def options(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=self.provider)

    def datacenter_id(self, name: str) -> pulumi.Output[str]:
        return vsphere.get_datacenter_output(name=name, opts=pulumi.InvokeOptions(provider=self.provider)).id

    def cluster(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        found = vsphere.get_compute_cluster_output(
            name=name, datacenter_id=datacenter_id, opts=pulumi.InvokeOptions(parent=parent)
        )
        return found.id, found.resource_pool_id

    def host_id(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> pulumi.Output[str]:
        return vsphere.get_host_output(
            name=name, datacenter_id=datacenter_id, opts=pulumi.InvokeOptions(parent=parent)
        ).id

    def datastore_id(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> pulumi.Output[str]:
        return vsphere.get_datastore_output(
            name=name, datacenter_id=datacenter_id, opts=pulumi.InvokeOptions(parent=parent)
        ).id

    def resource(self, kind: Kind, name: str, props: Props, parent: pulumi.Resource) -> pulumi.CustomResource:
        args = {
            key: [_NESTED[key](**item) for item in value] if key in _NESTED else value
            for key, value in props.items()
        }
        resource: pulumi.CustomResource = _CLASSES[kind](
            name, **args, opts=pulumi.ResourceOptions(parent=parent)
        )
        return resource


def _secret(name: str) -> pulumi.Output[str] | None:
    """A credential from fundament's secret sources, kept secret in Pulumi's state; None when unset."""
    try:
        return pulumi.Output.secret(resolve(name).get_secret_value())
    except SecretNotFoundError:
        return None
