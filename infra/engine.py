"""`fundament infra preview | up | refresh | destroy | outputs`: the real Pulumi engine (Automation API).

The program runs inline (in this process): the engine needs the `pulumi` CLI, not the Python language host,
which no reachable registry serves. ci/bootstrap-infra.sh builds the CLI and puts it, with the launchers of
the simulator's dynamic providers and of the policy pack, beside the project's interpreter.

- State: `PULUMI_BACKEND_URL` when set; otherwise a file backend in fundament's state directory
  (`fundament.paths.state_dir()`): `infra/state/` for a vCenter's stacks, and for the simulator's the
  simulator's own state directory, as that state describes objects that go when the simulator goes.
- Secrets: the passphrase comes from `PULUMI_CONFIG_PASSPHRASE` (environment or vault file); only the `lab`
  stack, whose target is the simulator, has a default (`LAB_PASSPHRASE`).
- Workspace: `work/` beside the default state (`infra/work/<backend>/` for a given URL), where the engine
  may write the stack file's encryption salt; the committed `infra/Pulumi.<stack>.yaml` is copied in on
  every run and never written to.
- Policies: the policy pack (infra/policy) runs inside the engine on preview and up: the engine starts an
  executable given as a policy pack directly, so the launcher `fundament-policy-pack` needs no language
  host. `up` also judges the same rules on the declared resources before the engine starts: the Automation
  API's up skips the engine's preview, and the engine judges stack policies (tags, port groups) only after
  the resources exist. A violation stops preview and up with nothing sent to vCenter.
"""

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from fundament.errors import FundamentError
from fundament.paths import state_dir
from fundament.secrets import SecretNotFoundError, resolve
from infra import consistency, sim
from infra.program import PROJECT, export
from infra.settings import StackSettings
from infra.sim import tools_dir
from infra.stacks import PROJECT_DIR, stack_config
from inventory import Design, Problem

LAB_STACK = "lab"
LAB_PASSPHRASE = "fundament-lab"
POLICY_PACK = "fundament-policy-pack"
"""the policy pack's launcher, beside the interpreter (ci/bootstrap-infra.sh): `python -m infra.policy`"""
INSTALL_HINT = (
    "the Pulumi CLI is not installed: run ci/bootstrap-infra.sh (it builds the CLI from the Go module proxy "
    "and puts it in .venv/bin). `fundament infra plan` works without it."
)


class EngineError(FundamentError, RuntimeError):
    """The engine could not run or failed: its message says why."""


class EngineUnavailableError(EngineError):
    """No `pulumi` CLI installed."""


class PolicyViolationError(EngineError):
    """The declared datacenter breaks a policy: nothing was sent to the engine."""


@dataclass(frozen=True)
class Step:
    """One resource the engine touched (or would touch): what, and which properties differ."""

    op: str
    type: str
    name: str
    diffs: dict[str, list[Any]] = field(default_factory=dict)
    """property -> [old, new] (top-level properties the provider reported as different)"""

    def line(self) -> str:
        kind = self.type.rsplit(":", 1)[-1]
        changed = "; ".join(
            f"{key}: {_short(old)} -> {_short(new)}" for key, (old, new) in self.diffs.items()
        )
        return f"{SYMBOLS.get(self.op, self.op)} {kind} {self.name}" + (f" ({changed})" if changed else "")


SYMBOLS = {
    "create": "+",
    "update": "~",
    "delete": "-",
    "replace": "+-",
    "create-replacement": "+-",
    "delete-replaced": "+-",
    "refresh": "~",
    "same": "=",
}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class EngineResult:
    action: str
    stack: str
    changes: dict[str, int] = field(default_factory=dict)
    """operation (create, update, same, delete, ...) -> resource count"""
    outputs: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    """every resource that changes (or would), in the engine's order"""

    @property
    def pending(self) -> bool:
        return any(count for op, count in self.changes.items() if op != "same")

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "stack": self.stack,
            "changes": self.changes,
            "outputs": self.outputs,
            "steps": [vars(step) for step in self.steps],
        }


@contextmanager
def _engine_errors(stack: str, violations: list[str] | None = None, stopped: str = "") -> Iterator[None]:
    """CommandError -> EngineError; PolicyViolationError when the policy pack reported `violations`."""
    try:
        yield
    except auto.CommandError as error:
        if violations:
            raise PolicyViolationError(
                f"stack {stack} breaks {len(violations)} policy rule(s) (the policy pack in the engine), "
                f"{stopped}: " + "; ".join(violations)
            ) from None
        raise EngineError(f"pulumi failed on stack {stack}: {_reason(error)}") from None


