"""The machines' kernel on this host: Debian's user-mode Linux, started as runner.sh starts it, boots a
guest to its init. On hosts with AVX-512, PKRU or AMX, UML 6.1 started directly kills its init at the first
process switch ("ptrace set fp regs failed, errno = 14"); fxsave_only.py is what makes it boot there."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import fundament.machines

pytestmark = pytest.mark.lab

LAUNCHER = Path(fundament.machines.__file__).parent / "fxsave_only.py"


def test_the_uml_kernel_boots_a_guest_to_its_init(tmp_path: Path) -> None:
    kernel = shutil.which("linux.uml")
    assert kernel, "user-mode-linux is installed by ci/bootstrap-lab.sh"
    init = tmp_path / "init"
    # A process switch and an FPU restore at least: the shell forks ls and waits for it.
    init.write_text("#!/bin/sh\nls / >/dev/null && echo guest-init-ran\n")
    init.chmod(0o755)
    boot = [kernel, "mem=64M", "root=/dev/root", "rootfstype=hostfs", "rootflags=/", "rw", f"init={init}"]
    result = subprocess.run(
        [sys.executable, str(LAUNCHER), *boot, "con=null", "con0=null,fd:1"],
        capture_output=True,
        text=True,
        timeout=300,
        # UML maps its memory from a file in TMPDIR, which must allow exec.
        env={"TMPDIR": "/dev/shm", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    output = result.stdout + result.stderr
    assert "set fp regs failed" not in output
    assert "guest-init-ran" in output, output[-3000:]
