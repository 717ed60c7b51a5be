"""Readiness waits name every node that did not become ready, with the reason, within the timeout."""

import ipaddress

from network.lab.ready import wait_until_ready
from network.lab.topology import LabNode, NodeKind

# Loopback only: nothing answers SSH there with the lab login, so the node can never be ready.
GHOST = LabNode("ghost", NodeKind.SWITCH, ipaddress.IPv4Address("127.0.0.1"), "leaf", "dc1", "ghost-lab")


def test_a_node_that_never_answers_is_named_with_its_reason() -> None:
    not_ready = wait_until_ready([GHOST], timeout=1.0, interval=0.2)
    assert list(not_ready) == ["ghost"]
    assert not_ready["ghost"].startswith("ssh:")


def test_nothing_to_wait_for_is_ready_at_once() -> None:
    seen: list[str] = []
    assert wait_until_ready([], timeout=1.0, on_ready=lambda node: seen.append(node.name)) == {}
    assert seen == []
