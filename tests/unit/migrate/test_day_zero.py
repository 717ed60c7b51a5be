"""A fresh lab's switches start at the design's day 0 (no migration applied), so that `migrate down --to 0`
returns a lab to exactly where it started."""

import base64
import re
from pathlib import Path

import network.lab.images
from inventory import load_design
from inventory.model import Platform
from network.facts import device_facts
from network.lab.topology import LabImages, topology
from network.platforms import FILE_MARKER
from network.render import render_device

IMAGES = Path(network.lab.images.__file__).parent  # the recipe's files


def _files(config: str) -> dict[str, str]:
    parts = config.split(FILE_MARKER)[1:]
    return {part.split("\n", 1)[0]: part.split("\n", 1)[1] for part in parts}


def test_day_zero_is_only_the_interfaces_file_and_frr_conf() -> None:
    design = load_design()
    for device in design.devices:
        files = _files(render_device(device_facts(design, device.name, frozenset()), Platform.FRR))
        assert set(files) == {"/etc/network/interfaces", "/etc/frr/frr.conf"}, device.name


def test_the_lab_provisions_each_switch_with_its_day_zero_interfaces_file() -> None:
    design = load_design()
    nodes = topology(design, LabImages(switch="switch:test", host="host:test"))["topology"]["nodes"]
    for device in design.devices:
        (command,) = nodes[device.name]["exec"]
        encoded = re.search(r"echo (\S+) \| base64 -d >/etc/network/interfaces && ifreload -a", command)
        assert encoded, command
        files = _files(render_device(device_facts(design, device.name, frozenset()), Platform.FRR))
        assert base64.b64decode(encoded[1]).decode() == files["/etc/network/interfaces"], device.name
        ports = {end.interface for end, _, _ in design.links_of(device.name)} | {
            port.interface for port in device.access_ports
        }
        assert all(f"auto {port}\n" in files["/etc/network/interfaces"] for port in ports), device.name


def test_the_switch_entrypoint_writes_the_day_zero_frr_conf() -> None:
    entrypoint = (IMAGES / "entrypoint.sh").read_text()
    written = re.search(
        r"printf '(?P<text>hostname %s[^']*)' \"\$\(hostname\)\" >/etc/frr/frr.conf", entrypoint
    )
    assert written, "the entry point no longer writes frr.conf this way"
    design = load_design()
    files = _files(render_device(device_facts(design, "leaf1", frozenset()), Platform.FRR))
    assert written["text"].replace("\\n", "\n") % "leaf1" == files["/etc/frr/frr.conf"]
