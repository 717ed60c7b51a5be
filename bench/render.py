"""Render and catalog cost at ~1k, 5k and 10k generated devices; with --pyavd, render beside pyavd.

Scale (default): for each size, `fundament inventory check`, `net render` and `net verify catalog` as
commands (fresh process: time and peak memory), and facts + render per device in-process. Goals: render
per device flat within 20% from 1k to 10k; the catalog at 1k under 5 s and 300 MB.

--pyavd: render time per device for a ~1,000-device generated design, beside pyavd on a same-size
L3LS-EVPN fabric.

fundament: load + validate the generated design (`inventory.generate`, 330 sites: 998 devices), design
facts, then render every device for frr and for eos.
pyavd: the public pipeline validate_inputs -> get_avd_facts -> get_device_structured_config ->
get_device_config on an eBGP L3LS-EVPN fabric (RFC 5549 underlay, one EVPN VLAN) with the same number of
devices. validate_inputs and get_avd_facts run for every device; the per-device stages run on a sample
(both spines and some leaves) and are extrapolated to the whole fabric, because running them on all
devices takes many minutes (`--sample 0` runs all). Prints figures; asserts nothing.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pyavd
from pyavd.constants import (
    EOS_CLI_CONFIG_GEN_JINJA2_CONFIG_TEMPLATE,
    EOS_CLI_CONFIG_GEN_JINJA2_PRECOMPILED_TEMPLATE_PATH,
)
from pyavd.templater import Templar
from scale import SITES, generated, measured

from inventory import generate, load_design
from inventory.model import Platform
from network.facts import all_facts
from network.render import render_device
from network.verify.generate import generate as catalog_checks

T = TypeVar("T")
SPINES = 2


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def line(what: str, seconds: float, devices: int) -> None:
    print(f"  {what:<70} {seconds:>9.3f} s {1000 * seconds / devices:>10.3f} ms/device")


def fundament_per_device(sites: int) -> tuple[int, dict[Platform, float]]:
    """Seconds per device (load + facts + render) for each platform; prints the stages."""
    with tempfile.TemporaryDirectory() as folder:
        generate.write(generate.generate(sites), Path(folder))
        design, load_seconds = timed(lambda: load_design(Path(folder)))
    devices = len(design.devices)
    print(f"fundament: generated design, {devices} devices, {len(design.links)} links ({sites} sites)")
    facts, facts_seconds = timed(lambda: all_facts(design))
    line("load + validate the design", load_seconds, devices)
    line("design facts (all devices)", facts_seconds, devices)
    per_device = {}
    for platform in Platform:
        texts, render_seconds = timed(lambda p=platform: [render_device(f, p) for f in facts.values()])  # type: ignore[misc]
        line(f"render {platform} (all devices)", render_seconds, devices)
        print(f"    ({sum(map(len, texts)) // devices} characters per config on average)")
        total = load_seconds + facts_seconds + render_seconds
        line(f"total {platform}: load + facts + render", total, devices)
        per_device[platform] = total / devices
    return devices, per_device


def avd_inputs(leaves: int) -> dict[str, Any]:
    """Group variables of an eBGP L3LS-EVPN fabric as AVD reads them (every host sees all of them)."""
    return {
        "fabric_name": "FUNDAMENT",
        "underlay_routing_protocol": "ebgp",
        "overlay_routing_protocol": "ebgp",
        "underlay_rfc5549": True,
        "mgmt_gateway": "172.16.0.1",
        "spine": {
            "defaults": {"platform": "7050X3", "loopback_ipv4_pool": "10.255.0.0/24", "bgp_as": "65100"},
            "nodes": [
                {"name": f"spine{n}", "id": n, "mgmt_ip": f"172.16.0.{10 + n}/16"}
                for n in range(1, SPINES + 1)
            ],
        },
        "l3leaf": {
            "defaults": {
                "platform": "7050X3",
                "loopback_ipv4_pool": "10.254.0.0/16",
                "vtep_loopback_ipv4_pool": "10.253.0.0/16",
                "uplink_switches": [f"spine{n}" for n in range(1, SPINES + 1)],
                "uplink_interfaces": [f"Ethernet{48 + n}/1" for n in range(1, SPINES + 1)],
                "virtual_router_mac_address": "00:1c:73:00:00:99",
                "bgp_as": "4200000001-4200099999",
            },
            "nodes": [
                {
                    "name": f"leaf{n}",
                    "id": n,
                    "mgmt_ip": f"172.16.{n // 250 + 1}.{n % 250 + 1}/16",
                    "uplink_switch_interfaces": [f"Ethernet{n}"] * SPINES,
                }
                for n in range(1, leaves + 1)
            ],
        },
        "tenants": [
            {
                "name": "PROVINCIE",
                "mac_vrf_vni_base": 10000,
                "l2vlans": [{"id": 210, "name": "server", "tags": ["all"]}],
            }
        ],
    }


def pyavd_per_device(devices: int, sample: int) -> dict[str, float]:
    """Seconds per device of pyavd's pipeline (public API, and its best case); prints the stages."""
    leaves = devices - SPINES
    group_vars = avd_inputs(leaves)
    hosts = {f"spine{n}": "spine" for n in range(1, SPINES + 1)}
    hosts |= {f"leaf{n}": "l3leaf" for n in range(1, leaves + 1)}
    print(f"pyavd {pyavd.__version__}: L3LS-EVPN, {SPINES} spines + {leaves} leaves = {devices} devices")

    def validate() -> dict[str, Any]:
        validated = {}
        for host, node_type in hosts.items():
            result = pyavd.validate_inputs({**group_vars, "type": node_type})
            if result.validated_data is None:
                problems = result.validation_result.violations
                raise SystemExit(f"pyavd rejected the inputs of {host}: {problems}")
            validated[host] = result.validated_data
        return validated

    inputs, validate_seconds = timed(validate)
    line("validate_inputs (all devices)", validate_seconds, devices)
    facts, facts_seconds = timed(lambda: pyavd.get_avd_facts(inputs))
    line("get_avd_facts (all devices)", facts_seconds, devices)

    def public_api(host: str) -> str:
        config: str = pyavd.get_device_config(pyavd.get_device_structured_config(host, inputs[host], facts))
        return config

    # pyavd's get_device_config builds a new Templar per call, which re-compiles its ~200 precompiled
    # template modules each time; a long-running tool could keep one (pyavd internals, its best case).
    templar = Templar(precompiled_templates_path=EOS_CLI_CONFIG_GEN_JINJA2_PRECOMPILED_TEMPLATE_PATH)

    def shared_templar(host: str) -> str:
        structured = pyavd.get_device_structured_config(host, inputs[host], facts)
        config: str = templar.render_template_from_file(
            template_file=EOS_CLI_CONFIG_GEN_JINJA2_CONFIG_TEMPLATE, template_vars=structured._as_dict()
        )
        return config

    leaf_names = [host for host, kind in hosts.items() if kind == "l3leaf"]
    step = max(1, len(leaf_names) // sample) if sample > 0 else 1
    chosen = [h for h, kind in hosts.items() if kind == "spine"]
    chosen += leaf_names[::step][:sample] if sample > 0 else leaf_names
    how = "all" if len(chosen) == devices else f"{len(chosen)} sampled, extrapolated"
    shared = validate_seconds + facts_seconds
    per_device = {}
    for name, render in (("public API", public_api), ("one shared Templar", shared_templar)):
        # The first call loads the templates: counted once for the fabric, not in every device's figure.
        _, warm_up_seconds = timed(lambda r=render: r(leaf_names[-1]))  # type: ignore[misc]
        seconds_by_kind: dict[str, list[float]] = {"spine": [], "l3leaf": []}
        sizes = []
        for host in chosen:
            text, seconds = timed(lambda r=render, h=host: r(h))  # type: ignore[misc]
            seconds_by_kind[hosts[host]].append(seconds)
            sizes.append(len(text))
        spine_mean = statistics.mean(seconds_by_kind["spine"])
        leaf_mean = statistics.mean(seconds_by_kind["l3leaf"])
        stages_seconds = warm_up_seconds + SPINES * spine_mean + leaves * leaf_mean
        line(f"{name}: structured config + config ({how})", stages_seconds, devices)
        print(
            f"    ({1000 * spine_mean:.1f} ms per spine, {1000 * leaf_mean:.1f} ms per leaf; "
            f"{sum(sizes) // len(sizes)} characters per sampled config on average)"
        )
        line(f"{name}: total, validate + facts + configs", shared + stages_seconds, devices)
        per_device[name] = (shared + stages_seconds) / devices
    return per_device


def scale() -> None:
    """Each size: the three commands (seconds, peak MB) and facts + render per device in-process."""
    print(
        f"{'size':>5} {'devices':>8} {'check s':>8} {'MB':>5} {'render s':>9} {'MB':>5} {'catalog s':>10} "
        f"{'MB':>5} {'checks':>7} {'pings':>7} {'render ms/device':>17}"
    )
    first = None
    for size, sites in SITES.items():
        with generated(sites) as folder, tempfile.TemporaryDirectory() as output:
            check = measured("inventory", "check", "-i", str(folder))
            render = measured("net", "render", "--platform", "eos", "-i", str(folder), "-o", output)
            catalog_file = Path(output) / "catalog.yaml"
            catalog = measured("net", "verify", "catalog", "-i", str(folder), "-o", str(catalog_file))
            checks = catalog_file.read_text(encoding="utf-8").count("\n- check: ")
            design = load_design(folder)
            pings = sum(
                len(c.inputs.targets) for c in catalog_checks(design) if c.name == "loopback-reachability"
            )
            started = time.perf_counter()
            for facts in all_facts(design).values():
                render_device(facts, Platform.EOS)
            seconds = time.perf_counter() - started
            per_device = 1000 * seconds / len(design.devices)
            first = first or per_device
            print(
                f"{size:>5} {len(design.devices):>8} {check[0]:>8.2f} {check[1]:>5.0f} {render[0]:>9.2f} "
                f"{render[1]:>5.0f} {catalog[0]:>10.2f} {catalog[1]:>5.0f} {checks:>7} {pings:>7} "
                f"{per_device:>10.3f} ({per_device / first:.2f}x)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pyavd", action="store_true", help="compare with pyavd instead of the scale table")
    parser.add_argument("--sites", type=int, default=330, help="--pyavd: generated sites (330: 998 devices)")
    parser.add_argument(
        "--sample", type=int, default=40, help="--pyavd: leaves to render per device (0: all)"
    )
    args = parser.parse_args()
    if not args.pyavd:
        scale()
        return
    devices, ours = fundament_per_device(args.sites)
    print()
    theirs = pyavd_per_device(devices, args.sample)
    print()
    for platform, seconds in ours.items():
        for how, avd_seconds in theirs.items():
            print(
                f"per device: fundament {platform} {1000 * seconds:.3f} ms, pyavd eos ({how}) "
                f"{1000 * avd_seconds:.1f} ms: {avd_seconds / seconds:.0f}x (goal: >= 10x)"
            )


if __name__ == "__main__":
    main()
