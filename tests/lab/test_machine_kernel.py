"""The machines' kernel on this host: Debian's user-mode Linux, started as runner.sh starts it (with
uml-xstate.c preloaded), boots a guest whose programs work. On hosts with AVX-512, PKRU or AMX, UML 6.1
started alone kills its init at the first process switch ("ptrace set fp regs failed, errno = 14"), and
with its FPU registers cut to x87/SSE the guest's programs misbehave (python3 exited without output)."""

import shutil
import subprocess
from pathlib import Path

import pytest

import fundament.machines

pytestmark = pytest.mark.lab

SOURCE = Path(fundament.machines.__file__).parent / "uml-xstate.c"


def test_the_uml_kernel_boots_a_guest_whose_programs_work(tmp_path: Path) -> None:
    kernel, compiler = shutil.which("linux.uml"), shutil.which("gcc")
    assert kernel and compiler, "user-mode-linux and gcc are installed by ci/bootstrap-lab.sh"
    preload = tmp_path / "uml-xstate.so"
    subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", preload, SOURCE, "-ldl"], check=True)
    init = tmp_path / "init"
    # Processes switching, each using what glibc picks for this CPU (string functions, Python).
    init.write_text(
        "#!/bin/sh\n"
        'echo "found $(find /usr/lib/uml/modules -name ipv6.ko | wc -l)"\n'
        "python3 -c 'print(\"sum\", sum(range(10**6)))'\n"
    )
    init.chmod(0o755)
    boot = [kernel, "mem=96M", "root=/dev/root", "rootfstype=hostfs", "rootflags=/", "rw", f"init={init}"]
    result = subprocess.run(
        [*boot, "con=null", "con0=null,fd:1"],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=300,
        # UML maps its memory from a file in TMPDIR, which must allow exec.
        env={
            "TMPDIR": "/dev/shm",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "LD_PRELOAD": str(preload),
        },
        check=False,
    )
    output = result.stdout + result.stderr
    assert "set fp regs failed" not in output
    assert "found 1" in output, output[-3000:]
    assert "sum 499999500000" in output, output[-3000:]
