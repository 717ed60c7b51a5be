"""The simulator's backend: the datacenter's objects as the project's own Pulumi dynamic resources.

The official vSphere provider is not served by any reachable registry, and when built from source it fails
on vcsim for distributed switches, port groups and VMs. These providers do exactly what the program needs,
with pyVmomi (SOAP) and the vAPI REST tagging endpoints: create, read (refresh sees changes made behind
Pulumi's back), diff (per property, so preview shows what changes), update where vSphere can change a
property in place, delete. Every resource takes the properties of its `pulumi_vsphere` counterpart.

The engine runs these providers in a separate process (`pulumi-resource-pulumi-python`, written by
ci/bootstrap-infra.sh); it finds the simulator through `FUNDAMENT_VCSIM_URL`, which `infra/engine.py`
sets from the running simulator.
"""

import os
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import (
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pyVmomi import vim

from infra import sim
from infra.backends import KINDS, Kind, Props
from infra.vcenter import Endpoint, Session, VCenterError, shared

URL_VARIABLE = "FUNDAMENT_VCSIM_URL"
SIMULATED_MODULE = "vcsim"
"""the resources' type is `pulumi-python:dynamic/vcsim:<kind>` (infra.tokens.SIMULATED)"""
GIB_KB = 1024 * 1024


def session() -> Session:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise VCenterError(
            f"{URL_VARIABLE} is not set: run the engine through `fundament infra` with the simulator up"
        )
    return shared(Endpoint(url, sim.SIM_USER, sim.SIM_PASSWORD))


def plain(value: Any) -> Any:
    """A property as compared: numbers the RPC layer turned into floats back to ints, dicts recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items() if not key.startswith("__")}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _comparable(key: str, value: Any) -> Any:
    value = plain(value)
    # Tag ids are a set: vSphere lists attachments in its own order. In a preview a tag still to be
    # created has no id yet (an Unknown), hence the key.
    return sorted(value, key=str) if key == "tags" and isinstance(value, list) else value


class _Provider(ResourceProvider):
    """Create/read/diff/update/delete for one kind; subclasses say how, in vSphere's terms."""

    updatable: ClassVar[frozenset[str]] = frozenset()
    """properties vSphere changes in place; a change to any other one replaces the object"""

    def _create(self, s: Session, props: Props) -> str:
        raise NotImplementedError

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        """The live values of the properties vSphere keeps, or None when the object is gone."""
        raise NotImplementedError

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        raise NotImplementedError

    def _delete(self, s: Session, id_: str) -> None:
        raise NotImplementedError

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(self._create(session(), props), plain(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = self._read(session(), id_, props)
        if live is None:
            return ReadResult("", {})
        # Only what was declared: a property the program leaves out (a root folder's tags) is not drift,
        # and neither is vSphere listing the same tags in another order.
        outs = plain(props)
        for key, value in live.items():
            if key in outs and _comparable(key, value) != _comparable(key, outs[key]):
                outs[key] = value
        return ReadResult(id_, outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = _changed(olds, news)
        return DiffResult(
            changes=bool(changed),
            replaces=sorted(changed - self.updatable),
            # Names are unique in vSphere: the old object must go before its replacement comes.
            delete_before_replace=True,
        )

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._update(session(), id_, news, _changed(olds, news))
        return UpdateResult(plain(news))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        self._delete(session(), id_)


def _changed(olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
    return {
        key
        for key in set(olds) | set(news)
        if not key.startswith("__") and _comparable(key, olds.get(key)) != _comparable(key, news.get(key))
    }


def _destroy(s: Session, kind: type[Any], id_: str, what: str) -> None:
    obj = s.get(kind, id_)
    if obj is not None:
        s.wait(obj.Destroy_Task(), f"deleting {what} {id_}")


# --- tagging -----------------------------------------------------------------------------------------


class _TaggingProvider(_Provider):
    """A tag category or a tag: a vAPI REST object, created, read and changed through the same endpoints."""

    updatable = frozenset({"name", "description"})
    path: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    """what a create takes and a read reports"""

    def _create(self, s: Session, props: Props) -> str:
        return str(s.rest("POST", self.path, {"create_spec": {key: props[key] for key in self.fields}}))

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        found = s.rest("GET", f"{self.path}/id:{id_}")
        if found is None:
            return None
        # vcsim omits an empty description and empty associable types.
        return {key: found.get(key, _OMITTED.get(key)) for key in self.fields}

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        s.rest("PATCH", f"{self.path}/id:{id_}", {"update_spec": {key: news[key] for key in changed}})

    def _delete(self, s: Session, id_: str) -> None:
        s.rest("DELETE", f"{self.path}/id:{id_}")


_OMITTED: dict[str, Any] = {"description": "", "associable_types": []}


class TagCategoryProvider(_TaggingProvider):
    path = "/category"
    fields = ("name", "description", "cardinality", "associable_types")


class TagProvider(_TaggingProvider):
    path = "/tag"
    fields = ("name", "description", "category_id")


# --- folders and pools -------------------------------------------------------------------------------


def folder_path(s: Session, folder: Any) -> str:
    """`fundament/dmz`: the folder's path below its datacenter's VM folder."""
    names: list[str] = []
    while not isinstance(folder.parent, vim.Datacenter):
        names.append(folder.name)
        folder = folder.parent
    return "/".join(reversed(names))


def find_folder(s: Session, datacenter_id: str, path: str, create: bool = False) -> Any | None:
    datacenter = s.get(vim.Datacenter, datacenter_id)
    if datacenter is None:
        raise VCenterError(f"no datacenter {datacenter_id}")
    folder = datacenter.vmFolder
    for name in path.split("/"):
        child = next((c for c in folder.childEntity if isinstance(c, vim.Folder) and c.name == name), None)
        if child is None:
            if not create:
                return None
            child = folder.CreateFolder(name)
        folder = child
    return folder


class FolderProvider(_Provider):
    updatable = frozenset({"tags"})

    def _create(self, s: Session, props: Props) -> str:
        folder: Any = find_folder(s, props["datacenter_id"], props["path"], create=True)
        s.set_tags(folder, props.get("tags") or [])
        return str(folder._moId)

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        folder = s.get(vim.Folder, id_)
        if folder is None:
            return None
        return {"path": folder_path(s, folder), "tags": s.attached_tags(folder)}

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        s.set_tags(vim.Folder(id_, s.si._stub), news.get("tags") or [])

    def _delete(self, s: Session, id_: str) -> None:
        _destroy(s, vim.Folder, id_, "folder")


def _allocation(reservation: int, expandable: bool, level: str) -> Any:
    return vim.ResourceAllocationInfo(
        reservation=int(reservation),
        expandableReservation=bool(expandable),
        limit=-1,
        shares=vim.SharesInfo(level=level, shares=0),
    )


def _pool_spec(props: Props) -> Any:
    return vim.ResourceConfigSpec(
        cpuAllocation=_allocation(
            props["cpu_reservation"], props["cpu_expandable"], props["cpu_share_level"]
        ),
        memoryAllocation=_allocation(
            props["memory_reservation"], props["memory_expandable"], props["memory_share_level"]
        ),
    )


class ResourcePoolProvider(_Provider):
    updatable = frozenset(
        {
            "name",
            "cpu_share_level",
            "memory_share_level",
            "cpu_reservation",
            "memory_reservation",
            "cpu_expandable",
            "memory_expandable",
        }
    )

    def _create(self, s: Session, props: Props) -> str:
        parent = s.get(vim.ResourcePool, props["parent_resource_pool_id"])
        if parent is None:
            raise VCenterError(f"no resource pool {props['parent_resource_pool_id']}")
        return str(parent.CreateResourcePool(props["name"], _pool_spec(props))._moId)

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        pool = s.get(vim.ResourcePool, id_)
        if pool is None:
            return None
        cpu, memory = pool.config.cpuAllocation, pool.config.memoryAllocation
        return {
            "name": pool.name,
            "parent_resource_pool_id": pool.parent._moId,
            "cpu_share_level": cpu.shares.level,
            "memory_share_level": memory.shares.level,
            "cpu_reservation": cpu.reservation,
            "memory_reservation": memory.reservation,
            "cpu_expandable": cpu.expandableReservation,
            "memory_expandable": memory.expandableReservation,
        }

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        vim.ResourcePool(id_, s.si._stub).UpdateConfig(news["name"], _pool_spec(news))

    def _delete(self, s: Session, id_: str) -> None:
        _destroy(s, vim.ResourcePool, id_, "resource pool")


# --- networking ---------------------------------------------------------------------------------------


def _switch_spec(props: Props) -> Any:
    return vim.dvs.VmwareDistributedVirtualSwitch.ConfigSpec(
        name=props["name"],
        maxMtu=int(props["max_mtu"]),
        uplinkPortPolicy=vim.DistributedVirtualSwitch.NameArrayUplinkPortPolicy(
            uplinkPortName=list(props["uplinks"])
        ),
        linkDiscoveryProtocolConfig=vim.host.LinkDiscoveryProtocolConfig(
            protocol=props["link_discovery_protocol"], operation=props["link_discovery_operation"]
        ),
    )


def _members(s: Session, switch: Any, hosts: Sequence[Mapping[str, Any]]) -> None:
    """Make `hosts` exactly the switch's members, each backed by its NICs."""
    present = {member._moId for member in switch.summary.hostMember}
    wanted = {str(member["host_system_id"]): member for member in hosts}
    changes = [
        vim.dvs.HostMember.ConfigSpec(
            operation="add",
            host=vim.HostSystem(host, s.si._stub),
            backing=vim.dvs.HostMember.PnicBacking(
                pnicSpec=[vim.dvs.HostMember.PnicSpec(pnicDevice=nic) for nic in wanted[host]["devices"]]
            ),
        )
        for host in sorted(set(wanted) - present)
    ] + [
        vim.dvs.HostMember.ConfigSpec(operation="remove", host=vim.HostSystem(host, s.si._stub))
        for host in sorted(present - set(wanted))
    ]
    if changes:
        spec = vim.dvs.VmwareDistributedVirtualSwitch.ConfigSpec(
            configVersion=switch.config.configVersion, host=changes
        )
        s.wait(switch.ReconfigureDvs_Task(spec), f"joining hosts to distributed switch {switch.name}")


class SwitchProvider(_Provider):
    # vcsim's ReconfigureDvs changes host membership only: a new name, MTU or LLDP mode replaces the switch.
    updatable = frozenset({"hosts"})

    def _create(self, s: Session, props: Props) -> str:
        datacenter = s.get(vim.Datacenter, props["datacenter_id"])
        if datacenter is None:
            raise VCenterError(f"no datacenter {props['datacenter_id']}")
        spec = vim.DistributedVirtualSwitch.CreateSpec(configSpec=_switch_spec(props))
        switch = s.wait(
            datacenter.networkFolder.CreateDVS_Task(spec), f"creating distributed switch {props['name']}"
        )
        _members(s, switch, props["hosts"])
        return str(switch._moId)

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        switch = s.get(vim.DistributedVirtualSwitch, id_)
        if switch is None:
            return None
        config = switch.config
        # vSphere reports members, not the NICs that back them here: those stay as declared.
        devices = {str(member["host_system_id"]): member["devices"] for member in props.get("hosts") or []}
        return {
            "name": switch.name,
            "max_mtu": config.maxMtu,
            "uplinks": list(config.uplinkPortPolicy.uplinkPortName),
            "hosts": [
                {"host_system_id": host._moId, "devices": devices.get(host._moId, [])}
                for host in switch.summary.hostMember
            ],
        }

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        _members(s, vim.DistributedVirtualSwitch(id_, s.si._stub), news["hosts"])

    def _delete(self, s: Session, id_: str) -> None:
        _destroy(s, vim.DistributedVirtualSwitch, id_, "distributed switch")


def _port_group_spec(props: Props) -> Any:
    def policy(allow: bool) -> Any:
        return vim.BoolPolicy(inherited=False, value=bool(allow))

    return vim.dvs.DistributedVirtualPortgroup.ConfigSpec(
        name=props["name"],
        description=props["description"],
        type="earlyBinding",
        numPorts=8,
        autoExpand=True,
        defaultPortConfig=vim.dvs.VmwareDistributedVirtualSwitch.VmwarePortConfigPolicy(
            vlan=vim.dvs.VmwareDistributedVirtualSwitch.VlanIdSpec(
                inherited=False, vlanId=int(props["vlan_id"])
            ),
            securityPolicy=vim.dvs.VmwareDistributedVirtualSwitch.SecurityPolicy(
                inherited=False,
                allowPromiscuous=policy(props["allow_promiscuous"]),
                forgedTransmits=policy(props["allow_forged_transmits"]),
                macChanges=policy(props["allow_mac_changes"]),
            ),
        ),
    )


class PortGroupProvider(_Provider):
    updatable = frozenset(
        {
            "description",
            "vlan_id",
            "tags",
            "allow_promiscuous",
            "allow_forged_transmits",
            "allow_mac_changes",
        }
    )

    def _create(self, s: Session, props: Props) -> str:
        switch = s.get(vim.DistributedVirtualSwitch, props["distributed_virtual_switch_uuid"])
        if switch is None:
            raise VCenterError(f"no distributed switch {props['distributed_virtual_switch_uuid']}")
        s.wait(switch.AddDVPortgroup_Task([_port_group_spec(props)]), f"creating port group {props['name']}")
        group = next(g for g in switch.portgroup if g.name == props["name"])
        s.set_tags(group, props.get("tags") or [])
        return str(group._moId)

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        group = s.get(vim.dvs.DistributedVirtualPortgroup, id_)
        if group is None:
            return None
        config = group.config
        port = config.defaultPortConfig
        # A port configuration changed behind Pulumi's back may lack a policy: None, which is drift.
        security = port.securityPolicy

        def allowed(name: str) -> bool | None:
            policy = getattr(security, name, None)
            return None if policy is None else bool(policy.value)

        return {
            "name": group.name,
            "distributed_virtual_switch_uuid": config.distributedVirtualSwitch._moId,
            "vlan_id": getattr(port.vlan, "vlanId", None),
            "description": config.description or "",
            "tags": s.attached_tags(group),
            "allow_promiscuous": allowed("allowPromiscuous"),
            "allow_forged_transmits": allowed("forgedTransmits"),
            "allow_mac_changes": allowed("macChanges"),
        }

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        group = vim.dvs.DistributedVirtualPortgroup(id_, s.si._stub)
        if changed - {"tags"}:
            spec = _port_group_spec(news)
            spec.configVersion = group.config.configVersion
            s.wait(group.ReconfigureDVPortgroup_Task(spec), f"reconfiguring port group {id_}")
        s.set_tags(group, news.get("tags") or [])

    def _delete(self, s: Session, id_: str) -> None:
        _destroy(s, vim.dvs.DistributedVirtualPortgroup, id_, "port group")


# --- virtual machines ---------------------------------------------------------------------------------

_SCSI_KEY = 1000


def _vm_devices(s: Session, props: Props, datastore: str) -> list[Any]:
    add = vim.vm.device.VirtualDeviceSpec.Operation.add
    devices = [
        vim.vm.device.VirtualDeviceSpec(
            operation=add,
            device=vim.vm.device.ParaVirtualSCSIController(key=_SCSI_KEY, busNumber=0, sharedBus="noSharing"),
        )
    ]
    name = props["name"]
    for disk in props["disks"]:
        devices.append(
            vim.vm.device.VirtualDeviceSpec(
                operation=add,
                fileOperation=vim.vm.device.VirtualDeviceSpec.FileOperation.create,
                device=vim.vm.device.VirtualDisk(
                    key=2000 + int(disk["unit_number"]),
                    controllerKey=_SCSI_KEY,
                    unitNumber=int(disk["unit_number"]),
                    capacityInKB=int(disk["size"]) * GIB_KB,
                    backing=vim.vm.device.VirtualDisk.FlatVer2BackingInfo(
                        # One file per disk: left empty, vcsim names every disk after the VM.
                        fileName=f"[{datastore}] {name}/{name}_{int(disk['unit_number'])}.vmdk",
                        diskMode="persistent",
                        thinProvisioned=bool(disk["thin_provisioned"]),
                    ),
                ),
            )
        )
    for index, nic in enumerate(props["network_interfaces"]):
        group = s.get(vim.dvs.DistributedVirtualPortgroup, nic["network_id"])
        if group is None:
            raise VCenterError(f"no port group {nic['network_id']}")
        devices.append(
            vim.vm.device.VirtualDeviceSpec(
                operation=add,
                device=vim.vm.device.VirtualVmxnet3(
                    key=4000 + index,
                    backing=vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo(
                        port=vim.dvs.PortConnection(
                            switchUuid=group.config.distributedVirtualSwitch.uuid, portgroupKey=group.key
                        )
                    ),
                ),
            )
        )
    return devices


class VirtualMachineProvider(_Provider):
    updatable = frozenset({"annotation", "num_cpus", "memory", "tags", "wait_for_guest_net_timeout"})

    def _create(self, s: Session, props: Props) -> str:
        datastore = s.get(vim.Datastore, props["datastore_id"])
        pool = s.get(vim.ResourcePool, props["resource_pool_id"])
        if datastore is None or pool is None:
            raise VCenterError(
                f"VM {props['name']}: no datastore {props['datastore_id']} "
                f"or pool {props['resource_pool_id']}"
            )
        datacenter = _datacenter_of(datastore)
        folder = find_folder(s, datacenter._moId, props["folder"])
        if folder is None:
            raise VCenterError(f"VM {props['name']}: no folder {props['folder']}")
        config = vim.vm.ConfigSpec(
            name=props["name"],
            annotation=props["annotation"],
            numCPUs=int(props["num_cpus"]),
            memoryMB=int(props["memory"]),
            guestId=props["guest_id"],
            firmware=props["firmware"],
            bootOptions=vim.vm.BootOptions(efiSecureBootEnabled=bool(props["efi_secure_boot_enabled"])),
            files=vim.vm.FileInfo(vmPathName=f"[{datastore.name}]"),
            extraConfig=[
                vim.option.OptionValue(
                    key="disk.EnableUUID", value=str(bool(props["enable_disk_uuid"])).upper()
                )
            ],
            deviceChange=_vm_devices(s, props, datastore.name),
        )
        vm = s.wait(folder.CreateVM_Task(config=config, pool=pool), f"creating VM {props['name']}")
        s.set_tags(vm, props.get("tags") or [])
        return str(vm._moId)

    def _read(self, s: Session, id_: str, props: Props) -> dict[str, Any] | None:
        vm = s.get(vim.VirtualMachine, id_)
        if vm is None:
            return None
        # Not vm.runtime or vm.summary: pyVmomi cannot read those of VMs vcsim made with CreateVM_Task.
        config = vm.config
        devices = config.hardware.device
        disks: list[Any] = sorted(
            (d for d in devices if isinstance(d, vim.vm.device.VirtualDisk)),
            key=lambda d: int(d.unitNumber or 0),
        )
        nics: list[Any] = [d for d in devices if isinstance(d, vim.vm.device.VirtualEthernetCard)]
        labels = {int(disk["unit_number"]): disk.get("label") for disk in props.get("disks") or []}
        return {
            "name": vm.name,
            "annotation": config.annotation or "",
            "num_cpus": config.hardware.numCPU,
            "memory": config.hardware.memoryMB,
            "guest_id": config.guestId,
            "firmware": config.firmware,
            "resource_pool_id": vm.resourcePool._moId,
            "datastore_id": vm.datastore[0]._moId if vm.datastore else "",
            "folder": folder_path(s, vm.parent),
            "network_interfaces": [
                {
                    "network_id": nic.backing.port.portgroupKey,
                    "adapter_type": "vmxnet3"
                    if isinstance(nic, vim.vm.device.VirtualVmxnet3)
                    else type(nic).__name__,
                }
                for nic in nics
            ],
            "disks": [
                {
                    # vSphere keeps no disk label: it is the program's name for the unit.
                    "label": labels.get(disk.unitNumber, f"disk{disk.unitNumber}"),
                    "size": disk.capacityInKB // GIB_KB,
                    "thin_provisioned": bool(disk.backing.thinProvisioned),
                    "unit_number": disk.unitNumber,
                }
                for disk in disks
            ],
            "tags": s.attached_tags(vm),
        }

    def _update(self, s: Session, id_: str, news: Props, changed: set[str]) -> None:
        vm = vim.VirtualMachine(id_, s.si._stub)
        if changed & {"annotation", "num_cpus", "memory"}:
            spec = vim.vm.ConfigSpec(
                annotation=news["annotation"], numCPUs=int(news["num_cpus"]), memoryMB=int(news["memory"])
            )
            s.wait(vm.ReconfigVM_Task(spec), f"reconfiguring VM {news['name']}")
        s.set_tags(vm, news.get("tags") or [])

    def _delete(self, s: Session, id_: str) -> None:
        vm = s.get(vim.VirtualMachine, id_)
        if vm is None:
            return
        try:
            s.wait(vm.Destroy_Task(), f"deleting VM {id_}")
        except VCenterError:
            # A VM someone powered on must be off before vSphere lets it go.
            s.wait(vm.PowerOffVM_Task(), f"powering off VM {id_}")
            s.wait(vm.Destroy_Task(), f"deleting VM {id_}")


def _datacenter_of(obj: Any) -> Any:
    while not isinstance(obj, vim.Datacenter):
        obj = obj.parent
    return obj


PROVIDERS: dict[Kind, _Provider] = {
    "TagCategory": TagCategoryProvider(),
    "Tag": TagProvider(),
    "Folder": FolderProvider(),
    "ResourcePool": ResourcePoolProvider(),
    "DistributedVirtualSwitch": SwitchProvider(),
    "DistributedPortGroup": PortGroupProvider(),
    "VirtualMachine": VirtualMachineProvider(),
}

# One dynamic resource class per kind, so the engine shows `pulumi-python:dynamic/vcsim:VirtualMachine`.
RESOURCES: dict[Kind, type[Resource]] = {
    kind: types.new_class(kind, (Resource,), {"module": SIMULATED_MODULE, "name": kind}) for kind in KINDS
}

Lookup = Callable[[str, str, Sequence[str]], tuple[str, str]]
"""(kind, name, datacenter id or nothing) -> (id, id of its root resource pool or "")"""


def live_lookup(kind: str, name: str, datacenter: Sequence[str]) -> tuple[str, str]:
    """What the program reads from the simulator: the objects `fundament infra sim up` seeded."""
    s = session()
    kinds = {
        "datacenter": vim.Datacenter,
        "cluster": vim.ClusterComputeResource,
        "host": vim.HostSystem,
        "datastore": vim.Datastore,
    }
    found = s.find(kinds[kind], name)
    if found is None or (datacenter and _datacenter_of(found)._moId != datacenter[0]):
        raise VCenterError(
            f"no {kind} {name!r} in the simulator at {s.endpoint.url}: "
            "`fundament infra sim up` seeds it from the design"
        )
    pool = found.resourcePool._moId if kind == "cluster" else ""
    return str(found._moId), str(pool)


class SimBackend:
    """vcsim through the dynamic providers above; lookups read the simulator from the program itself."""

    def __init__(self, lookup: Lookup = live_lookup) -> None:
        self._lookup = lookup

    def options(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions()

    def _find(
        self, kind: str, name: str, datacenter_id: pulumi.Input[str] | None
    ) -> pulumi.Output[tuple[str, str]]:
        within = pulumi.Output.from_input(datacenter_id or "")
        return within.apply(lambda dc: self._lookup(kind, name, [dc] if dc else []))

    def datacenter_id(self, name: str) -> pulumi.Output[str]:
        return self._find("datacenter", name, None).apply(lambda found: found[0])

    def cluster(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        found = self._find("cluster", name, datacenter_id)
        return found.apply(lambda f: f[0]), found.apply(lambda f: f[1])

    def host_id(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> pulumi.Output[str]:
        return self._find("host", name, datacenter_id).apply(lambda found: found[0])

    def datastore_id(
        self, name: str, datacenter_id: pulumi.Input[str], parent: pulumi.Resource
    ) -> pulumi.Output[str]:
        return self._find("datastore", name, datacenter_id).apply(lambda found: found[0])

    def resource(self, kind: Kind, name: str, props: Props, parent: pulumi.Resource) -> pulumi.CustomResource:
        return RESOURCES[kind](PROVIDERS[kind], name, dict(props), pulumi.ResourceOptions(parent=parent))
