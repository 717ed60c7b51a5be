"""The lab drawing: every device, test host and cable is in it, and Graphviz renders it."""

import html
from pathlib import Path

from inventory import Design
from network.lab.graph import render_graph, to_dot


def test_dot_has_every_node_and_cable(design: Design) -> None:
    dot = to_dot(design)
    for device in design.devices:
        assert f'"{device.name}" [label="{device.name}\\n' in dot
    for endpoint in design.endpoints:
        assert f'"{endpoint.attach.device}" -- "{endpoint.name}"' in dot
    for link in design.links:
        assert f'"{link.a.device}" -- "{link.b.device}" [taillabel="{link.a.interface}' in dot
    assert dot.count(" -- ") == len(design.links) + len(design.endpoints)
    assert all(f'"cluster_{site.name}"' in dot for site in design.sites)


def test_graphviz_renders_svg(design: Design, tmp_path: Path) -> None:
    svg = html.unescape(render_graph(design, tmp_path / "lab.svg").read_text())
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert all(f"<title>{device.name}</title>" in svg for device in design.devices)
