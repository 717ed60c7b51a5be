"""The lab's switch image starts at the design's day 0 (no migration applied), so that `migrate down --to 0`
returns a lab to exactly where it started."""

import re

from fundament.paths import REPO_ROOT
from inventory import load_design
from inventory.model import Platform
from network.facts import device_facts
from network.platforms import FILE_MARKER
from network.render import render_device

IMAGES = REPO_ROOT / "network" / "lab" / "images"


def _files(config: str) -> dict[str, str]:
    parts = config.split(FILE_MARKER)[1:]
    return {part.split("\n", 1)[0]: part.split("\n", 1)[1] for part in parts}


def test_day_zero_is_only_the_interfaces_file_and_frr_conf() -> None:
    design = load_design()
    for device in design.devices:
        files = _files(render_device(device_facts(design, device.name, frozenset()), Platform.FRR))
        assert set(files) == {"/etc/network/interfaces", "/etc/frr/frr.conf"}, device.name


def test_the_switch_image_ships_the_day_zero_interfaces_file() -> None:
    design = load_design()
    shipped = (IMAGES / "interfaces").read_text()
    for device in design.devices:
        files = _files(render_device(device_facts(design, device.name, frozenset()), Platform.FRR))
        assert files["/etc/network/interfaces"] == shipped, device.name


def test_the_switch_entrypoint_writes_the_day_zero_frr_conf() -> None:
    entrypoint = (IMAGES / "entrypoint.sh").read_text()
    written = re.search(
        r"printf '(?P<text>hostname %s[^']*)' \"\$\(hostname\)\" >/etc/frr/frr.conf", entrypoint
    )
    assert written, "the entry point no longer writes frr.conf this way"
    design = load_design()
    files = _files(render_device(device_facts(design, "leaf1", frozenset()), Platform.FRR))
    assert written["text"].replace("\\n", "\n") % "leaf1" == files["/etc/frr/frr.conf"]
