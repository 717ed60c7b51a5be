"""NAPALM driver for Linux + FRR switches: FRR 8.4 with frr-reload.py, ifupdown2, lldpd, over SSH.

The configuration is a few whole files (the interfaces file, FRR's config and others), handled as one text
(see napalm_frr.candidate). Commit, confirm
and rollback run on the device in a helper script (napalm_frr/helper.sh) so that they finish, or
revert, even when the SSH session is lost.
"""

from __future__ import annotations

import hashlib
import secrets
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

from napalm.base import NetworkDriver, models
from napalm.base import constants as c
from napalm.base.exceptions import (
    CommandErrorException,
    CommitConfirmException,
    CommitError,
    ConnectionException,
    MergeConfigException,
    NapalmException,
    ReplaceConfigException,
)

from . import candidate as cfg
from . import diff, parsers
from .transport import Password, Result, SSHSettings, SSHTransport, Transport

STATE_DIR = "/var/lib/napalm-frr"
HELPER = f"{STATE_DIR}/helper"
FRR_RELOAD = "python3 /usr/lib/frr/frr-reload.py"

# Read-only commands behind the getters; recorded test data is keyed by these strings.
HOSTNAME = "cat /proc/sys/kernel/hostname"
DOMAINNAME = "cat /proc/sys/kernel/domainname"
UPTIME = "cat /proc/uptime"
OS_RELEASE = "cat /etc/os-release"
MACHINE = "uname -m"
SHOW_VERSION = "vtysh -c 'show version'"
LINKS = "ip -j -d link show"
SPEEDS = "grep -s -H . /sys/class/net/*/speed"
ADDRESSES = "ip -j addr show"
BGP_SUMMARY = "vtysh -c 'show bgp vrf all summary json'"
BGP_NEIGHBORS = "vtysh -c 'show bgp vrf all neighbors json'"
LLDP = "lldpcli -f json0 show neighbors details"
VLANS = "bridge -j vlan show"
BRIDGES = "ip -j link show type bridge"
ROUTES = "vtysh -c 'show ip route vrf all json'"
RUNNING_FRR = "vtysh -c 'show running-config'"
INTERFACES_FILE = f"cat {cfg.INTERFACES_PATH}"
STARTUP_FRR = f"cat {cfg.FRR_PATH}"
MANAGED_LIST = f"{STATE_DIR}/managed.list"
OPTIONAL_ARGS = frozenset({"port", "conn_timeout", "key_file", "known_hosts_file", "sudo", "ssh_config_file"})