def _reason(error: auto.CommandError) -> str:
    """The engine's error lines and any provider exception, not the whole transcript."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    wanted = [
        line
        for line in lines
        if (line.startswith("error:") and "Traceback" not in line and "monitor has terminated" not in line)
        or re.match(r"^[A-Za-z.]*(Error|Exception|Fault): ", line)
    ]
    return " / ".join(dict.fromkeys(wanted)) or " / ".join(lines[-3:])


def passphrase(stack: str) -> str:
    try:
        return resolve("PULUMI_CONFIG_PASSPHRASE").get_secret_value()
    except SecretNotFoundError:
        if stack == LAB_STACK:
            return LAB_PASSPHRASE
        raise EngineError(
            f"PULUMI_CONFIG_PASSPHRASE is not set: stack {stack} encrypts its secrets with it "
            "(set it in the environment or the vault file; only the lab stack has a default)"
        ) from None


@dataclass(frozen=True)
class Locations:
    backend_url: str
    work_dir: Path
    """the workspace: the stack file as the engine sees it (config copied in, encryption salt kept)"""


def locations(settings: StackSettings) -> Locations:
    """Where a stack's state and workspace live (module docstring)."""
    given = os.environ.get("PULUMI_BACKEND_URL")
    if given:
        key = hashlib.sha256(given.encode()).hexdigest()[:12]
        return Locations(given, state_dir() / "infra" / "work" / key)
    home = sim.state_dir() / sim.ENGINE_DIR if settings.backend == "vcsim" else state_dir() / "infra"
    return Locations(f"file://{home / 'state'}", home / "work")


def _work_dir(stack: str, work: Path) -> Path:
    """The committed stack file's config copied in, the salt kept."""
    work.mkdir(parents=True, exist_ok=True)
    committed = stack_config(stack)
    source = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")) or {}
    target = work / f"Pulumi.{stack}.yaml"
    current = (yaml.safe_load(target.read_text(encoding="utf-8")) or {}) if target.is_file() else {}
    # A salt in the committed file goes with its `secure:` values; otherwise the one the engine wrote here.
    merged = {**current, **{k: v for k, v in source.items() if k != "config"}, "config": committed}
    target.write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
    return work


def _environment(stack: str, settings: StackSettings, url: str) -> dict[str, str]:
    tools = str(tools_dir())
    env = {
        "PULUMI_BACKEND_URL": url,
        "PULUMI_CONFIG_PASSPHRASE": passphrase(stack),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        # The CLI and the dynamic-provider launcher live beside the interpreter (ci/bootstrap-infra.sh).
        "PATH": os.pathsep.join([tools, os.environ.get("PATH", "")]),
    }
    if settings.backend == "vcsim":
        from infra.simulated import URL_VARIABLE

        # Checked before the engine starts: without a simulator nothing can be read or created.
        env[URL_VARIABLE] = sim.endpoint().url
    return env


def _require_cli() -> None:
    if not (tools_dir() / "pulumi").is_file():
        raise EngineUnavailableError(INSTALL_HINT)
    if not (tools_dir() / POLICY_PACK).is_file():
        raise EngineUnavailableError(
            f"{POLICY_PACK} (the policy pack's launcher) is not in {tools_dir()}: run ci/bootstrap-infra.sh"
        )


def _policy_packs() -> list[str]:
    return [str(tools_dir() / POLICY_PACK)]


def stack_settings(stack: str) -> StackSettings:
    """The `fundament:*` keys of the stack file (which must exist and hold no plain-text credentials)."""
    config = stack_config(stack)
    return StackSettings.model_validate(
        {key.split(":", 1)[1]: value for key, value in config.items() if key.startswith("fundament:")}
    )


def live_network_problems(design: Design) -> list[Problem]:
    """The datacenter <-> network check against what the simulator reports (port group VLANs, VM NICs)."""
    from infra.vcenter import Session, network_facts

    session = Session(sim.endpoint())
    try:
        groups, vms = network_facts(session)
    finally:
        session.close()
    return consistency.check_live(design, groups, vms)


def _stack(stack: str, design: Design | None) -> auto.Stack:
    _require_cli()
    settings = stack_settings(stack)
    where = locations(settings)
    url = where.backend_url
    env = _environment(stack, settings, url)
    # The inline program runs in this process: it reads the simulator's address from here too.
    os.environ.update(env)
    command = auto.PulumiCommand()
    if url.startswith("file://"):
        Path(url.removeprefix("file://")).mkdir(parents=True, exist_ok=True)

    def program() -> None:
        if design is None:
            raise EngineError("this command does not run the program")
        export(design)

    with _engine_errors(stack):
        return auto.create_or_select_stack(
            stack_name=stack,
            project_name=PROJECT,
            program=program,
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(_work_dir(stack, where.work_dir)),
                pulumi_command=command,
                env_vars=env,
                project_settings=auto.ProjectSettings(
                    name=PROJECT, runtime="python", backend=auto.ProjectBackend(url)
                ),
            ),
        )


Progress = Callable[[Step], None]


