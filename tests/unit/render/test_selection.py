import pytest

from inventory import Design
from inventory.model import Role
from network.selection import SelectionError, select_devices


def test_no_filter_selects_every_device_in_design_order(design: Design) -> None:
    assert select_devices(design) == [device.name for device in design.devices]


@pytest.mark.parametrize(
    ("devices", "role", "site", "expected"),
    [
        (["leaf2", "spine1"], None, None, ["spine1", "leaf2"]),
        ([], Role.SPINE, None, ["spine1", "spine2"]),
        ([], None, "sp-zuid", ["wan-zuid", "acc-zuid"]),
        ([], Role.ACCESS, "ph", ["acc1", "acc2"]),
        (["acc1", "leaf1"], Role.ACCESS, None, ["acc1"]),
    ],
)
def test_filters_combine(
    design: Design, devices: list[str], role: Role | None, site: str | None, expected: list[str]
) -> None:
    assert select_devices(design, devices, role, site) == expected


@pytest.mark.parametrize(
    ("devices", "role", "site", "message"),
    [
        (["leaf9"], None, None, "unknown device leaf9"),
        ([], None, "mars", "unknown site mars"),
        ([], Role.SPINE, "ph", "no device matches role spine and site ph"),
    ],
)
def test_bad_filters_are_errors(
    design: Design, devices: list[str], role: Role | None, site: str | None, message: str
) -> None:
    with pytest.raises(SelectionError, match=message):
        select_devices(design, devices, role, site)
