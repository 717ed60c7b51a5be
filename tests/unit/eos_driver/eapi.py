"""An Arista EOS device behind pyeapi's own eAPI client, for NAPALM's real `eos` driver.

The driver (napalm.eos.EOSDriver), pyeapi's Node and its EapiConnection (JSON-RPC request building,
response and error decoding, CommandError) all run unchanged; only the HTTP exchange is replaced: the
POST body goes to an `EosDevice` that answers as eAPI does. Response shapes follow NAPALM's own eos
fixtures (test/eos/mocked_data/show_version.json: the keys and the version string) and the eAPI
reference (`runCmds` results, error code 1002 with per-command `errors`); the configuration sessions
(`configure session`, `commit timer`, `abort`, `show configuration sessions detail` with
`pendingCommitTimer`/`commitBy` relative to uptime, as napalm's `_get_pending_commits` reads them for
EOS before 4.32) are kept as state, because a commit-confirm is a conversation, not one response.

Config text is kept as the driver sends it: napalm strips indentation and `!` comments, and sends a
`!!` comment block as a `comment` command (EOS shows it as `!! text`), a banner as one command with
its text as input. That is enough for the migration record and the secrets to round-trip.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pyeapi.eapilib import EapiConnection  # type: ignore[import-untyped]

VERSION = "4.30.0F-31408673.4300F (engineering build)"
"""As in NAPALM's show_version.json fixture (a cEOSLab); the driver refuses anything below 4.23."""


SESSION_COMMAND = re.compile(r"configure session (\S+)(?: (commit|abort)(?: timer (\d+):(\d+):(\d+))?)?")


class InvalidCommandError(Exception):
    """The CLI refused a command (eAPI error 1002)."""


@dataclass
class Session:
    candidate: list[str] = field(default_factory=list)
    state: str = "pending"
    """pending (open, uncommitted), pendingCommitTimer (committed, waiting for confirmation), aborted
    (its timer ended it)."""
    before: list[str] = field(default_factory=list)
    """The running config when a commit with a timer went through: where abort or the timer goes back to."""
    commit_by: float = -1.0


@dataclass
class EosDevice:
    """One switch's configuration state as eAPI exposes it; `requests` keeps every command list sent."""

    hostname: str
    running: list[str] = field(default_factory=list)
    startup: list[str] = field(default_factory=list)
    flash: dict[str, list[str]] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    requests: list[list[str]] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    booted: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def uptime(self) -> float:
        return time.monotonic() - self.booted

    @property
    def running_text(self) -> str:
        return "".join(f"{line}\n" for line in self.running)

    @property
    def pending_timer(self) -> str | None:
        return next((n for n, s in self.sessions.items() if s.state == "pendingCommitTimer"), None)

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """The JSON-RPC response to one `runCmds` request."""
        params = body["params"]
        commands = params["cmds"]
        text = params.get("format", "json") == "text"
        with self.lock:
            self.requests.append([c if isinstance(c, str) else c["cmd"] for c in commands])
            self._expire_timer()
            results: list[dict[str, Any]] = []
            session: Session | None = None
            for index, command in enumerate(commands):
                try:
                    result, session = self._run(command, session)
                except InvalidCommandError as error:
                    return {
                        "jsonrpc": "2.0",
                        "id": body["id"],
                        "error": {
                            "code": 1002,
                            "message": f"CLI command {index + 1} of {len(commands)} "
                            f"'{_cmd(command)}' failed: invalid command",
                            "data": [*results, {"errors": [str(error)]}],
                        },
                    }
                results.append({"output": result} if text and isinstance(result, str) else result or {})
        return {"jsonrpc": "2.0", "id": body["id"], "result": results}

    def _expire_timer(self) -> None:
        name = self.pending_timer
        if name is not None and self.uptime >= self.sessions[name].commit_by:
            # Kept, as EOS keeps finished sessions: the driver that committed it aborts it on close.
            self.running, self.sessions[name].state = self.sessions[name].before, "aborted"

    def _run(self, command: str | dict[str, str], session: Session | None) -> tuple[Any, Session | None]:
        cmd = _cmd(command)
        if session is not None:
            return self._in_session(command, session)
        if cmd == "enable":
            return {}, None
        if cmd == "show version":
            return _show_version(self.uptime), None
        if cmd in ("show configuration sessions", "show configuration sessions detail"):
            return self._show_sessions(detail=cmd.endswith("detail")), None
        if cmd in ("show running-config", "show startup-config"):
            lines = self.running if "running" in cmd else self.startup
            return "".join(f"{line}\n" for line in lines), None
        if cmd == "copy startup-config flash:rollback-0":
            self.flash["rollback-0"] = list(self.startup)
            return "Copy completed successfully.\n", None
        if cmd == "write memory":
            self.startup = list(self.running)
            return "Copy completed successfully.\n", None
        if cmd == "configure replace flash:rollback-0":
            if "rollback-0" not in self.flash:
                raise InvalidCommandError("File flash:/rollback-0 does not exist")
            self.running = list(self.flash["rollback-0"])
            return "", None
        if match := re.fullmatch(r"show session-config named (\S+)( diffs)?", cmd):
            return self._show_session(match[1], bool(match[2])), None
        if match := SESSION_COMMAND.fullmatch(cmd):
            return self._session_command(match)
        raise InvalidCommandError(f"Invalid input (at token 0: '{cmd.split()[0] if cmd else cmd}')")

    def _in_session(self, command: str | dict[str, str], session: Session) -> tuple[Any, Session | None]:
        cmd = _cmd(command)
        if cmd == "end":
            return {}, None
        if cmd == "rollback clean-config":
            session.candidate = []
        elif isinstance(command, dict) and cmd == "comment":
            session.candidate += [f"!! {line}" for line in command["input"].splitlines()]
        elif isinstance(command, dict):
            session.candidate += [cmd, *command["input"].splitlines(), "EOF"]
        else:
            session.candidate.append(cmd)
        return {}, session

    def _session_command(self, match: re.Match[str]) -> tuple[Any, Session | None]:
        name, action = match[1], match[2]
        if action is None:
            if self.sessions.get(name, Session()).state == "pendingCommitTimer":
                raise InvalidCommandError(f"Session {name} has a pending commit timer and cannot be changed")
            if self.sessions.get(name, Session()).state != "pending":
                self.sessions[name] = Session()
            return {}, self.sessions.setdefault(name, Session())
        session = self.sessions.get(name)
        if session is None:
            raise InvalidCommandError(f"Session {name} does not exist")
        if action == "abort":
            if session.state == "pendingCommitTimer":
                self.running = session.before
            del self.sessions[name]
        elif session.state == "aborted":
            raise InvalidCommandError(f"Session {name} was aborted")
        elif match[3] is not None:
            pending = self.pending_timer
            if pending is not None:
                raise InvalidCommandError(f"Cannot commit: session {pending} has a pending commit timer")
            seconds = int(match[3]) * 3600 + int(match[4]) * 60 + int(match[5])
            session.before, self.running = self.running, list(session.candidate)
            session.state, session.commit_by = "pendingCommitTimer", self.uptime + seconds
        else:
            if session.state == "pending":
                self.running = list(session.candidate)
            del self.sessions[name]
        return "", None

    def _show_sessions(self, detail: bool) -> dict[str, Any]:
        sessions: dict[str, Any] = {}
        for name, session in self.sessions.items():
            shown: dict[str, Any] = {"state": session.state, "commitUser": "", "description": ""}
            shown["instances"] = {}
            if detail and session.state == "pendingCommitTimer":
                shown["commitBy"] = session.commit_by
            sessions[name] = shown
        return {"sessions": sessions, "maxSavedSessions": 1, "maxOpenSessions": 5}

    def _show_session(self, name: str, diffs: bool) -> str:
        session = self.sessions.get(name)
        if session is None:
            raise InvalidCommandError(f"Session {name} does not exist")
        if not diffs:
            return "".join(f"{line}\n" for line in session.candidate)
        lines = difflib.unified_diff(
            self.running,
            session.candidate,
            "system:/running-config",
            f"session:/{name}-session-config",
            lineterm="",
        )
        return "".join(f"{line}\n" for line in lines)


