"""The lab drawn with Graphviz: sites as boxes, switches by role, test hosts, every cable with its ports."""

import shutil
import subprocess
from pathlib import Path

from fundament.errors import FundamentError
from inventory.model import Design, LinkKind, Role

_ROLE_COLOURS = {
    Role.SPINE: "#1f4e79",
    Role.CORE: "#1f4e79",
    Role.LEAF: "#2e75b6",
    Role.BORDER_LEAF: "#7030a0",
    Role.ACCESS: "#548235",
    Role.WAN_EDGE: "#c55a11",
}
_LINK_STYLES = {
    LinkKind.FABRIC: 'color="#2e75b6"',
    LinkKind.CAMPUS: 'color="#548235"',
    LinkKind.INTERCONNECT: 'color="#7030a0", penwidth=2',
    LinkKind.WAN: 'color="#c55a11", style=dashed, penwidth=2',
}
# Ranks from top to bottom, so the drawing reads like a network diagram: core on top, hosts below.
_RANK = {
    Role.WAN_EDGE: 0,
    Role.SPINE: 0,
    Role.CORE: 1,
    Role.BORDER_LEAF: 1,
    Role.LEAF: 2,
    Role.ACCESS: 2,
}


def _quote(text: str) -> str:
    """A DOT string; a backslash stays, as labels use DOT's own `\\n` line breaks."""
    return '"' + text.replace('"', '\\"') + '"'


def to_dot(design: Design) -> str:
    """The design's lab as a Graphviz DOT graph."""
    title = f"{design.design.name} lab: {len(design.devices)} switches, {len(design.endpoints)} test hosts"
    lines = [
        f"graph {_quote(design.design.name)} {{",
        f"  label={_quote(title)};",
        '  labelloc=t; fontname="Helvetica"; fontsize=18; newrank=true; nodesep=0.4; ranksep=1.0;',
        '  node [fontname="Helvetica", fontsize=11, style="filled,rounded", shape=box, fontcolor=white];',
        '  edge [fontname="Helvetica", fontsize=8, fontcolor="#404040"];',
    ]
    for site in design.sites:
        lines += [
            f"  subgraph {_quote('cluster_' + site.name)} {{",
            f"    label={_quote(f'{site.name} ({site.location})')};",
            "    style=rounded; color=gray60; fontsize=13;",
        ]
        for device in (d for d in design.devices if d.site == site.name):
            label = f"{device.name}\\n{device.role.value} · AS{device.asn}\\n{device.mgmt_ipv4.ip}"
            colour = _quote(_ROLE_COLOURS[device.role])
            lines.append(f"    {_quote(device.name)} [label={_quote(label)}, fillcolor={colour}];")
        for endpoint in design.endpoints:
            if design.device_by_name[endpoint.attach.device].site == site.name:
                label = f"{endpoint.name}\\n{endpoint.ipv4}"
                lines.append(
                    f"    {_quote(endpoint.name)} [label={_quote(label)}, shape=ellipse, style=filled, "
                    'fillcolor="#f2f2f2", fontcolor=black, fontsize=9];'
                )
        lines.append("  }")
    for rank in sorted(set(_RANK.values())):
        members = " ".join(_quote(d.name) for d in design.devices if _RANK[d.role] == rank)
        lines.append(f"  {{ rank=same; {members} }}")
    if design.endpoints:
        lines.append(f"  {{ rank=same; {' '.join(_quote(e.name) for e in design.endpoints)} }}")
    for link in design.links:
        a, b = link.a, link.b
        a_label = a.interface + (f"\\n{a.ipv4}" if a.ipv4 else "")
        b_label = b.interface + (f"\\n{b.ipv4}" if b.ipv4 else "")
        lines.append(
            f"  {_quote(a.device)} -- {_quote(b.device)} "
            f"[taillabel={_quote(a_label)}, headlabel={_quote(b_label)}, {_LINK_STYLES[link.kind]}];"
        )
    for endpoint in design.endpoints:
        switch = endpoint.attach
        segment = next(
            (
                port.segment
                for port in design.device_by_name[switch.device].access_ports
                if port.interface == switch.interface
            ),
            "",
        )
        lines.append(
            f"  {_quote(switch.device)} -- {_quote(endpoint.name)} "
            f"[taillabel={_quote(switch.interface)}, label={_quote(segment)}, color=gray50, style=dotted];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphError(FundamentError, RuntimeError):
    """Graphviz is missing or refused the graph."""


def render_graph(design: Design, output: Path) -> Path:
    """Draw the lab into `output`; the format follows its suffix (.svg, .png, .pdf or .dot)."""
    dot_text = to_dot(design)
    output.parent.mkdir(parents=True, exist_ok=True)
    fmt = output.suffix.lstrip(".") or "svg"
    if fmt == "dot":
        output.write_text(dot_text)
        return output
    dot = shutil.which("dot")
    if dot is None:
        raise GraphError(
            "Graphviz `dot` is not installed: run ci/bootstrap-lab.sh (or apt-get install graphviz)"
        )
    result = subprocess.run(
        [dot, f"-T{fmt}", "-o", str(output)], input=dot_text, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise GraphError(f"dot -T{fmt} failed: {result.stderr.strip()}")
    return output
