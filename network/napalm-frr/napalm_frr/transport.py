"""How the driver reaches a device: run a command, write a file. SSH (paramiko) in production."""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass
from typing import Protocol

import paramiko
from napalm.base.exceptions import (
    CommandTimeoutException,
    ConnectAuthError,
    ConnectionClosedException,
    ConnectionException,
    ConnectTimeoutError,
)


@dataclass(frozen=True)
class Result:
    """What one command gave back."""

    command: str
    exit_status: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    @property
    def message(self) -> str:
        """The device's own words about a failure, for exception texts."""
        return (self.stderr.strip() or self.stdout.strip() or f"exit status {self.exit_status}")[-4000:]


class Transport(Protocol):
    """The two things the driver needs from a session with the device."""

    def run(self, command: str, timeout: float) -> Result: ...

    def put(self, files: dict[str, str]) -> None:
        """Write each path's text content (in one file-transfer session)."""
        ...

    def is_active(self) -> bool: ...

    def close(self) -> None: ...


class Password:
    """A password that tracebacks, logs and reprs cannot show; only the SSH login reads it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Password(<hidden>)"


@dataclass(frozen=True)
class SSHSettings:
    """Where and how to log in; the password is only handed to paramiko, never kept elsewhere."""

    host: str
    port: int
    username: str
    connect_timeout: float
    key_file: str | None
    known_hosts_file: str | None


class SSHTransport:
    """One paramiko SSH connection: exec channels for commands, SFTP for files."""

    def __init__(self, settings: SSHSettings, password: Password) -> None:
        self._client = paramiko.SSHClient()
        if settings.known_hosts_file:
            self._client.load_host_keys(settings.known_hosts_file)
            self._client.set_missing_host_key_policy(paramiko.RejectPolicy())
        else:
            # Lab nodes get fresh host keys on every deploy; pinning them needs known_hosts_file.
            self._client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        target = f"{settings.username}@{settings.host}:{settings.port}"
        try:
            self._client.connect(
                settings.host,
                port=settings.port,
                username=settings.username,
                password=password.reveal(),
                key_filename=settings.key_file,
                timeout=settings.connect_timeout,
                banner_timeout=settings.connect_timeout,
                auth_timeout=settings.connect_timeout,
                allow_agent=False,
                look_for_keys=False,
            )
        except paramiko.AuthenticationException as exc:
            raise ConnectAuthError(f"{target}: authentication failed") from exc
        except TimeoutError as exc:
            raise ConnectTimeoutError(f"{target}: no answer within {settings.connect_timeout:g} s") from exc
        except (OSError, paramiko.SSHException) as exc:
            raise ConnectionException(f"{target}: {exc}") from exc
        self._target = target

    def run(self, command: str, timeout: float) -> Result:
        try:
            channel = self._client.get_transport().open_session(timeout=timeout)
            channel.settimeout(timeout)
            channel.exec_command(command)
            stdout, stderr = bytearray(), bytearray()
            deadline = time.monotonic() + timeout
            # Drain both streams as they come so a chatty stderr can never block stdout, until the server's
            # EOF (all output sent) as well as the exit status: the status alone can overtake the last data.
            while not (
                channel.exit_status_ready()
                and (channel.eof_received or channel.closed)
                and not channel.recv_ready()
                and not channel.recv_stderr_ready()
            ):
                if time.monotonic() > deadline:
                    channel.close()
                    raise CommandTimeoutException(
                        f"{self._target}: {command!r} ran longer than {timeout:g} s"
                    )
                busy = False
                if channel.recv_ready():
                    stdout += channel.recv(65536)
                    busy = True
                if channel.recv_stderr_ready():
                    stderr += channel.recv_stderr(65536)
                    busy = True
                if not busy:
                    time.sleep(0.005)
            status = channel.recv_exit_status()
            channel.close()
            if status == -1:
                # paramiko's word for "the channel closed before the command reported its status".
                raise EOFError("no exit status")
        except (OSError, EOFError, paramiko.SSHException, AttributeError) as exc:
            raise ConnectionClosedException(
                f"{self._target}: session lost running {command!r}: {exc}"
            ) from exc
        return Result(command, status, stdout.decode(errors="replace"), stderr.decode(errors="replace"))

    def put(self, files: dict[str, str]) -> None:
        path = ""
        try:
            with self._client.open_sftp() as sftp:
                for path, content in files.items():
                    with sftp.open(path, "w") as remote:
                        remote.write(content.encode())
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise ConnectionClosedException(
                f"{self._target}: cannot write {shlex.quote(path)}: {exc}"
            ) from exc

    def is_active(self) -> bool:
        transport = self._client.get_transport()
        return transport is not None and transport.is_active()

    def close(self) -> None:
        self._client.close()
