"""The diff compare_config shows: unified diffs of whole files plus FRR's own changes.

FRR's part comes from `frr-reload.py --test`, which lists the commands a reload would run:
deletions first, then additions, each command after the context lines it lives in. That is
the exact change; it is rewritten into the form of a diff so one reader reads both parts::

    --- /etc/frr/frr.conf
    +++ /etc/frr/frr.conf (candidate)
     router bgp 65001
    - neighbor eth1 description uplink
    + neighbor eth1 description spine
      address-family ipv4 unicast
    +  network 10.9.9.0/24
    +router bgp 65002
    + bgp router-id 10.0.0.2

Removed lines are shown as they stand in the running config (frr-reload's "no X" becomes "-X";
its "X" that removes a running "no X" becomes "-no X"); a removed context shows only its header.
Changes sit under their context in the order frr-reload.py lists them, deletions first.
"""

from __future__ import annotations

import difflib

from .candidate import FRR_PATH

# frr-reload.py always lists the version line when it differs from the daemon's full version; it is
# informational and a reload cannot change it, so it is no change.
_NOT_CHANGES = ("frr version ",)


def file_diff(path: str, running: str, candidate: str) -> str:
    """Unified diff of a whole file (the interfaces file and any other managed file)."""
    lines = difflib.unified_diff(
        running.splitlines(keepends=True),
        candidate.splitlines(keepends=True),
        fromfile=path,
        tofile=f"{path} (candidate)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _entries(block: list[str]) -> list[list[str]]:
    """Each command frr-reload prints starts at column 0; its deeper lines follow it."""
    entries: list[list[str]] = []
    for line in block:
        if not line.strip():
            continue
        if not line[:1].isspace() or not entries:
            entries.append([line.strip()])
        else:
            entries[-1].append(line.strip())
    return entries


def _as_running_line(command: str) -> str:
    return command[3:] if command.startswith("no ") else f"no {command}"


def frr_reload_diff(test_output: str) -> str:
    """Rewrite `frr-reload.py --test` stdout into the diff form above; "" when nothing changes."""
    sections: dict[str, list[str]] = {"delete": [], "add": []}
    current: list[str] | None = None
    lines = test_output.splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line == "Lines To Delete" and following.startswith("==="):
            current = sections["delete"]
        elif line == "Lines To Add" and following.startswith("==="):
            current = sections["add"]
        elif current is not None and not line.startswith("==="):
            current.append(line)

    root = _Node(None)
    for sign, entries in (("-", _entries(sections["delete"])), ("+", _entries(sections["add"]))):
        for entry in entries:
            *context, command = entry
            if not context and command.startswith(_NOT_CHANGES):
                continue
            node = root
            for line in context:
                node = node.context(line)
            node.change(sign, _as_running_line(command) if sign == "-" else command)
    body = root.render(0)
    if not body:
        return ""
    return "\n".join([f"--- {FRR_PATH}", f"+++ {FRR_PATH} (candidate)", *body]) + "\n"


class _Node:
    """One line of the configuration tree; sign None for an unchanged context line."""

    def __init__(self, sign: str | None) -> None:
        self.sign = sign
        self.children: dict[tuple[str, str | None], _Node] = {}

    def context(self, line: str) -> _Node:
        for (text, _sign), child in self.children.items():
            if text == line:
                return child
        return self.children.setdefault((line, None), _Node(None))

    def change(self, sign: str, line: str) -> None:
        existing = self.children.get((line, None))
        if existing is not None:
            existing.sign = sign
        else:
            self.children.setdefault((line, sign), _Node(sign))

    def render(self, depth: int) -> list[str]:
        out: list[str] = []
        for (text, _sign), child in self.children.items():
            out.append(f"{child.sign or ' '}{' ' * depth}{text}")
            out += child.render(depth + 1)
        return out
