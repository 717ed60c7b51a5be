"""migrate up/down bound --revert-in as net apply does, before reading or touching any device."""

import pytest
from typer.testing import CliRunner

from fundament.app import app


@pytest.mark.parametrize("command", [["migrate", "up"], ["migrate", "down", "--to", "0"], ["net", "apply"]])
def test_a_revert_window_shorter_than_the_check_wait_is_refused(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--revert-in", "60", "--check-wait", "90"])
    assert result.exit_code == 1
    assert "--revert-in (60 s) must exceed --check-wait (90 s)" in result.output
