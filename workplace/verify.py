"""Run the validation suite (pytest + testinfra, in process) against a target and sum it up per control.

Targets are testinfra host specs: docker://CONTAINER for an image being built or started locally,
ssh://[user@]host for a real PoC machine (with `sudo` when the SSH user is not root).
"""

import contextlib
import io
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import pytest
import testinfra
from pydantic import BaseModel

from fundament.errors import FundamentError
from inventory.model.workplace import Control
from workplace.controls import SPEC

VALIDATION_DIR = Path(__file__).resolve().parent / "validation"
TARGET_SCHEMES = ("docker", "ssh", "paramiko", "local")

Outcome = Literal["passed", "failed", "skipped"]
Status = Literal["pass", "fail", "exception"]

# Groups of tests that audit no baseline control, by test module, in report order, with their titles.
_AREAS = {
    "base": "base role",
    "software": "software role",
    "accessibility": "accessibility role",
    "zones": "the zone policy, probed from the machine",
}
_CONTROL_NAMES = [control.value for control in Control]


class VerifyError(FundamentError, RuntimeError):
    """The suite could not run at all (unknown target, unreachable host, broken collection)."""


class TestOutcome(BaseModel):
    __test__ = False  # a result model, not a pytest test class

    test: str
    group: str
    outcome: Outcome
    message: str = ""


class GroupResult(BaseModel):
    """One baseline control (or one area: base, software, accessibility) and how its audits ended."""

    group: str
    reference: str
    title: str
    status: Status
    passed: int
    failed: int
    skipped: int
    notes: list[str] = []


class VerifyReport(BaseModel):
    target: str
    passed: bool
    seconds: float
    groups: list[GroupResult]
    tests: list[TestOutcome]

    def group(self, name: str) -> GroupResult:
        return next(group for group in self.groups if group.group == name)

    @property
    def failed_groups(self) -> list[str]:
        return [group.group for group in self.groups if group.status == "fail"]


def check_target(target: str) -> None:
    scheme, sep, rest = target.partition("://")
    if not sep or scheme not in TARGET_SCHEMES or (scheme != "local" and not rest):
        raise VerifyError(f"target {target!r}: expected docker://NAME or ssh://[user@]host")


class _Collector:
    """pytest plugin: the group of each test (its control marker, else its module) and each outcome."""

    def __init__(self, on_result: Callable[[TestOutcome], None]) -> None:
        self.groups: dict[str, str] = {}
        self.results: list[TestOutcome] = []
        self._on_result = on_result

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker("control")
            area = Path(item.nodeid.split("::", 1)[0]).stem.removeprefix("test_")
            self.groups[item.nodeid] = marker.args[0] if marker else area

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and report.passed:
            return
        outcome: Outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
        result = TestOutcome(
            test=report.nodeid.split("::", 1)[-1],
            group=self.groups.get(report.nodeid, "?"),
            outcome=outcome,
            message=_message(report),
        )
        self.results.append(result)
        self._on_result(result)


def _message(report: pytest.TestReport) -> str:
    if report.passed:
        return ""
    longrepr: Any = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (file, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(longrepr)
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


def summarize(results: Iterable[TestOutcome]) -> list[GroupResult]:
    """Per control in catalog order, then per area: fail if any test failed, exception if all were
    skipped as exceptions, pass otherwise."""
    by_group: dict[str, list[TestOutcome]] = {}
    for result in results:
        by_group.setdefault(result.group, []).append(result)
    order = [*_CONTROL_NAMES, *_AREAS]
    groups = []
    for name in sorted(by_group, key=lambda n: (order.index(n) if n in order else len(order), n)):
        outcomes = by_group[name]
        failed = [r for r in outcomes if r.outcome == "failed"]
        skipped = [r for r in outcomes if r.outcome == "skipped"]
        if failed:
            status: Status = "fail"
        elif len(skipped) == len(outcomes) and all(r.message.startswith("exception:") for r in skipped):
            status = "exception"
        else:
            status = "pass"
        spec = SPEC.get(Control(name)) if name in _CONTROL_NAMES else None
        groups.append(
            GroupResult(
                group=name,
                reference=spec.reference if spec else "",
                title=spec.title if spec else _AREAS.get(name, name),
                status=status,
                passed=sum(r.outcome == "passed" for r in outcomes),
                failed=len(failed),
                skipped=len(skipped),
                notes=[f"{r.test}: {r.message}" for r in [*failed, *skipped]],
            )
        )
    return groups


def run_validation(
    target: str,
    variables: dict[str, Any],
    workdir: Path,
    sudo: bool = False,
    log_host: str | None = None,
    on_result: Callable[[TestOutcome], None] = lambda result: None,
) -> VerifyReport:
    """Run the suite against `target` expecting `variables` (the build's extra vars). pytest's own
    output goes to `workdir`/pytest.log, the expectations to `workdir`/vars.json. With `log_host` (a
    target too) forwarded log messages must arrive there."""
    check_target(target)
    if log_host is not None:
        check_target(log_host)
    if not reachable(target):
        raise VerifyError(f"cannot run commands on {target}: is the container running / the host reachable?")
    workdir.mkdir(parents=True, exist_ok=True)
    vars_file = workdir / "vars.json"
    vars_file.write_text(json.dumps(variables, indent=2) + "\n", encoding="utf-8")
    args = [
        str(VALIDATION_DIR),
        "-c", str(VALIDATION_DIR / "pytest.ini"),
        "--rootdir", str(VALIDATION_DIR),
        f"--hosts={target}",
        f"--workplace-vars={vars_file}",
        "-rfEs",
        # testinfra is imported before the suite runs (the reachability check), so pytest cannot rewrite it.
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
    ]  # fmt: skip
    if sudo:
        args.append("--sudo")
    if log_host is not None:
        args.append(f"--log-host={log_host}")
    collector = _Collector(on_result)
    started = time.monotonic()
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        exit_code = pytest.main(args, plugins=[collector])
    (workdir / "pytest.log").write_text(log.getvalue(), encoding="utf-8")
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not collector.results:
        tail = "\n".join(log.getvalue().strip().splitlines()[-10:])
        raise VerifyError(f"the validation suite did not run (pytest exit {int(exit_code)}):\n{tail}")
    groups = summarize(collector.results)
    return VerifyReport(
        target=target,
        passed=all(group.status != "fail" for group in groups),
        seconds=round(time.monotonic() - started, 1),
        groups=groups,
        tests=collector.results,
    )


def reachable(target: str) -> bool:
    """Whether testinfra can run a command on `target` at all (checked before the suite runs)."""
    try:
        return bool(testinfra.get_host(target).run("true").rc == 0)
    except Exception:  # testinfra raises backend-specific errors for unreachable hosts
        return False
