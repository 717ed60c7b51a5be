"""Malformed designs through the real CLI: a one-line located error, exit 1, no traceback, nothing written.

Each case breaks a copy of the sample design one way, then runs `inventory check` (the message) and
`net render -o` (nothing written: no output folder, the design folder unchanged). A file outside the
design folder holds a marker that must never appear in any output.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundament.app import app
from fundament.exitcodes import ExitCode
from fundament.paths import SAMPLE_DESIGN

SAMPLE = SAMPLE_DESIGN
CAMPUS = SAMPLE_DESIGN.parent / "examples" / "campus"
SECRET = "SECRETHASH-9f1c"
"""Stands for the contents of a host file (a password hash in /etc/shadow) that must never be echoed."""

Breakage = Callable[[Path], None]


def edit(file: str, old: str, new: str | bytes) -> Breakage:
    """Replace the first `old` in `file`; `new` as bytes may be anything (another encoding, binary)."""

    def apply(design: Path) -> None:
        path = design / file
        content = path.read_bytes()
        assert old.encode() in content, f"{old!r} not in {file}"
        replacement = new if isinstance(new, bytes) else new.encode()
        path.write_bytes(content.replace(old.encode(), replacement, 1))

    return apply


def cut(file: str, marker: str, tail: str) -> Breakage:
    """Replace everything from `marker` to the end of `file` with `tail`."""

    def apply(design: Path) -> None:
        path = design / file
        text = path.read_text(encoding="utf-8")
        assert marker in text, f"{marker!r} not in {file}"
        path.write_text(text[: text.index(marker)] + tail, encoding="utf-8")

    return apply


def write(file: str, content: bytes) -> Breakage:
    def apply(design: Path) -> None:
        (design / file).write_bytes(content)

    return apply


def link(file: str, target: str) -> Breakage:
    """A symlink in the design folder to `target` beside it (outside the design folder)."""
    return lambda design: (design / file).symlink_to(design.parent / target)


def remove(file: str) -> Breakage:
    return lambda design: (design / file).unlink()


def both(*breakages: Breakage) -> Breakage:
    def apply(design: Path) -> None:
        for breakage in breakages:
            breakage(design)

    return apply


@dataclass(frozen=True)
class Case:
    breakage: Breakage
    expected: str
    """`file:line: key.path: message` as printed (the line or key path left out where there is none)."""
    base: Path = SAMPLE
    """The design the case breaks: the sample, or the example campus (OSPF, no overlay, trunks)."""


SHADOW_LINE = f"root:$6${SECRET}:19000:0:99999:7:::\n".encode()
BOMB = b"".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n".encode() if n else b'l0: &l0 ["lol"]\n'
    for n in range(9)
)

CASES: dict[str, Case] = {
    # files that are not design files
    "symlink to a host file": Case(
        link("geheim.yaml", "shadow"), "geheim.yaml: a symbolic link: design files must be regular files"
    ),
    "symlink to a host directory": Case(
        link("etc.yaml", "hostdir"), "etc.yaml: a symbolic link: design files must be regular files"
    ),
    "directory named *.yaml": Case(
        lambda design: (design / "oud.yaml").mkdir(), "oud.yaml: a directory, not a design file"
    ),
    "named pipe *.yaml": Case(
        lambda design: os.mkfifo(design / "pijp.yaml"),
        "pijp.yaml: a pipe, socket or device, not a design file",
    ),
    "Latin-1 file": Case(
        edit("sites.yaml", "Verhuisd rekencentrum", "Verhuisd r\u00e9kencentrum".encode("latin-1")),
        "sites.yaml:6: not UTF-8 text (byte 0xe9): design files are UTF-8",
    ),
    "UTF-16 file": Case(
        write("extra.yaml", "sites: []\n".encode("utf-16")),
        "extra.yaml:1: UTF-16 text: design files are UTF-8",
    ),
    "binary file": Case(
        write("logo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + SHADOW_LINE),
        "logo.yaml:1: not UTF-8 text (byte 0x89): design files are UTF-8",
    ),
    "control character": Case(
        edit("sites.yaml", "kind: campus", "kind: cam\x01pus"),
        "sites.yaml:8: control character U+0001 is not allowed",
    ),
    "NUL byte": Case(
        edit("segments.yaml", "vlan: 120", "vlan: 1\x0020"),
        "segments.yaml:21: control character U+0000 is not allowed",
    ),
    "empty file": Case(write("leeg.yaml", b""), "leeg.yaml:1: the file is empty (or only comments)"),
    "file of comments only": Case(
        write("notities.yaml", b"# nog invullen\n# later\n"),
        "notities.yaml:1: the file is empty (or only comments)",
    ),
    # YAML that does not parse or is not allowed
    "YAML syntax: bad indentation": Case(
        edit("sites.yaml", "  - name: ph\n", "  - name: ph\n   kind: [\n"),
        "sites.yaml:8: YAML syntax: did not find expected '-' indicator",
    ),
    "YAML syntax: tab indentation": Case(
        edit("routing.yaml", "    keepalive: 3", "\tkeepalive: 3"),
        "routing.yaml:11: YAML syntax: found a tab character that violates indentation",
    ),
    "YAML syntax: unclosed flow mapping": Case(
        edit("devices.yaml", "asn: 65100}", "asn: 65100"),
        "devices.yaml:7: YAML syntax: did not find expected ',' or '}'",
    ),
    "billion laughs": Case(
        write("lol.yaml", BOMB), "lol.yaml:2: l1[0]: YAML aliases (*name) are not allowed"
    ),
    "alias to reuse a value": Case(
        edit("routing.yaml", "keepalive: 3\n    holdtime: 9", "keepalive: &k 3\n    holdtime: *k"),
        "routing.yaml:12: routing.underlay.holdtime: YAML aliases (*name) are not allowed",
    ),
    "merge key": Case(
        both(
            edit("sites.yaml", "  - name: dc1\n", "  - &dc\n    name: dc1\n"),
            edit("sites.yaml", "  - name: ph\n", "  - <<: *dc\n    name: ph\n"),
        ),
        "sites.yaml:8: sites[1].<<: YAML aliases (*name) are not allowed",
    ),
    "recursive alias": Case(
        write("lus.yaml", b"lus: &a [1, *a]\n"), "lus.yaml:1: lus[1]: YAML aliases (*name) are not allowed"
    ),
    # files that parse but are not a design
    "a list instead of sections": Case(
        write("lijst.yaml", b"- sites\n- devices\n"),
        "lijst.yaml:1: a design file must be a mapping of sections",
    ),
    "a host file copied in": Case(
        write("shadow.yaml", SHADOW_LINE * 3), "shadow.yaml:3: (a key that is no name): unknown section"
    ),
    "unknown section": Case(
        write("geheim.yaml", f"wachtwoord: {SECRET}\n".encode()), "geheim.yaml:1: wachtwoord: unknown section"
    ),
    "unknown section with a long name": Case(
        write("lang.yaml", f"{'x' * 60}{SECRET}: 1\n".encode()), f"lang.yaml:1: {'x' * 39}…: unknown section"
    ),
    "section defined twice": Case(
        edit("sites.yaml", "sites:\n", "routing: {}\nsites:\n"),
        "sites.yaml:2: routing: section is also defined in",
    ),
    "key written twice": Case(
        edit("routing.yaml", "    holdtime: 9", "    holdtime: 9\n    holdtime: 12"),
        "routing.yaml:13: routing.underlay.holdtime: key is written twice",
    ),
    "missing section": Case(remove("sites.yaml"), "design: sites: missing section: write `sites:` in one of"),
    "empty section": Case(
        write("sites.yaml", b"sites:\n"), "sites.yaml:1: sites: Input should be a valid list (got None)"
    ),
    "section of the wrong shape": Case(
        both(remove("routing.yaml"), write("vorm.yaml", b"routing: [a, b]\n")),
        "vorm.yaml:1: routing: Input should be a valid dictionary or instance of Routing (got ['a', 'b'])",
    ),
    "missing key": Case(
        edit("sites.yaml", "    kind: campus\n", ""), "sites.yaml:7: sites[1].kind: Field required"
    ),
    "misspelt key": Case(
        edit("segments.yaml", "present_on: [acc2, acc-noord]", "present: [acc2, acc-noord]"),
        "segments.yaml:26: segments[2].present: unknown key",
    ),
    # loose values
    "VLAN true": Case(
        edit("segments.yaml", "vlan: 120", "vlan: true"),
        "segments.yaml:21: segments[2].vlan: Value error, must be a whole number, not true/false",
    ),
    "ASN yes": Case(
        edit("devices.yaml", "asn: 65101", "asn: yes"),
        "devices.yaml:13: devices[2].asn: Value error, must be a whole number, not true/false",
    ),
    "MTU quoted": Case(
        edit("design.yaml", "  mtu: 9214", '  mtu: "9214"'),
        "design.yaml:12: defaults.mtu: Value error, must be a whole number, not text",
    ),
    "VNI as a decimal": Case(
        edit("segments.yaml", "vni: 10120", "vni: 10120.0"),
        "segments.yaml:22: segments[2].vni: Value error, must be a whole number, not a decimal number",
    ),
    "boolean as a number": Case(
        edit("datacenter.yaml", "disks: [{size_gb: 80}, {size_gb: 500}]", "disks: [{size_gb: 80, thin: 0}]"),
        "datacenter.yaml:65: datacenter.workloads[0].disks[0].thin: Value error, must be true or false, not a number",
    ),
    "long value shortened": Case(
        edit("segments.yaml", "zone: gast", f"zone: {'Q' * 80}{SECRET}"),
        "segments.yaml:25: segments[2].zone: String should match pattern",
    ),
    "VLAN out of range": Case(
        edit("segments.yaml", "vlan: 120", "vlan: 5000"),
        "segments.yaml:21: segments[2].vlan: Input should be less than or equal to 4094 (got 5000)",
    ),
    "VLAN zero": Case(
        edit("segments.yaml", "vlan: 120", "vlan: 0"),
        "segments.yaml:21: segments[2].vlan: Input should be greater than or equal to 1 (got 0)",
    ),
    "bad IPv4 address": Case(
        edit("devices.yaml", "loopback: 10.255.0.11", "loopback: 10.255.0.300"),
        "devices.yaml:12: devices[2].loopback: Input is not a valid IPv4 address (got '10.255.0.300')",
    ),
    "bad name": Case(
        edit("sites.yaml", "name: ph", "name: Provinciehuis_1"),
        "sites.yaml:7: sites[1].name: String should match pattern '^[a-z][a-z0-9-]{0,62}$'",
    ),
    "unknown site kind": Case(
        edit("sites.yaml", "kind: campus", "kind: kantoor"),
        "sites.yaml:8: sites[1].kind: Input should be 'datacenter', 'campus' or 'regional' (got 'kantoor')",
    ),
    # inherited values: reported once, where they were written
    "bad value in a role": Case(
        edit("design.yaml", "    mtu: 9000", "    mtu: 20000"),
        "design.yaml:25: roles.access.mtu: Input should be less than or equal to 9216 (got 20000)",
    ),
    "bad value in the defaults": Case(
        edit("design.yaml", "  platform: eos", "  platform: junos"),
        "design.yaml:11: defaults.platform: Input should be 'eos' or 'frr' (got 'junos')",
    ),
    "roles not a mapping": Case(
        cut("design.yaml", "roles:\n", "roles: [spine]\n"),
        "design.yaml:14: roles: must map role names to settings",
    ),
    # cross-references
    "unknown device in a link": Case(
        edit("links.yaml", '{a: "spine1:eth1", b: "leaf1:eth1"}', '{a: "spine1:eth1", b: "leaf9:eth1"}'),
        "links.yaml:6: links[0].b.device: unknown device 'leaf9'",
    ),
    "duplicate VLAN": Case(
        edit("segments.yaml", "vlan: 120", "vlan: 110"),
        "segments.yaml:21: segments[2].vlan: VLAN 110 is already used at segments.1.vlan",
    ),
    "ASN outside the range": Case(
        edit("devices.yaml", "asn: 65101", "asn: 64512"),
        "devices.yaml:13: devices[2].asn: ASN 64512 is outside asn_range 65000-65499",
    ),
    # the underlay and overlay choices
    "unknown underlay protocol": Case(
        edit("routing.yaml", "protocol: ebgp", "protocol: isis"),
        "routing.yaml:6: routing.underlay.protocol: Input should be 'ebgp', 'ibgp' or 'ospf' (got 'isis')",
    ),
    "OSPF underlay under the EVPN overlay": Case(
        edit("routing.yaml", "protocol: ebgp", "protocol: ospf"),
        "routing.yaml:13: routing.overlay: EVPN runs over BGP: an ospf underlay carries no overlay",
    ),
    "eBGP setting under OSPF": Case(
        edit("routing.yaml", "protocol: ebgp", "protocol: ospf"),
        "routing.yaml:7: routing.underlay.asn_range: a setting of ebgp: the underlay is ospf, remove it",
    ),
    "iBGP without its AS": Case(
        both(
            edit("routing.yaml", "protocol: ebgp", "protocol: ibgp"),
            edit("routing.yaml", "    asn_range: {first: 65000, last: 65499}\n", ""),
        ),
        "routing.yaml:5: routing.underlay.asn: missing: an ibgp underlay needs it",
    ),
    "iBGP link between two route reflector clients": Case(
        both(
            edit("routing.yaml", "protocol: ebgp", "protocol: ibgp\n    asn: 65100"),
            edit("routing.yaml", "    asn_range: {first: 65000, last: 65499}\n", ""),
            edit(
                "routing.yaml",
                "    shared_asn_roles: [spine, core]\n",
                "    route_reflector_roles: [spine]\n",
            ),
        ),
        "links.yaml:15: links[8]: ibgp: neither bl1 nor core1 is a route reflector",
    ),
    "device of another AS in an iBGP underlay": Case(
        both(
            edit("routing.yaml", "protocol: ebgp", "protocol: ibgp\n    asn: 65100"),
            edit("routing.yaml", "    asn_range: {first: 65000, last: 65499}\n", ""),
            edit("routing.yaml", "    shared_asn_roles: [spine, core]\n", ""),
        ),
        "devices.yaml:13: devices[2].asn: ASN 65101: the ibgp underlay is one AS, 65100",
    ),
    "routing device without a loopback": Case(
        edit("devices.yaml", "    loopback: 10.255.0.11\n", ""),
        "devices.yaml:8: devices[2].loopback: missing: a routing device has a loopback",
    ),
    "eBGP device without an ASN": Case(
        edit("devices.yaml", "    asn: 65101\n", ""),
        "devices.yaml:8: devices[2].asn: missing: an ebgp underlay needs the device's own ASN",
    ),
    "layer-2 switches beside the EVPN overlay": Case(
        edit("routing.yaml", "  overlay:\n", "  layer2_roles: [access]\n  overlay:\n"),
        "routing.yaml:13: routing.layer2_roles: layer-2 switches trunk to a core that routes their segments",
    ),
    # a campus without the overlay (the example): trunks to layer-2 switches, gateways on the cores
    "trunk with an address": Case(
        edit(
            "links.yaml",
            '{a: "core-a:eth3", b: "acc-a1:eth1", kind: campus}',
            "{a: {device: core-a, interface: eth3, ipv4: 10.251.0.6/31}, "
            "b: {device: acc-a1, interface: eth1, ipv4: 10.251.0.7/31}}",
        ),
        "links.yaml:20: links[3].a.ipv4: a trunk carries VLANs, not addresses (acc-a1 is a layer-2 switch)",
        CAMPUS,
    ),
    "layer-2 switch with a loopback": Case(
        edit(
            "devices.yaml",
            "    mgmt_ipv4: 172.21.0.21/24\n",
            "    mgmt_ipv4: 172.21.0.21/24\n    loopback: 10.250.0.11\n",
        ),
        "devices.yaml:11: devices[3].loopback: acc-a1 is a layer-2 switch (access is in routing.layer2_roles): "
        "it has no loopback",
        CAMPUS,
    ),
    "segment routed by two cores": Case(
        edit(
            "segments.yaml",
            "present_on: [core-a, acc-a1, acc-a2]",
            "present_on: [core-a, core-b, acc-a1, acc-a2]",
        ),
        "segments.yaml:6: segments[0].present_on: without the EVPN overlay a segment's gateway lives on one "
        "routing device, here core-a, core-b",
        CAMPUS,
    ),
    "segment on a switch without a trunk to its core": Case(
        edit("segments.yaml", "present_on: [core-a, acc-a2]", "present_on: [core-a, acc-a2, acc-b1]"),
        "segments.yaml:8: segments[1].present_on[2]: acc-b1 has no trunk path to core-a (the gateway of gebouw-a)",
        CAMPUS,
    ),
    "VNI without the overlay": Case(
        edit("segments.yaml", "vlan: 120,", "vlan: 120, vni: 10120,"),
        "segments.yaml:7: segments[1].vni: a VNI needs the EVPN overlay (routing.overlay): remove it",
        CAMPUS,
    ),
    "OSPF on an unnumbered link": Case(
        cut(
            "links.yaml",
            "  - a: {device: core-a, interface: eth1",
            '  - {a: "core-a:eth1", b: "core-b:eth1"}\n',
        ),
        "links.yaml:5: links[0]: an ospf underlay runs on numbered links: give both ends an ipv4 /31",
        CAMPUS,
    ),
    "ASN in an OSPF underlay": Case(
        edit("devices.yaml", "loopback: 10.250.0.1}", "loopback: 10.250.0.1, asn: 65001}"),
        "devices.yaml:4: devices[0].asn: an ospf underlay has no ASNs: remove it",
        CAMPUS,
    ),
    "zone VRF without the overlay": Case(
        edit(
            "management.yaml",
            "bio_classification: BBN2}",
            "bio_classification: BBN2, vrf: {l3vni: 50110, vlan: 4001}}",
        ),
        "management.yaml:20: security.zones[0].vrf: a zone VRF routes over its L3VNI: it needs the EVPN overlay",
        CAMPUS,
    ),
    "segment without a VNI under the overlay": Case(
        edit("segments.yaml", "    vni: 10120\n", ""),
        "segments.yaml:20: segments[2].vni: missing: the EVPN overlay maps every segment to a VNI",
    ),
}


@pytest.fixture
def broken_design(tmp_path: Path) -> Callable[[Case], Path]:
    (tmp_path / "shadow").write_bytes(SHADOW_LINE)
    (tmp_path / "hostdir").mkdir()
    (tmp_path / "hostdir" / "passwd.yaml").write_bytes(SHADOW_LINE)

    def make(case: Case) -> Path:
        design = tmp_path / "design"
        shutil.copytree(case.base, design)
        case.breakage(design)
        return design

    return make


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink() and not path.is_fifo()
    }


@pytest.mark.parametrize("name", CASES, ids=list(CASES))
def test_bad_input_is_one_located_error_and_writes_nothing(
    name: str, broken_design: Callable[[Case], Path], tmp_path: Path
) -> None:
    case = CASES[name]
    design = broken_design(case)
    before = _fingerprint(design)
    runner = CliRunner()

    checked = runner.invoke(app, ["inventory", "check", "-i", str(design)])
    output = tmp_path / "out"
    rendered = runner.invoke(app, ["net", "render", "-i", str(design), "-o", str(output)])

    assert checked.exit_code == ExitCode.FAILURE, checked.output
    assert case.expected in checked.output.replace("\n  ", "\n"), checked.output
    assert rendered.exit_code == ExitCode.FAILURE, rendered.output
    for result in (checked, rendered):
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        assert SECRET not in result.output
    assert not output.exists()
    assert _fingerprint(design) == before


def test_bad_input_json_never_echoes_file_contents(broken_design: Callable[[Case], Path]) -> None:
    design = broken_design(CASES["unknown section with a long name"])
    result = CliRunner().invoke(app, ["inventory", "check", "--json", "-i", str(design)])
    assert result.exit_code == ExitCode.FAILURE
    [problem] = json.loads(result.output)["problems"]
    assert problem["path"] == "x" * 39 + "…"
    assert SECRET not in result.output


def test_the_suite_covers_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_unset_secret_reference_is_a_warning_with_its_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDAMENT_VAULT_FILE", raising=False)
    monkeypatch.setenv("FUNDAMENT_NETBEHEER_PASSWORD", "gezet")
    monkeypatch.setenv("FUNDAMENT_TACACS_KEY", "gezet")
    monkeypatch.delenv("FUNDAMENT_NOC_PASSWORD", raising=False)
    result = CliRunner().invoke(app, ["inventory", "check", "--json", "-i", str(SAMPLE)])
    assert result.exit_code == ExitCode.OK
    [warning] = json.loads(result.stdout)["warnings"]
    assert warning["path"] == "management.aaa.users[1].password.secret"
    assert warning["line"] == 18
    assert "FUNDAMENT_NOC_PASSWORD is not set" in warning["message"]
    assert "gezet" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["net", "render", "--device", "spine1", "-i", str(SAMPLE), "-o"],
        ["inventory", "generate", "--sites", "1", "-o"],
    ],
    ids=["net render", "inventory generate"],
)
def test_unwritable_output_is_one_line_naming_the_file(command: list[str], tmp_path: Path) -> None:
    blocker = tmp_path / "een-bestand"
    blocker.write_text("no folder\n")
    fundament = Path(sys.executable).parent / "fundament"
    result = subprocess.run(
        [str(fundament), *command, str(blocker / "uit")], capture_output=True, text=True, check=False
    )
    assert result.returncode == ExitCode.FAILURE
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{blocker}/uit") and last.endswith(": cannot write: Not a directory"), last
    assert blocker.read_text() == "no folder\n"