def _collector(
    steps: list[Step],
    on_step: Progress,
    finished: bool,
    new_values: str = "inputs",
    violations: list[str] | None = None,
) -> Callable[[auto.EngineEvent], None]:
    """Engine events -> Steps, one per resource created, changed or deleted. A preview finishes nothing:
    there each resource's pre-event says what would happen; otherwise the event after the step. Diffs
    compare the state's outputs (what vCenter had at the last refresh) with the program's inputs, or, for
    a refresh, with what vCenter reports now (`new_values="outputs"`). The policy pack's reports go to
    `violations`."""

    def on_event(event: auto.EngineEvent) -> None:
        found = event.policy_event
        if found is not None and violations is not None:
            where = found.resource_urn.rsplit("::", 1)[-1] if found.resource_urn else "stack"
            # The message is the policy's description, then what the pack reported on its last line.
            violations.append(f"{found.policy_name}: {where}: {found.message.strip().splitlines()[-1]}")
            return
        reported = event.res_outputs_event if finished else event.resource_pre_event
        if reported is None:
            return
        meta = reported.metadata
        op = str(getattr(meta.op, "value", meta.op))
        if meta.type == "pulumi:pulumi:Stack" or op in ("same", "read", "refresh"):
            return
        old = (meta.old.outputs or {}) if meta.old else {}
        new = (getattr(meta.new, new_values, None) or {}) if meta.new else {}
        keys = meta.diffs or (
            sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)) if old and new else []
        )
        step = Step(
            op,
            meta.type,
            meta.urn.rsplit("::", 1)[-1],
            {
                key: [old.get(key), new.get(key)]
                for key in keys
                if not key.startswith("__") and not _same(key, old.get(key), new.get(key))
            },
        )
        steps.append(step)
        on_step(step)

    return on_event


def _same(key: str, old: Any, new: Any) -> bool:
    """Equal values, and tag lists holding the same tags: vSphere lists attachments in its own order."""
    if key == "tags" and isinstance(old, list) and isinstance(new, list):
        return sorted(map(str, old)) == sorted(map(str, new))
    return bool(old == new)


def _changes(summary: Any) -> dict[str, int]:
    """operation -> count; the SDK keys them by an OpType enum on preview and by plain str on update."""
    return {str(getattr(op, "value", op)): count for op, count in (summary or {}).items()}


def _outputs(values: auto.OutputMap) -> dict[str, Any]:
    return {key: "[secret]" if value.secret else value.value for key, value in values.items()}


def _gate(design: Design, stack: str) -> None:
    """The policies, judged on what the program declares, before anything reaches the engine."""
    from infra.plan import plan

    violations = plan(design, stack).violations
    if violations:
        raise PolicyViolationError(
            f"stack {stack} breaks {len(violations)} policy rule(s), nothing was "
            "changed: " + "; ".join(f"{v.policy}: {v.resource}: {v.message}" for v in violations)
        )


def preview(stack: str, design: Design, on_step: Progress) -> EngineResult:
    _require_cli()
    steps: list[Step] = []
    violations: list[str] = []
    collect = _collector(steps, on_step, finished=False, violations=violations)
    with _engine_errors(stack, violations, "nothing was changed"):
        result = _stack(stack, design).preview(policy_packs=_policy_packs(), on_event=collect)
    return EngineResult("preview", stack, _changes(result.change_summary), steps=steps)


Operation = Callable[[auto.Stack, Callable[[auto.EngineEvent], None]], Any]


def _finish(
    action: str, stack: str, design: Design | None, on_step: Progress, operation: Operation
) -> tuple[Any, EngineResult]:
    """Run up, refresh or destroy: the engine's result, and what it changed as an EngineResult.
    A refresh compares the state with what vCenter reports now; the others with the program's inputs."""
    steps: list[Step] = []
    violations: list[str] = []
    collect = _collector(steps, on_step, True, "outputs" if action == "refresh" else "inputs", violations)
    with _engine_errors(stack, violations, "the engine stopped at the first violating resource"):
        result = operation(_stack(stack, design), collect)
    return result, EngineResult(action, stack, _changes(result.summary.resource_changes), steps=steps)


def up(stack: str, design: Design, on_step: Progress) -> EngineResult:
    _require_cli()
    _gate(design, stack)
    result, done = _finish(
        "up", stack, design, on_step, lambda s, events: s.up(policy_packs=_policy_packs(), on_event=events)
    )
    return replace(done, outputs=_outputs(result.outputs))


def refresh(stack: str, on_step: Progress) -> EngineResult:
    return _finish("refresh", stack, None, on_step, lambda s, events: s.refresh(on_event=events))[1]


def destroy(stack: str, on_step: Progress) -> EngineResult:
    return _finish("destroy", stack, None, on_step, lambda s, events: s.destroy(on_event=events))[1]


def outputs(stack: str) -> EngineResult:
    with _engine_errors(stack):
        values = _stack(stack, None).outputs()
    return EngineResult("outputs", stack, outputs=_outputs(values))
