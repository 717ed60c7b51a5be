"""The playbook, run through ansible-runner against a container, its events streamed to a progress step."""

import os
import sys
import time
from pathlib import Path
from typing import Any

import ansible_runner
from pydantic import BaseModel

from fundament.console import Step

ANSIBLE_DIR = Path(__file__).resolve().parent / "ansible"
PLAYBOOK = "playbooks/poc.yml"


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


def container_inventory(container: str) -> dict[str, Any]:
    """An inventory of one host: the container, reached with `docker exec`."""
    return {
        "all": {
            "hosts": {
                container: {
                    "ansible_connection": "community.docker.docker",
                    "ansible_python_interpreter": "/usr/bin/python3",
                }
            }
        }
    }


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
    container: str, variables: dict[str, Any], private_dir: Path, ident: str, step: Step
) -> PlaybookRun:
    """Run the PoC playbook once against `container`; artifacts go to private_dir/artifacts/<ident>."""
    private_dir.mkdir(parents=True, exist_ok=True)
    events = _Events(step)
    started = time.monotonic()
    result = ansible_runner.run(
        private_data_dir=str(private_dir),
        project_dir=str(ANSIBLE_DIR),
        playbook=PLAYBOOK,
        inventory=container_inventory(container),
        extravars=variables,
        ident=ident,
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
