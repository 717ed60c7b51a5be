"""Which devices a `fundament net` command acts on: by name, role and site, shared by every net command."""

from collections.abc import Sequence

from fundament.errors import FundamentError
from inventory.model import Design, Role


class SelectionError(FundamentError, ValueError):
    """The filters name something the design does not have, or select no device at all."""


def select_devices(
    design: Design,
    devices: Sequence[str] = (),
    role: Role | None = None,
    site: str | None = None,
) -> list[str]:
    """Device names in design order that match every given filter (no filter: all devices)."""
    unknown = [name for name in devices if name not in design.device_by_name]
    if unknown:
        raise SelectionError(f"unknown device {', '.join(unknown)}")
    if site is not None and site not in design.site_by_name:
        raise SelectionError(f"unknown site {site} (sites: {', '.join(design.site_by_name)})")
    selected = [
        device.name
        for device in design.devices
        if (not devices or device.name in devices)
        and (role is None or device.role == role)
        and (site is None or device.site == site)
    ]
    if not selected:
        filters = [f"device {', '.join(devices)}"] if devices else []
        filters += [f"role {role}"] if role is not None else []
        filters += [f"site {site}"] if site is not None else []
        raise SelectionError(f"no device matches {' and '.join(filters)}")
    return selected
