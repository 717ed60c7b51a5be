"""The Ansible content passes ansible-lint's production profile (so CI runs the linter, not only a config)."""

import subprocess
import sys
from pathlib import Path

from workplace.runner import ANSIBLE_DIR


def test_ansible_lint_production_profile():
    lint = Path(sys.executable).parent / "ansible-lint"
    result = subprocess.run(
        [str(lint), "--profile", "production", "--nocolor", "."],
        cwd=ANSIBLE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
