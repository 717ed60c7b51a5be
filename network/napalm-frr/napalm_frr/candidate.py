"""The one-text configuration format of the frr platform and the pure operations on it.

A device's configuration is a few whole files: the interfaces file and FRR's config, plus any
other file the configuration manages (say an sshd drop-in or a login banner). A candidate names
each file with a marker line::

    #### fundament-file: /etc/network/interfaces
    auto lo
    iface lo inet loopback
    #### fundament-file: /etc/frr/frr.conf
    frr version 8.4
    hostname leaf1
    #### fundament-file: /etc/issue.net
    Authorised use only.

A replace candidate carries at least the interfaces file and FRR's config; a merge candidate may
carry any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTERFACES_PATH = "/etc/network/interfaces"
FRR_PATH = "/etc/frr/frr.conf"
MARKER = "#### fundament-file: "
_PLAIN_PATH = re.compile(r"/(?:[A-Za-z0-9_][A-Za-z0-9._+-]*/)*[A-Za-z0-9_][A-Za-z0-9._+-]*")


class CandidateFormatError(ValueError):
    """The text is not in the marker-line candidate format."""


@dataclass(frozen=True)
class DeviceConfig:
    """The files of one device's configuration; None marks a main part the text did not carry.

    `others` are further whole files as (path, content), in the order the text gave them.
    """

    interfaces: str | None
    frr: str | None
    others: tuple[tuple[str, str], ...] = ()

    def render(self) -> str:
        """The one-text form: interfaces, FRR, then the other files in their order."""
        parts = []
        for path, body in ((INTERFACES_PATH, self.interfaces), (FRR_PATH, self.frr), *self.others):
            if body is not None:
                parts.append(f"{MARKER}{path}\n{_with_newline(body)}")
        return "".join(parts)


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


def parse(text: str) -> DeviceConfig:
    """Split a candidate text into its files; raises CandidateFormatError on anything else."""
    bodies: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(MARKER):
            path = line[len(MARKER) :].strip()
            if not _PLAIN_PATH.fullmatch(path) or "/../" in f"{path}/" or "/./" in f"{path}/":
                raise CandidateFormatError(f"line {number}: {path!r} is not a plain absolute file path")
            if path in bodies:
                raise CandidateFormatError(f"line {number}: {path} appears twice")
            current = bodies[path] = []
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise CandidateFormatError(f"line {number}: text before the first '{MARKER}<path>' marker line")
    if not bodies:
        raise CandidateFormatError(f"no '{MARKER}<path>' marker line found")
    joined = {path: _with_newline("\n".join(lines)) for path, lines in bodies.items()}
    return DeviceConfig(
        interfaces=joined.pop(INTERFACES_PATH, None),
        frr=joined.pop(FRR_PATH, None),
        others=tuple(joined.items()),
    )


_RUNNING_PREAMBLE = re.compile(r"\A(?:Building configuration\.\.\.\s*|Current configuration:\s*|!\s*)*", re.M)


def strip_running_preamble(show_running: str) -> str:
    """vtysh's `show running-config` starts with banner lines that are not configuration."""
    return _RUNNING_PREAMBLE.sub("", show_running, count=1)


def _interfaces_segments(text: str) -> list[tuple[str | None, list[str]]]:
    """Cut an ifupdown2 file into segments: (iface name, stanza lines) or (None, [other line])."""
    segments: list[tuple[str | None, list[str]]] = []
    for line in text.splitlines():
        words = line.split()
        if segments and segments[-1][0] is not None and line[:1].isspace() and words:
            segments[-1][1].append(line)
        elif words[:1] == ["iface"] and len(words) > 1:
            segments.append((words[1], [line]))
        else:
            segments.append((None, [line]))
    return segments


def _auto_names(segments: list[tuple[str | None, list[str]]]) -> list[str]:
    return [
        name
        for key, lines in segments
        if key is None and lines[0].split()[:1] == ["auto"]
        for name in lines[0].split()[1:]
    ]


def merge_interfaces(running: str, addition: str) -> str:
    """Merge by stanza: an interface the addition names replaces its running stanza whole.

    The running file keeps its order and comments, so the diff shows only what the merge changes;
    new stanzas (and their `auto` lines) go to the end.
    """
    ours = _interfaces_segments(running)
    theirs = _interfaces_segments(addition)
    replacement = {name: lines for name, lines in theirs if name is not None}
    have_auto = set(_auto_names(ours))
    out: list[str] = []
    placed: set[str] = set()
    for name, lines in ours:
        if name is None or name not in replacement:
            out += lines
        elif name not in placed:
            out += replacement[name]
            placed.add(name)
    new_autos = [name for name in _auto_names(theirs) if name not in have_auto]
    for name in dict.fromkeys(new_autos + [name for name in replacement if name not in placed]):
        out.append("")
        if name in new_autos:
            out.append(f"auto {name}")
        if name in replacement and name not in placed:
            out += replacement[name]
    return _with_newline("\n".join(out))


def merge(running: DeviceConfig, addition: DeviceConfig) -> DeviceConfig:
    """The full configuration that results from applying `addition` on top of `running`.

    FRR reads its configuration top to bottom and later lines add to or override earlier ones,
    which is exactly what a merge means; frr-reload.py folds repeated contexts together.
    Other files are whole files: the addition's version replaces the running one.
    """
    interfaces = running.interfaces or ""
    if addition.interfaces is not None:
        interfaces = merge_interfaces(interfaces, addition.interfaces)
    frr = running.frr or ""
    if addition.frr is not None:
        frr = _with_newline(frr) + addition.frr
    others = dict(running.others)
    others.update(addition.others)
    return DeviceConfig(interfaces=interfaces, frr=frr, others=tuple(others.items()))
