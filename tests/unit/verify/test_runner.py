"""The runner on recorded answers: one request per distinct question, retries of failed checks only,
filters, exit codes and the post-check verdicts the apply stage reads."""

import threading
from collections.abc import Sequence
from typing import Any

from inventory import load_design
from network.verify.catalog import parse
from network.verify.check import Status
from network.verify.observe import EndpointPing, Failure, Observations, Request
from network.verify.reach import RecordedReach
from network.verify.runner import post_checks, run, select
from tests.unit.verify.test_checks import BGP_ENTRY, GOOD_BGP, LINK, bgp, lldp, peer

CATALOG = {
    "checks": [
        {"check": "lldp-neighbors", "tags": ["fabric"], "inputs": LINK},
        {"check": "bgp-session", "tags": ["fabric"], "inputs": BGP_ENTRY},
        {"check": "ssh-only", "inputs": {"device": "spine1"}},
    ]
}
GOOD = {
    "spine1 get_lldp_neighbors": lldp(("eth1", "leaf1", "eth1")),
    "leaf1 get_lldp_neighbors": lldp(("eth1", "spine1", "eth1")),
    **GOOD_BGP,
    "spine1 tcp 22": True,
    "spine1 tcp 23": False,
    "spine1 tcp 80": False,
}


class Converging:
    """A network that answers from `before` until it has been asked `after` times, then from `after_answers`:
    a BGP session coming up while verify runs. Counts every question, to prove retries ask only what failed."""

    def __init__(self, before: dict[str, Any], after: dict[str, Any], rounds: int) -> None:
        self._before = Observations.from_json(before)
        self._after = Observations.from_json(after)
        self._rounds = rounds
        self._lock = threading.Lock()
        self.asked: list[str] = []

    def serves(self, request: Request) -> bool:
        return True

    def answer(self, target: str, requests: Sequence[Request]) -> list[Any]:
        with self._lock:
            self.asked += [request.key for request in requests]
            settled = self.asked.count(requests[0].key) > self._rounds
        source = self._after if settled else self._before
        return [source.stored(request) for request in requests]


def test_all_pass_first_time() -> None:
    checks = parse(CATALOG)
    finished = run(checks, RecordedReach(Observations.from_json(GOOD)), wait=5, interval=0.01)
    assert [result.status for result in finished.results] == [Status.PASS] * 3
    assert finished.exit_code == 0
    assert finished.waited == 0
    assert "no retries needed" in finished.retry_note and "up to 5 s" in finished.retry_note


