"""The playbook, run through ansible-runner against a container or a machine over SSH, its events streamed to
a progress step."""

import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ansible_runner
from pydantic import BaseModel

from fundament.console import Step

ANSIBLE_DIR = Path(__file__).resolve().parent / "ansible"
PLAYBOOK = "playbooks/poc.yml"


def content_digest(*extra: str, skip: tuple[str, ...] = ()) -> str:
    """A digest of the Ansible content (paths and bytes; folders named in `skip` left out) and `extra`."""
    digest = hashlib.sha256()
    for part in extra:
        digest.update(part.encode())
    for path in sorted(ANSIBLE_DIR.rglob("*")):
        relative = path.relative_to(ANSIBLE_DIR)
        if path.is_file() and not set(relative.parts[:-1]) & set(skip):
            digest.update(str(relative).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class PlaybookRun(BaseModel):
    """What one run of the playbook did (its artifacts stay in `artifacts`)."""

    status: str
    rc: int
    ok: int
    changed: int
    failed: int
    seconds: float
    changed_tasks: list[str] = []
    failures: list[str] = []
    artifacts: str

    @property
    def succeeded(self) -> bool:
        return self.status == "successful" and self.rc == 0 and self.failed == 0


@dataclass(frozen=True)
class SshTarget:
    """A machine provisioned the way real ones are: over SSH with a key, as a user with sudo. `config` is
    an ssh_config file for that login (testinfra reads it); `control` the socket, unique to this machine,
    through which its logins share one connection."""

    host: str
    user: str
    key: Path
    config: Path
    control: Path
    port: int = 22

    @property
    def uri(self) -> str:
        """The testinfra host spec of the same login."""
        return f"ssh://{self.user}@{self.host}:{self.port}?ssh_config={self.config}"

    def write_config(self) -> None:
        # A machine booted from the image makes new host keys each time: trust them on first contact only.
        # testinfra runs every command of an audit through a login of its own, and a login into a guest
        # under user-mode Linux (key exchange, a logind session) is slow, the slower the busier the host:
        # sharing one connection makes each command a channel of it. The first login (the boot's) opens
        # it and it lasts as long as the machine (closed before the machine is removed; keepalives end
        # it should the machine vanish). Ansible keeps its own (its ControlPath on the command line wins).
        self.config.write_text(
            f"Host {self.host}\n  IdentityFile {self.key}\n  IdentitiesOnly yes\n  BatchMode yes\n"
            "  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n"
            f"  ControlMaster auto\n  ControlPath {self.control}\n  ControlPersist yes\n"
            "  ServerAliveInterval 15\n",
            encoding="utf-8",
        )


def inventory(target: str | SshTarget) -> dict[str, Any]:
    """An inventory of one host: a container (a name, reached with `docker exec`) or a machine over SSH."""
    variables: dict[str, Any]
    if isinstance(target, str):
        host, variables = target, {"ansible_connection": "community.docker.docker"}
    else:
        host = target.host
        variables = {
            "ansible_connection": "ssh",
            "ansible_host": target.host,
            "ansible_port": target.port,
            "ansible_user": target.user,
            "ansible_ssh_common_args": f"-F {target.config}",
            "ansible_become": True,
        }
    return {"all": {"hosts": {host: {**variables, "ansible_python_interpreter": "/usr/bin/python3"}}}}


class _Events:
    """ansible-runner event handler: progress per task, and the tasks that changed or failed."""

    def __init__(self, step: Step) -> None:
        self.step = step
        self.changed_tasks: list[str] = []
        self.failures: list[str] = []

    def __call__(self, event: dict[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data", {})
        task = str(data.get("task", ""))
        if kind in ("playbook_on_task_start", "playbook_on_handler_task_start"):
            self.step.advance(task)
        elif kind == "runner_on_ok" and data.get("res", {}).get("changed"):
            self.changed_tasks.append(task)
        elif kind in ("runner_on_failed", "runner_on_unreachable") and not data.get("ignore_errors"):
            result = data.get("res", {})
            message = result.get("msg") or result.get("stderr") or "failed"
            self.failures.append(f"{task}: {' '.join(str(message).split())[:300]}")
        return True  # keep every event in the artifacts


def run_playbook(
    target: str | SshTarget,
    variables: dict[str, Any],
    private_dir: Path,
    ident: str,
    step: Step,
    tags: str | None = None,
) -> PlaybookRun:
    """Run the PoC playbook once against `target` (only the tasks tagged `tags` when given); artifacts go
    to private_dir/artifacts/<ident>."""
    private_dir.mkdir(parents=True, exist_ok=True)
    events = _Events(step)
    started = time.monotonic()
    result = ansible_runner.run(
        private_data_dir=str(private_dir),
        project_dir=str(ANSIBLE_DIR),
        playbook=PLAYBOOK,
        inventory=inventory(target),
        extravars=variables,
        ident=ident,
        tags=tags,
        event_handler=events,
        quiet=True,
        envvars={
            "ANSIBLE_CONFIG": str(ANSIBLE_DIR / "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            # The venv's ansible-playbook, even when the venv is not activated.
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        },
    )
    stats = result.stats or {}
    return PlaybookRun(
        status=str(result.status),
        rc=int(result.rc),
        ok=sum(stats.get("ok", {}).values()),
        changed=sum(stats.get("changed", {}).values()),
        failed=sum(stats.get("failures", {}).values()) + sum(stats.get("dark", {}).values()),
        seconds=round(time.monotonic() - started, 1),
        changed_tasks=events.changed_tasks,
        failures=events.failures,
        artifacts=str(private_dir / "artifacts" / ident),
    )
