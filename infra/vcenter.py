"""A session with a vCenter (the simulator in the lab) through pyVmomi and the vAPI REST tagging endpoints.

Used by the simulator's seeding, the dynamic providers of the `vcsim` backend, the live consistency check
and the lab tests. Kept to the few calls those need; every object is addressed by its managed object id
(`vm-42`, `dvportgroup-17`, ...), which is also the Pulumi id of the resources made through it.
"""

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Imported here and not inside the functions: lazy imports deadlocked in dynamic providers serving
# parallel reads (the import lock held by one worker thread while another waits on it).
import requests
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl

from fundament.errors import FundamentError

TAG_PATH = "/rest/com/vmware/cis/tagging"


class VCenterError(FundamentError, RuntimeError):
    """vCenter (or the simulator) refused a call or cannot be reached; the message says which and why."""


@dataclass(frozen=True)
class Endpoint:
    """Where the SDK answers, e.g. `http://127.0.0.1:41234/sdk`, and who logs in."""

    url: str
    user: str
    password: str

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


class Session:
    """One logged-in SOAP connection plus one REST session for tagging."""

    def __init__(self, endpoint: Endpoint) -> None:
        parts = urlsplit(endpoint.url)
        self.endpoint = endpoint
        try:
            self.si = SmartConnect(
                protocol=parts.scheme,
                host=parts.hostname or "127.0.0.1",
                port=parts.port or (443 if parts.scheme == "https" else 80),
                user=endpoint.user,
                pwd=endpoint.password,
                path=parts.path or "/sdk",
                disableSslCertValidation=True,
                connectionPoolTimeout=-1,
            )
        except (OSError, vim.fault.InvalidLogin, vmodl.MethodFault) as error:
            raise VCenterError(f"cannot log in to {endpoint.url}: {_reason(error)}") from None
        self.content = self.si.RetrieveContent()
        self.http = requests.Session()
        # A CA bundle variable in the environment would otherwise override verify=False.
        self.http.trust_env = False
        self.http.verify = False
        response = self.http.post(
            f"{endpoint.base}/rest/com/vmware/cis/session",
            auth=(endpoint.user, endpoint.password),
            timeout=30,
        )
        if response.status_code != 200:
            raise VCenterError(f"REST login to {endpoint.base} failed: HTTP {response.status_code}")
        self.http.headers["vmware-api-session-id"] = response.json()["value"]

    def close(self) -> None:
        self.http.close()
        Disconnect(self.si)

    # --- inventory ---------------------------------------------------------------------------------

    def objects(self, kind: type[Any]) -> Iterator[Any]:
        view = self.content.viewManager.CreateContainerView(self.content.rootFolder, [kind], True)
        try:
            yield from list(view.view)
        finally:
            view.Destroy()

    def find(self, kind: type[Any], name: str) -> Any | None:
        return next((obj for obj in self.objects(kind) if obj.name == name), None)

    def get(self, kind: type[Any], moid: str) -> Any | None:
        """The object with this managed object id, or None when it is gone."""
        obj = kind(moid, self.si._stub)
        try:
            obj.name  # noqa: B018 -- touching a property is how vSphere says whether the object exists
        except vmodl.fault.ManagedObjectNotFound:
            return None
        return obj

    def datacenter(self, name: str) -> Any:
        found = self.find(vim.Datacenter, name)
        if found is None:
            raise VCenterError(f"no datacenter {name!r} in {self.endpoint.url}")
        return found

    def wait(self, task: Any, what: str) -> Any:
        """The task's result once it ends; its error as a VCenterError."""
        # Polled by hand: pyVim's WaitForTask trips over vcsim's task names (UnknownManagedMethod).
        delay = 0.01
        while (info := task.info).state in ("queued", "running"):
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        if info.state == "error":
            raise VCenterError(f"{what}: {_reason(info.error)}")
        return info.result

    # --- tagging (REST) ----------------------------------------------------------------------------

    def rest(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, f"{self.endpoint.base}{TAG_PATH}{path}", json=body, timeout=30)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise VCenterError(
                f"{method} {TAG_PATH}{path}: HTTP {response.status_code} {response.text[:200]}"
            )
        return response.json().get("value") if response.content else None

    def attached_tags(self, obj: Any) -> list[str]:
        ref = {"id": obj._moId, "type": obj._wsdlName}
        return sorted(
            self.rest("POST", "/tag-association?~action=list-attached-tags", {"object_id": ref}) or []
        )

    def set_tags(self, obj: Any, wanted: Sequence[str]) -> None:
        """Attach exactly `wanted` to `obj` (detaching any other tag)."""
        ref = {"id": obj._moId, "type": obj._wsdlName}
        current = set(self.attached_tags(obj))
        for tag in sorted(set(wanted) - current):
            self.rest("POST", f"/tag-association/id:{tag}?~action=attach", {"object_id": ref})
        for tag in sorted(current - set(wanted)):
            self.rest("POST", f"/tag-association/id:{tag}?~action=detach", {"object_id": ref})


def _reason(error: BaseException) -> str:
    return str(getattr(error, "msg", "") or error).strip() or type(error).__name__


_shared: dict[Endpoint, Session] = {}
_shared_lock = threading.Lock()


def shared(endpoint: Endpoint) -> Session:
    """One session per endpoint and process: a dynamic provider serves many resources in parallel threads."""
    with _shared_lock:
        if endpoint not in _shared:
            _shared[endpoint] = Session(endpoint)
        return _shared[endpoint]


def network_facts(session: Session) -> tuple[dict[str, int], dict[str, list[str]]]:
    """(port group name -> VLAN id, VM name -> the port groups of its NICs) as vCenter reports them."""
    groups: dict[str, int] = {}
    by_key: dict[str, str] = {}
    for group in session.objects(vim.dvs.DistributedVirtualPortgroup):
        vlan = group.config.defaultPortConfig.vlan
        # Uplink port groups trunk a range; only port groups with one VLAN id carry a segment.
        if isinstance(vlan, vim.dvs.VmwareDistributedVirtualSwitch.VlanIdSpec):
            groups[group.name] = vlan.vlanId
        by_key[group.key] = group.name
    vms: dict[str, list[str]] = {}
    for vm in session.objects(vim.VirtualMachine):
        nics = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
        vms[vm.name] = [
            by_key.get(getattr(getattr(nic.backing, "port", None), "portgroupKey", ""), "?") for nic in nics
        ]
    return groups, vms