class FRRDriver(NetworkDriver):  # type: ignore[misc]  # napalm has no type information
    """NAPALM driver for the frr platform.

    optional_args: ``port`` (22), ``conn_timeout`` (seconds to log in, default 10), ``key_file``,
    ``known_hosts_file`` (pin host keys; without it new keys are accepted, as lab nodes get fresh
    ones on each deploy) and ``sudo`` (True: prefix privileged commands with ``sudo -n``; False
    when logging in as root). ``ssh_config_file`` (nornir passes it to every driver) is
    accepted and not read: give SSH settings as the keys above. Any other key is refused, as the
    strictest NAPALM drivers do, rather than silently ignored.

    Each driver instance is one session on the device with its own candidate: reads and plans of
    other sessions never touch it. A commit with ``revert_in`` holds the device for this session
    until it is confirmed, rolled back or reverted by its timer (see helper.sh).
    """

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        args = optional_args or {}
        unknown = sorted(set(args) - OPTIONAL_ARGS)
        if unknown:
            raise TypeError(
                f"{hostname}: optional_args {', '.join(unknown)} are not supported by the frr driver "
                f"(known: {', '.join(sorted(OPTIONAL_ARGS))})"
            )
        self.hostname = hostname
        self.username = username
        self.timeout = timeout
        self._password = Password(password)
        self._settings = SSHSettings(
            host=hostname,
            port=int(args.get("port", 22)),
            username=username,
            connect_timeout=float(args.get("conn_timeout", 10)),
            key_file=args.get("key_file"),
            known_hosts_file=args.get("known_hosts_file"),
        )
        self._sudo = "sudo -n " if args.get("sudo", True) else ""
        self._transport: Transport | None = None
        self._candidate: cfg.DeviceConfig | None = None
        self._helper_ready = False
        # The device-side name of this session: its candidate directory and its change lock.
        self.session = secrets.token_hex(8)

    # -- connection ---------------------------------------------------------------------------

    def open(self) -> None:
        self._transport = SSHTransport(self._settings, self._password)
        if self._sudo:
            check = self._transport.run("sudo -n true", self.timeout)
            if not check.ok:
                self.close()
                raise ConnectionException(
                    f"{self.username}@{self.hostname}: passwordless sudo is needed: {check.message}"
                )

    def close(self) -> None:
        if self._transport is not None:
            if self._candidate is not None:
                # Best effort: a candidate left behind is removed by the helper after a day anyway.
                self._helper_step("discard", check=False)
                self._candidate = None
            self._transport.close()
        self._transport = None
        self._helper_ready = False

    def is_alive(self) -> models.AliveDict:
        return {"is_alive": self._transport is not None and self._transport.is_active()}

    def _session(self) -> Transport:
        if self._transport is None:
            raise ConnectionException(f"{self.hostname}: not connected; call open() first")
        return self._transport

    def _run(self, command: str, *, root: bool = False, check: bool = True) -> Result:
        result = self._session().run(f"{self._sudo}{command}" if root else command, self.timeout)
        if check and not result.ok:
            raise CommandErrorException(f"{self.hostname}: {command!r} failed: {result.message}")
        return result

    def _out(self, command: str, *, root: bool = False) -> str:
        return self._run(command, root=root).stdout

    def _helper_step(self, step: str, *args: str, check: bool = False) -> Result:
        """A helper step of this session (stage, commit, confirm, rollback, discard)."""
        try:
            return self._helper(step, self.session, *args)
        except NapalmException:
            if check:
                raise
            return Result(step, 1, "", "session lost")

    def _helper(self, *args: str) -> Result:
        """Run one helper step as root; it keeps running if our session goes away meanwhile."""
        if not self._helper_ready:
            script = resources.files("napalm_frr").joinpath("helper.sh").read_text()
            digest = hashlib.sha256(script.encode()).hexdigest()
            installed = self._run(f"sha256sum {HELPER}", root=True, check=False).stdout.split()
            if installed[:1] != [digest]:
                staging = self._out("mktemp -d").strip()
                self._session().put({f"{staging}/helper": script})
                self._run(
                    f"install -D -m 700 {staging}/helper {HELPER} && rm -rf {staging}",
                    root=True,
                )
            self._helper_ready = True
        # setsid -f -w: the helper leads its own session, so a hang-up of ours does not reach it.
        return self._run(f"setsid -f -w {HELPER} {shlex.join(args)}", root=True, check=False)

    # -- candidate, diff, commit --------------------------------------------------------------

    def _running_config(self) -> cfg.DeviceConfig:
        return cfg.DeviceConfig(
            interfaces=self._out(INTERFACES_FILE),
            frr=cfg.strip_running_preamble(self._out(RUNNING_FRR, root=True)),
            others=self._managed_files(),
        )

    def _file(self, path: str) -> str | None:
        """A file's content as root, None when it does not exist."""
        result = self._run(f"cat {shlex.quote(path)}", root=True, check=False)
        return result.stdout if result.ok else None

    def _managed_files(self) -> tuple[tuple[str, str], ...]:
        """The further files the last applied configuration wrote, as they are now."""
        found = []
        for line in (self._file(MANAGED_LIST) or "").splitlines():
            path = line.partition("\t")[2]
            content = self._file(path) if path else None
            if content is not None:
                found.append((path, content))
        return tuple(found)

    def _load(self, filename: str | None, config: str | None, error: type[NapalmException]) -> None:
        if filename is not None:
            text = Path(filename).read_text()
        elif config is not None:
            text = config
        else:
            raise error("give a filename or a config text")
        try:
            given = cfg.parse(text)
        except cfg.CandidateFormatError as exc:
            raise error(f"{self.hostname}: {exc}") from exc
        if error is ReplaceConfigException:
            if given.interfaces is None or given.frr is None:
                raise error(
                    f"{self.hostname}: a replace candidate needs both parts, "
                    f"{cfg.INTERFACES_PATH} and {cfg.FRR_PATH}"
                )
            full = given
        else:
            full = cfg.merge(self._running_config(), given)
        staging = self._out('dir=$(mktemp -d) && mkdir "$dir/files" && echo "$dir"').strip()
        files = {f"{staging}/interfaces": full.interfaces or "", f"{staging}/frr.conf": full.frr or ""}
        listing = ""
        for number, (path, content) in enumerate(full.others, start=1):
            files[f"{staging}/files/{number}"] = content
            listing += f"{number}\t{path}\n"
        files[f"{staging}/files.list"] = listing
        try:
            self._session().put(files)
        except ConnectionException:
            self._run(f"rm -rf {shlex.quote(staging)}", check=False)
            raise
        # The helper removes the staging directory itself, whatever the outcome.
        staged = self._helper_step("stage", staging, check=True)
        if not staged.ok:
            self._candidate = None
            raise error(f"{self.hostname}: {staged.message}")
        self._candidate = full

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Load both files (the marker-line format of napalm_frr.candidate); validates, changes nothing."""
        self._load(filename, config, ReplaceConfigException)

    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Merge onto the running config: FRR lines add to it, iface stanzas replace theirs."""
        self._load(filename, config, MergeConfigException)

    def compare_config(self) -> str:
        if self._candidate is None:
            return ""
        candidate = self._candidate
        interfaces = diff.file_diff(
            cfg.INTERFACES_PATH, self._out(INTERFACES_FILE), candidate.interfaces or ""
        )
        test = self._run(f"{FRR_RELOAD} --test {STATE_DIR}/candidates/{self.session}/frr.conf", root=True)
        others = [diff.file_diff(path, self._file(path) or "", content) for path, content in candidate.others]
        return interfaces + diff.frr_reload_diff(test.stdout) + "".join(others)

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """Apply the candidate; with revert_in the device restores the rollback point by itself
        after that many seconds unless confirm_commit() comes first, and no other session may
        commit, confirm or roll back meanwhile. A `message` is refused as NAPALM's eos driver
        refuses it: the platform keeps no commit history, and accepting what production refuses
        would hide that mistake from the lab."""
        if message:
            raise NotImplementedError(f"{self.hostname}: commit messages are not supported on this platform")
        if self._candidate is None:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        if revert_in is not None and revert_in < 1:
            raise CommitError(f"{self.hostname}: revert_in must be at least 1 second, not {revert_in}")
        try:
            timer = [str(revert_in)] if revert_in is not None else []
            result = self._helper_step("commit", *timer, check=True)
        except ConnectionException as exc:
            raise CommitError(
                f"{self.hostname}: session lost during commit; the device either finishes it on its own "
                f"(restoring the rollback point if applying fails) or never started it: {exc}"
            ) from exc
        if not result.ok:
            raise CommitError(f"{self.hostname}: {result.message}")
        self._candidate = None

    def confirm_commit(self) -> None:
        result = self._helper_step("confirm", check=True)
        if not result.ok:
            raise CommitConfirmException(f"{self.hostname}: {result.message}")

    def has_pending_commit(self) -> bool:
        # Through the helper, which also reverts a commit whose timer did not survive a restart.
        return self._helper("pending").ok

    def discard_config(self) -> None:
        self._helper_step("discard", check=True)
        self._candidate = None

    def rollback(self) -> None:
        """Restore the configuration saved by the last commit, then end a pending revert timer;
        refused while another session's commit waits for confirmation."""
        result = self._helper_step("rollback", check=True)
        if not result.ok:
            raise CommitError(f"{self.hostname}: {result.message}")

    # -- getters ------------------------------------------------------------------------------

    def get_facts(self) -> models.FactsDict:
        return parsers.facts(
            hostname=self._out(HOSTNAME),
            domainname=self._out(DOMAINNAME),
            proc_uptime=self._out(UPTIME),
            os_release=self._out(OS_RELEASE),
            machine=self._out(MACHINE),
            show_version=self._out(SHOW_VERSION, root=True),
            links_json=self._out(LINKS),
        )

    def get_interfaces(self) -> dict[str, models.InterfaceDict]:
        return parsers.interfaces(self._out(LINKS), self._run(SPEEDS, check=False).stdout)

    def get_interfaces_ip(self) -> dict[str, models.InterfacesIPDict]:
        return parsers.interfaces_ip(self._out(ADDRESSES))

    def get_bgp_neighbors(self) -> dict[str, models.BGPStateNeighborsPerVRFDict]:
        return parsers.bgp_neighbors(self._out(BGP_SUMMARY, root=True), self._out(BGP_NEIGHBORS, root=True))

    def get_lldp_neighbors(self) -> dict[str, list[models.LLDPNeighborDict]]:
        return parsers.lldp_neighbors(self._out(LLDP, root=True))

    def get_lldp_neighbors_detail(self, interface: str = "") -> models.LLDPNeighborsDetailDict:
        found = parsers.lldp_neighbors_detail(self._out(LLDP, root=True))
        return {name: found[name] for name in found if not interface or name == interface}

    def get_vlans(self) -> dict[int, models.VlanDict]:
        # Root: bridge(8) lives in /sbin, which is on the login user's path only through sudo.
        return parsers.vlans(self._out(VLANS, root=True), self._out(BRIDGES))

    def get_route_to(
        self, destination: str = "", protocol: str = "", longer: bool = False
    ) -> dict[str, list[models.RouteDict]]:
        """Routes of every VRF (`routing_table`); `destination` "" means all, as a prefix it selects that
        prefix, or with `longer` every prefix inside it."""
        return parsers.routes(self._out(ROUTES, root=True), destination, protocol, longer)

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, str]:
        """vtysh commands (FRR's CLI), each run on its own; the answer is its text output."""
        if encoding != "text":
            raise NotImplementedError(f"encoding {encoding!r}: vtysh answers in text (ask it for json)")
        return {command: self._out(f"vtysh -c {shlex.quote(command)}", root=True) for command in commands}

    def get_config(
        self,
        retrieve: str = "all",
        full: bool = False,
        sanitized: bool = False,
        format: str = "text",
    ) -> models.ConfigDict:
        """running = the interfaces file, FRR's running config and the other managed files;
        startup = the same with FRR's config file on disk; candidate = the loaded candidate (after
        merging, for a merge). All in the marker format of napalm_frr.candidate."""
        if format != "text":
            raise NotImplementedError(f"format {format!r}: the frr platform has text configuration only")
        result: models.ConfigDict = {"running": "", "startup": "", "candidate": ""}
        if retrieve in ("all", "running"):
            result["running"] = self._running_config().render()
        if retrieve in ("all", "startup"):
            startup = cfg.DeviceConfig(
                self._out(INTERFACES_FILE), self._out(STARTUP_FRR, root=True), self._managed_files()
            )
            result["startup"] = startup.render()
        if retrieve in ("all", "candidate") and self._candidate is not None:
            result["candidate"] = self._candidate.render()
        if sanitized:
            for store in ("running", "startup", "candidate"):
                result[store] = parsers.sanitized(result[store])
        return result

    def ping(
        self,
        destination: str,
        source: str = c.PING_SOURCE,
        ttl: int = c.PING_TTL,
        timeout: int = c.PING_TIMEOUT,
        size: int = c.PING_SIZE,
        count: int = c.PING_COUNT,
        vrf: str = c.PING_VRF,
        source_interface: str = c.PING_SOURCE_INTERFACE,
    ) -> models.PingResultDict:
        command = ["ping", "-c", str(count), "-W", str(timeout), "-s", str(size), "-t", str(ttl)]
        if source or source_interface:
            command += ["-I", source or source_interface]
        command.append(destination)
        if vrf:
            command = ["ip", "vrf", "exec", vrf, *command]
        # Root: `ip vrf exec` needs it, and raw ICMP sockets may be root-only in a container.
        result = self._run(f"{shlex.join(command)} 2>&1", root=True, check=False)
        return parsers.ping(result.stdout)
