import multiprocessing
from pathlib import Path

import pytest

from network.lifecycle.lock import ApplyLockedError, apply_lock
from network.lifecycle.scrub import MASK, scrub

EOS_RUNNING = """\
username netbeheer privilege 15 role network-admin secret sha512 $6$rounds=5000$salt$hash
tacacs-server host 10.20.210.49 key 7 0832585B1910
router bgp 65101
   neighbor 10.254.0.1 password 7 Qs9fYm1D
hostname leaf1
"""

FRR_RUNNING = """\
router bgp 65101
 neighbor eth1 password Qs9fYm1D
interface eth1
 ip ospf message-digest-key 1 md5 0832585B
line vty
 password zebra-vty
hostname leaf1
"""


@pytest.mark.parametrize(
    ("running", "secrets", "masked_line"),
    [
        (
            EOS_RUNNING,
            ("$6$rounds", "0832585B1910", "Qs9fYm1D"),
            "username netbeheer privilege 15 role network-admin secret sha512 <removed>",
        ),
        (FRR_RUNNING, ("Qs9fYm1D", "0832585B", "zebra-vty"), " neighbor eth1 password <removed>"),
    ],
    ids=["eos", "frr"],
)
def test_secret_lines_are_masked_and_the_rest_kept(
    running: str, secrets: tuple[str, ...], masked_line: str
) -> None:
    cleaned = scrub(running, secrets=[])
    assert not [secret for secret in secrets if secret in cleaned]
    assert cleaned.count(MASK) == len(secrets)
    assert "hostname leaf1" in cleaned
    assert masked_line in cleaned


def test_known_secret_values_are_masked_anywhere() -> None:
    assert scrub("description uplink-hunter2-a\n", secrets=["hunter2"]) == f"description uplink-{MASK}-a\n"


def test_a_secret_inside_a_longer_one_does_not_leave_the_longer_ones_rest_showing() -> None:
    """Longest first, whatever the order or the alphabet: "zzzz" first would leave "aaaa-" of the other."""
    for given in (["zzzz", "aaaa-zzzz"], ["aaaa-zzzz", "zzzz"]):
        assert scrub("key aaaa-zzzz and zzzz\n", secrets=given) == f"key {MASK} and {MASK}\n"


def test_a_four_character_secret_is_masked_and_a_shorter_value_is_not_searched_for() -> None:
    """Shorter values would mask ordinary words and numbers all over a config."""
    assert scrub("community abcd\n", secrets=["abcd"]) == f"community {MASK}\n"
    assert scrub("vlan abc\n", secrets=["abc"]) == "vlan abc\n"


def _try_lock(state: str, inventory: str, queue: "multiprocessing.Queue[str]") -> None:
    import os

    os.environ["FUNDAMENT_STATE_DIR"] = state
    try:
        with apply_lock(Path(inventory), "lab"):
            queue.put("acquired")
    except ApplyLockedError as error:
        queue.put(str(error))


def test_a_second_apply_on_the_same_inventory_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAMENT_STATE_DIR", str(tmp_path))
    queue: multiprocessing.Queue[str] = multiprocessing.Queue()
    with apply_lock(Path("inventory/design"), "lab"):
        other = multiprocessing.Process(target=_try_lock, args=(str(tmp_path), "inventory/design", queue))
        other.start()
        other.join(30)
        refused = queue.get(timeout=5)
        other_inventory = multiprocessing.Process(target=_try_lock, args=(str(tmp_path), "elsewhere", queue))
        other_inventory.start()
        other_inventory.join(30)
        elsewhere = queue.get(timeout=5)
    assert refused.startswith("another apply on target lab") and "pid" in refused
    assert elsewhere == "acquired"
    after = multiprocessing.Process(target=_try_lock, args=(str(tmp_path), "inventory/design", queue))
    after.start()
    after.join(30)
    assert queue.get(timeout=5) == "acquired"


def test_secret_names_are_found_by_walking_the_model_wherever_a_reference_sits() -> None:
    from pydantic import BaseModel

    from inventory.model.services import SecretRef
    from network.lifecycle.scrub import secret_names

    class Inner(BaseModel):
        key: SecretRef
        plain: str = "not a secret"

    class Outer(BaseModel):
        one: SecretRef
        many: list[Inner]
        by_name: dict[str, SecretRef]
        maybe: SecretRef | None = None

    model = Outer(
        one=SecretRef(secret="A_ONE"),
        many=[Inner(key=SecretRef(secret="B_LIST"))],
        by_name={"x": SecretRef(secret="C_DICT")},
    )
    assert secret_names(model) == {"A_ONE", "B_LIST", "C_DICT"}


def test_the_sample_designs_secrets_are_all_found() -> None:
    from fundament.paths import SAMPLE_DESIGN
    from inventory import load_design
    from network.lifecycle.scrub import secret_names

    found = secret_names(load_design(SAMPLE_DESIGN))
    assert {"FUNDAMENT_NETBEHEER_PASSWORD", "FUNDAMENT_NOC_PASSWORD", "FUNDAMENT_TACACS_KEY"} <= found


def test_hide_masks_every_value_it_was_given_and_secret_lines() -> None:
    from network.lifecycle.scrub import Hide

    hide = Hide(["s3cret-value"])
    assert (
        hide("+ password s3cret-value\n+description s3cret-value\n")
        == f"+ password {MASK}\n+description {MASK}\n"
    )
