"""Run a catalog: collect every request once (one thread per connection), evaluate, and re-collect and
re-evaluate only the failed checks while the network converges, up to a bounded wait."""

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict

from fundament.exitcodes import ExitCode
from inventory.model import Design
from network.lifecycle.outcome import CheckVerdict
from network.targets import Target
from network.verify.check import Check, CheckResult, Status
from network.verify.generate import generate
from network.verify.observe import Failure, Observations, Request

if TYPE_CHECKING:
    # Only a type here: the SSH and NAPALM machinery behind it loads when something connects.
    from network.verify.reach import Reach

RETRIED = (Status.FAIL, Status.ERROR)


class Progress(Protocol):
    """What the runner tells a progress display (fundament.console's Step fits)."""

    def advance(self, status: str = "", amount: int = 1) -> None: ...

    def set_total(self, total: int) -> None: ...

    def note(self, status: str) -> None: ...


class Run(BaseModel):
    """A finished verification: the results, and how long failed checks were given to converge."""

    model_config = ConfigDict(frozen=True)

    results: list[CheckResult]
    wait: float
    """The bound on retrying failed checks, in seconds."""
    waited: float
    """How long retries actually took (0 when everything passed at once)."""
    seconds: float

    def count(self, status: Status) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def exit_code(self) -> ExitCode:
        if self.count(Status.FAIL) or self.count(Status.ERROR):
            return ExitCode.FAILURE
        if self.count(Status.WARN):
            return ExitCode.WARNINGS
        return ExitCode.OK

    @property
    def retry_note(self) -> str:
        retried = [result for result in self.results if result.attempts > 1]
        if not retried and any(result.status in RETRIED for result in self.results):
            return f"failed checks were not retried (wait {self.wait:g} s)"
        if not retried:
            return f"no retries needed (failed checks would be retried for up to {self.wait:g} s)"
        converged = sum(1 for result in retried if result.status not in RETRIED)
        return (
            f"retried {len(retried)} failed checks during {self.waited:.0f} s (no new retry after "
            f"{self.wait:g} s); {converged} passed on a retry"
        )


def select(
    checks: Iterable[Check[Any]],
    tags: Sequence[str] = (),
    devices: Iterable[str] | None = None,
    names: Sequence[str] = (),
) -> list[Check[Any]]:
    """Checks with any of `tags`, touching any of `devices` (None: all), of any of the check `names`."""
    wanted = set(devices) if devices is not None else None
    return [
        check
        for check in checks
        if (not tags or set(tags) & set(check.all_tags))
        and (wanted is None or wanted & set(check.devices))
        and (not names or check.name in names)
    ]


def collect(
    requests: Iterable[Request],
    reach: "Reach",
    seen: Observations,
    workers: int,
    step: Progress | None = None,
) -> None:
    """Ask every distinct request once, one worker per target (a device session, an endpoint login)."""
    by_target: dict[str, list[Request]] = defaultdict(list)
    for request in dict.fromkeys(requests):
        by_target[request.target].append(request)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(reach.answer, target, group): target for target, group in by_target.items()}
        for future in as_completed(futures):
            target = futures[future]
            group = by_target[target]
            try:
                answers = future.result()
            except Exception as error:  # a broken reach must not lose the other targets' answers
                answers = [Failure(f"{type(error).__name__}: {error}")] * len(group)
            for request, answer in zip(group, answers, strict=True):
                seen.record(request, answer)
            if step is not None:
                # No status text: in CI every status becomes a log line, one per probe is noise.
                step.advance()


def run(
    checks: Sequence[Check[Any]],
    reach: "Reach",
    *,
    wait: float = 60.0,
    interval: float = 5.0,
    workers: int = 64,
    step: Progress | None = None,
    seen: Observations | None = None,
) -> Run:
    started = time.monotonic()
    seen = seen if seen is not None else Observations()
    requests = [request for check in checks for request in check.requests()]
    if step is not None:
        step.set_total(len({request.target for request in requests}))
    collect(requests, reach, seen, workers, step)
    results = [check.run(seen) for check in checks]
    retry_started = time.monotonic()
    deadline = retry_started + wait
    attempt = 1
    while True:
        failing = [index for index, result in enumerate(results) if result.status in RETRIED]
        remaining = deadline - time.monotonic()
        if not failing or remaining <= 0:
            break
        attempt += 1
        if step is not None:
            step.note(f"{len(failing)} checks failed; retry {attempt - 1} ({remaining:.0f} s left)")
        time.sleep(min(interval, remaining))
        collect((request for index in failing for request in checks[index].requests()), reach, seen, workers)
        for index in failing:
            results[index] = checks[index].run(seen, attempts=attempt)
    now = time.monotonic()
    waited = now - retry_started if attempt > 1 else 0.0
    return Run(results=results, wait=wait, waited=waited, seconds=now - started)


def post_checks(
    design: Design,
    devices: Sequence[str],
    reach: "Reach",
    *,
    wait: float = 30.0,
    target: Target = Target.LAB,
    catalog: Sequence[Check[Any]] | None = None,
) -> dict[str, CheckVerdict]:
    """The apply stage's verdict per changed device: every check touching it (both ends of its links and
    sessions included) passed, waiting up to `wait` seconds for the network to converge.

    A device is never passed on less than its checks: a check `reach` cannot serve (an endpoint without a
    known address, say) fails the devices it touches, and so does having no check at all.
    """
    chosen = select(catalog if catalog is not None else generate(design, target), devices=devices)
    unserved = [check for check in chosen if not all(reach.serves(r) for r in check.requests())]
    finished = run([check for check in chosen if check not in unserved], reach, wait=wait)
    verdicts = {}
    for device in devices:
        mine = [result for result in finished.results if device in result.devices]
        cannot = [f"{check.title}: cannot be run here" for check in unserved if device in check.devices]
        bad = [f"{result.title}: {result.message}" for result in mine if result.status in RETRIED] + cannot
        if bad:
            summary = f"{len(bad)} of {len(mine) + len(cannot)} checks failed: " + "; ".join(bad)
        elif not mine:
            summary = "no post-check covers this device: it is not confirmed on zero checks"
        else:
            summary = f"all {len(mine)} checks passed"
        verdicts[device] = CheckVerdict(device=device, passed=bool(mine) and not bad, summary=summary)
    return verdicts
