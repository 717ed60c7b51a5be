"""Pulumi type tokens of the resources the program declares: what the plan and the policies match on."""

PROVIDER = "pulumi:providers:vsphere"
TAG_CATEGORY = "vsphere:index/tagCategory:TagCategory"
TAG = "vsphere:index/tag:Tag"
FOLDER = "vsphere:index/folder:Folder"
POOL = "vsphere:index/resourcePool:ResourcePool"
SWITCH = "vsphere:index/distributedVirtualSwitch:DistributedVirtualSwitch"
PORT_GROUP = "vsphere:index/distributedPortGroup:DistributedPortGroup"
VM = "vsphere:index/virtualMachine:VirtualMachine"

VSPHERE_BY_KIND = {
    "TagCategory": TAG_CATEGORY,
    "Tag": TAG,
    "Folder": FOLDER,
    "ResourcePool": POOL,
    "DistributedVirtualSwitch": SWITCH,
    "DistributedPortGroup": PORT_GROUP,
    "VirtualMachine": VM,
}
"""the vSphere resource each kind of infra/backends.py declares"""
SIMULATED = "pulumi-python:dynamic/vcsim:"
"""the type of the simulator backend's dynamic resource of a kind: SIMULATED + kind (infra/simulated.py)"""