def test_retries_only_failed_checks_until_they_converge() -> None:
    down = {**GOOD, "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65100, up=False)})}
    reach = Converging(down, GOOD, rounds=2)
    finished = run(parse(CATALOG), reach, wait=10, interval=0.01, workers=4)
    assert [result.status for result in finished.results] == [Status.PASS] * 3
    assert [result.attempts for result in finished.results] == [1, 3, 1]
    # Each device's getter once per round of the BGP check; LLDP and the probes once.
    assert reach.asked.count("leaf1 get_bgp_neighbors") == 3
    assert reach.asked.count("spine1 get_lldp_neighbors") == 1
    assert reach.asked.count("spine1 tcp 23") == 1
    assert "retried 1 failed checks" in finished.retry_note and "1 passed on a retry" in finished.retry_note


def test_bounded_wait_gives_up_and_fails() -> None:
    down = {**GOOD, "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65100, up=False)})}
    finished = run(parse(CATALOG), RecordedReach(Observations.from_json(down)), wait=0.2, interval=0.05)
    bgp_result = finished.results[1]
    assert bgp_result.status is Status.FAIL
    assert bgp_result.attempts > 1
    assert finished.exit_code == 1


def test_warnings_only_exit_3_and_errors_exit_1() -> None:
    checks = parse(CATALOG)
    finished = run(checks, RecordedReach(Observations.from_json(GOOD)), wait=0)
    warned = finished.model_copy(
        update={"results": [finished.results[0].model_copy(update={"status": Status.WARN})]}
    )
    assert warned.exit_code == 3
    errored = run(checks, RecordedReach(Observations({"spine1 tcp 22": Failure("refused")})), wait=0)
    assert errored.count(Status.ERROR) == 3
    assert errored.exit_code == 1
    assert errored.retry_note == "failed checks were not retried (wait 0 s)"


def test_select_by_tag_device_and_name() -> None:
    checks = parse(CATALOG)
    assert [c.name for c in select(checks, tags=["fabric"])] == ["lldp-neighbors", "bgp-session"]
    assert [c.name for c in select(checks, tags=["bio:13.1.1"])] == ["ssh-only"]
    assert [c.name for c in select(checks, devices=["leaf1"])] == ["lldp-neighbors", "bgp-session"]
    assert [c.name for c in select(checks, devices=[])] == []
    assert [c.name for c in select(checks, names=["ssh-only", "bgp-session"])] == ["bgp-session", "ssh-only"]


def test_post_checks_judge_each_changed_device_with_both_ends() -> None:
    design = load_design()
    checks = parse(CATALOG)
    down = {**GOOD, "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65199)})}
    verdicts = post_checks(
        design, ["spine1", "leaf1"], RecordedReach(Observations.from_json(down)), wait=0, catalog=checks
    )
    assert verdicts["spine1"].passed is False, "the session's far end is part of spine1's verdict"
    assert "1 of 3 checks failed" in verdicts["spine1"].summary
    assert "peer AS is 65199, the design says 65100" in verdicts["leaf1"].summary
    verdicts = post_checks(
        design, ["spine1"], RecordedReach(Observations.from_json(GOOD)), wait=0, catalog=checks
    )
    assert verdicts["spine1"].passed and verdicts["spine1"].summary == "all 3 checks passed"


def test_recording_round_trip() -> None:
    checks = parse(CATALOG)
    seen = Observations()
    run(
        checks,
        RecordedReach(Observations.from_json({**GOOD, "spine1 tcp 80": {"failure": "timeout"}})),
        wait=0,
        seen=seen,
    )
    replayed = Observations.from_json(seen.as_json())
    assert replayed.as_json() == seen.as_json()
    assert seen.as_json()["spine1 tcp 80"] == {"failure": "timeout"}


class WithoutEndpoints(RecordedReach):
    """A target with no test hosts (production): endpoint requests cannot be served."""

    def serves(self, request: Request) -> bool:
        return not isinstance(request, EndpointPing)


def test_a_post_check_that_cannot_be_run_fails_the_device_instead_of_being_left_out() -> None:
    design = load_design()
    endpoint = {
        "check": "endpoint-reachability",
        "inputs": {
            "source": {"name": "h-srv1", "attach": "leaf1:eth3", "segment": "server", "zone": "server"},
            "target": {
                "name": "h-srv2",
                "attach": "leaf2:eth3",
                "segment": "server",
                "zone": "server",
                "ipv4": "10.20.210.12",
            },
            "expect": "reachable",
            "reason": "same segment",
        },
    }
    checks = parse({"checks": [*CATALOG["checks"], endpoint]})
    verdicts = post_checks(
        design, ["leaf1", "spine1"], WithoutEndpoints(Observations.from_json(GOOD)), wait=0, catalog=checks
    )
    assert not verdicts["leaf1"].passed
    assert verdicts["leaf1"].summary.startswith("1 of 3 checks failed")
    assert "cannot be run here" in verdicts["leaf1"].summary
    assert verdicts["spine1"].passed


def test_a_device_no_post_check_covers_is_not_passed() -> None:
    verdicts = post_checks(
        load_design(), ["leaf2"], RecordedReach(Observations.from_json(GOOD)), wait=0, catalog=parse(CATALOG)
    )
    assert not verdicts["leaf2"].passed
    assert verdicts["leaf2"].summary == "no post-check covers this device: it is not confirmed on zero checks"
