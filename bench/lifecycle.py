"""plan + apply of the whole sample lab, beside an Ansible playbook (through ansible-runner) pushing the same
rendered configs to the same lab with the same parallelism. Goal: >= 3x faster, <= 30 s wall.

Each contender starts from the lab at day 0 (no migration applied). fundament's apply includes its
commit-confirm post-checks; the playbook pushes and reloads and checks nothing, so the comparison favours it.
Needs the lab up (`fundament lab up`). Prints figures; asserts nothing.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ansible_runner

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.migrations import load_migrations
from network.lab.ready import lab_credentials
from network.lifecycle import stages
from network.lifecycle.outcome import CheckVerdict
from network.migrate.engine import Migrator
from network.platforms import FILE_MARKER
from network.targets import Target, connected

WORKERS = 20
FILE_NAMES = {
    "/etc/network/interfaces": "interfaces",
    "/etc/frr/frr.conf": "frr.conf",
    "/etc/ssh/sshd_config.d/fundament.conf": "sshd.conf",
    "/etc/issue.net": "issue.net",
}


def reset_to_day_zero(migrator: Migrator) -> None:
    devices = [device.name for device in migrator.design.devices]
    configs = {name: migrator.intended(name, ()) for name in devices}

    def unjudged(names: list[str]) -> dict[str, CheckVerdict]:
        return {name: CheckVerdict(device=name, passed=True, summary="reset") for name in names}

    with connected(migrator.design, Target.LAB, devices, WORKERS) as nr:
        outcomes = stages.apply(nr, configs, unjudged, revert_in=300)
    failed = [o for o in outcomes if o.failed]
    if failed:
        sys.exit(f"could not reset the lab to day 0: {failed}")


def timed(*command: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "CI": "true"}, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 2):
        output = result.stdout[-2000:] + result.stderr[-2000:]
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {output}")
    return seconds


def ansible_push(migrator: Migrator, folder: Path) -> float:
    design = migrator.design
    configs = folder / "configs"
    for device in design.devices:
        text = migrator.intended(
            device.name, tuple(m.id for m in migrator.migrations if device.name in m.devices)
        )
        for part in text.split(FILE_MARKER)[1:]:
            path, body = part.split("\n", 1)
            target = configs / device.name / FILE_NAMES[path]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)
    user, _ = lab_credentials()
    hosts = "\n".join(f"{d.name} ansible_host={d.mgmt_ipv4.ip}" for d in design.devices)
    (folder / "inventory").mkdir()
    (folder / "inventory" / "hosts").write_text(
        f"[switches]\n{hosts}\n\n[switches:vars]\nansible_user={user}\n"
        "ansible_password=\"{{ lookup('ansible.builtin.env', 'FUNDAMENT_LAB_PASSWORD') }}\"\n"
        "ansible_python_interpreter=/usr/bin/python3\n"
    )
    _, password = lab_credentials()
    # ansible-runner looks ansible-playbook up on PATH: the one of this venv.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    started = time.perf_counter()
    run = ansible_runner.run(
        private_data_dir=str(folder),
        playbook=str(Path(__file__).parent / "ansible" / "push_configs.yml"),
        extravars={"configs": str(configs)},
        forks=WORKERS,
        envvars={"ANSIBLE_HOST_KEY_CHECKING": "False", "FUNDAMENT_LAB_PASSWORD": password},
        quiet=True,
    )
    seconds = time.perf_counter() - started
    if run.rc != 0:
        sys.exit(f"the playbook failed: {run.status}\n" + "".join(run.stdout.readlines()[-40:]))
    return seconds


def main() -> None:
    design = load_design()
    migrator = Migrator(design=design, migrations=load_migrations(SAMPLE_DESIGN / "migrations", design))
    fundament = str(Path(sys.executable).parent / "fundament")
    reset_to_day_zero(migrator)
    plan = timed(fundament, "net", "plan")
    apply = timed(fundament, "net", "apply", "--workers", str(WORKERS))
    reset_to_day_zero(migrator)
    with tempfile.TemporaryDirectory() as folder:
        playbook = ansible_push(migrator, Path(folder))
    ours = plan + apply
    print(f"devices: {len(design.devices)}, parallelism: {WORKERS}")
    print(f"fundament net plan:                  {plan:6.1f} s")
    print(f"fundament net apply (post-checks in): {apply:6.1f} s")
    print(f"fundament plan + apply:              {ours:6.1f} s")
    print(f"ansible-runner playbook push:        {playbook:6.1f} s (pushes only, checks nothing)")
    print(f"ratio playbook / fundament:          {playbook / ours:6.2f}x")
    subprocess.run([fundament, "net", "apply"], capture_output=True, check=False)


if __name__ == "__main__":
    main()