def _cmd(command: str | dict[str, str]) -> str:
    return command if isinstance(command, str) else command["cmd"]


def _show_version(uptime: float) -> dict[str, Any]:
    return {
        "mfgName": "Arista",
        "modelName": "cEOSLab",
        "hardwareRevision": "",
        "serialNumber": "FUNDAMENT0000000000000000000000",
        "systemMacAddress": "00:1c:73:00:00:01",
        "hwMacAddress": "00:00:00:00:00:00",
        "configMacAddress": "00:00:00:00:00:00",
        "version": VERSION,
        "architecture": "x86_64",
        "internalVersion": VERSION.split(" ")[0],
        "internalBuildId": "00000000-0000-0000-0000-000000000000",
        "imageFormatVersion": "1.0",
        "imageOptimization": "None",
        "kernelVersion": "5.15.0-56-generic",
        "bootupTimestamp": time.time() - uptime,
        "uptime": uptime,
        "memTotal": 231066228,
        "memFree": 222939448,
        "isIntlVersion": False,
    }


class _Exchange:
    """What pyeapi's EapiConnection.send drives (an http.client connection): the POST body in, the
    device's JSON-RPC answer out."""

    def __init__(self, device: EosDevice) -> None:
        self._device = device
        self._body = b""

    def putrequest(self, method: str, path: str) -> None:
        assert (method, path) == ("POST", "/command-api")

    def putheader(self, name: str, value: str) -> None:
        pass

    def endheaders(self, message_body: bytes) -> None:
        self._body = message_body

    def getresponse(self) -> _Response:
        return _Response(json.dumps(self._device.answer(json.loads(self._body))).encode())

    def close(self) -> None:
        pass


@dataclass
class _Response:
    content: bytes
    status: int = 200
    reason: str = "OK"

    def read(self) -> bytes:
        return self.content


class RecordedEapi(EapiConnection):  # type: ignore[misc]  # pyeapi has no type information
    """The eAPI transport NAPALM's eos driver takes as `optional_args["transport"]` (a subclass of
    pyeapi's EapiConnection); `device` comes through optional_args too. Counts the sessions opened and
    closed."""

    def __init__(
        self,
        host: str,
        device: EosDevice,
        username: str | None = None,
        password: str | None = None,
        timeout: int = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        assert host == device.hostname, f"driver opened {host}, the device is {device.hostname}"
        self.device = device
        self.transport = _Exchange(device)
        self.authentication(username, password)
        self._open = True
        device.opened += 1

    def close(self) -> None:
        """A close by napalm's NetworkDriver.__del__ (when the garbage collector takes a driver that
        still looks alive, as eAPI always does) is not counted: the command left that session open."""
        if self._open and not _collected():
            self._open, self.device.closed = False, self.device.closed + 1


def _collected() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "__del__" and frame.f_code.co_filename.endswith("napalm/base/base.py"):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False
