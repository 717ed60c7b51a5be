"""`fundament infra preview | up | refresh | outputs`: the real Pulumi engine through the Automation API.

The program runs inline (in this process), so the engine needs only the `pulumi` CLI and the vSphere
resource plugin, not the Python language host. The stack's settings come from infra/Pulumi.<stack>.yaml;
the policy pack in infra/policy/ runs on every preview and update.
"""

import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pulumi import automation as auto

from fundament.errors import FundamentError
from infra.program import PROJECT, main
from infra.stacks import POLICY_PACK_DIR, PROJECT_DIR, stack_config

INSTALL_HINT = (
    "the Pulumi CLI is not on PATH. Install it from https://www.pulumi.com/docs/iac/download-install/ "
    "(`curl -fsSL https://get.pulumi.com | sh`, then add ~/.pulumi/bin to PATH) and log in to a state "
    "backend (`pulumi login file://<dir>` keeps state local). `fundament infra plan` works without it."
)


class EngineError(FundamentError, RuntimeError):
    """The engine could not run or failed: its message says why."""


class EngineUnavailableError(EngineError):
    """No `pulumi` CLI on PATH."""


@contextmanager
def _engine_errors() -> Iterator[None]:
    try:
        yield
    except auto.CommandError as error:
        raise EngineError(f"pulumi failed: {error}") from None


@dataclass(frozen=True)
class EngineResult:
    action: str
    stack: str
    changes: dict[str, int] = field(default_factory=dict)
    """operation (create, update, same, delete, ...) -> resource count"""
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return any(count for op, count in self.changes.items() if op != "same")


def _stack(name: str) -> auto.Stack:
    if shutil.which("pulumi") is None:
        raise EngineUnavailableError(INSTALL_HINT)
    stack_config(name)  # the stack file exists and holds no plain-text credentials
    return auto.create_or_select_stack(
        stack_name=name, project_name=PROJECT, program=main, work_dir=str(PROJECT_DIR)
    )


def _changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    """operation -> count; the SDK keys them by an OpType enum on preview and by plain str on update."""
    return {str(getattr(op, "value", op)): count for op, count in (summary or {}).items()}


def _outputs(values: auto.OutputMap) -> dict[str, Any]:
    return {key: "[secret]" if value.secret else value.value for key, value in values.items()}


def preview(stack: str, on_output: Callable[[str], None]) -> EngineResult:
    with _engine_errors():
        result = _stack(stack).preview(on_output=on_output, policy_packs=[str(POLICY_PACK_DIR)])
    return EngineResult("preview", stack, _changes(result.change_summary))


def up(stack: str, on_output: Callable[[str], None]) -> EngineResult:
    with _engine_errors():
        result = _stack(stack).up(on_output=on_output, policy_packs=[str(POLICY_PACK_DIR)])
    return EngineResult("up", stack, _changes(result.summary.resource_changes), _outputs(result.outputs))


def refresh(stack: str, on_output: Callable[[str], None]) -> EngineResult:
    with _engine_errors():
        result = _stack(stack).refresh(on_output=on_output)
    return EngineResult("refresh", stack, _changes(result.summary.resource_changes))


def outputs(stack: str) -> EngineResult:
    with _engine_errors():
        values = _stack(stack).outputs()
    return EngineResult("outputs", stack, outputs=_outputs(values))
