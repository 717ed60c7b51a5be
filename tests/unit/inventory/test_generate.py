"""Generated designs of any size validate; any single corruption of one is reported at its path."""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inventory import DesignError, generate, load

Files = dict[str, dict[str, Any]]


def load_files(files: Files) -> None:
    with tempfile.TemporaryDirectory() as folder:
        generate.write(files, Path(folder))
        load(Path(folder))


sizes = st.tuples(st.integers(1, 25), st.integers(1, 6), st.integers(1, 3))


@settings(max_examples=25, deadline=None)
@given(sizes)
def test_generated_designs_validate(size: tuple[int, int, int]) -> None:
    sites, leaves, access = size
    files = generate.generate(sites, leaves, access)
    assert len(files["devices.yaml"]["devices"]) == generate.device_count(sites, leaves, access)
    load_files(files)


def _duplicate_loopback(files: Files, pick: int) -> str:
    devices = files["devices.yaml"]["devices"]
    victim = 1 + pick % (len(devices) - 1)
    devices[victim]["loopback"] = devices[0]["loopback"]
    return f"devices[{victim}].loopback"


def _unknown_link_device(files: Files, pick: int) -> str:
    links = files["links.yaml"]["links"]
    victim = pick % len(links)
    end = links[victim]["b"]
    if isinstance(end, dict):
        end["device"] = "ghost"
    else:
        links[victim]["b"] = "ghost:" + end.split(":")[1]
    return f"links[{victim}].b"


def _duplicate_vlan(files: Files, pick: int) -> str:
    segments = files["segments.yaml"]["segments"]
    victim = 1 + pick % (len(segments) - 1)
    segments[victim]["vlan"] = segments[0]["vlan"]
    # A VLAN id is per layer-2 domain: it clashes only where one device carries both segments.
    shared = segments[0]["present_on"][0]
    if shared not in segments[victim]["present_on"]:
        segments[victim]["present_on"] = [*segments[victim]["present_on"], shared]
    return f"segments[{victim}].vlan"


def _gateway_outside(files: Files, pick: int) -> str:
    segments = files["segments.yaml"]["segments"]
    victim = pick % len(segments)
    segments[victim]["gateway"] = "192.0.2.1"
    return f"segments[{victim}].gateway"


def _interface_reused(files: Files, pick: int) -> str:
    links = files["links.yaml"]["links"]
    victim = 1 + pick % (len(links) - 1)
    links[victim]["a"] = links[0]["a"]
    return f"links[{victim}].a"


def _asn_outside(files: Files, pick: int) -> str:
    devices = files["devices.yaml"]["devices"]
    victim = 2 + pick % (len(devices) - 2)
    devices[victim]["asn"] = 65001
    return f"devices[{victim}].asn"


CORRUPTIONS: list[Callable[[Files, int], str]] = [
    _duplicate_loopback,
    _unknown_link_device,
    _duplicate_vlan,
    _gateway_outside,
    _interface_reused,
    _asn_outside,
]


@settings(max_examples=40, deadline=None)
@given(sizes, st.sampled_from(CORRUPTIONS), st.integers(0, 10_000))
def test_a_single_corruption_is_always_reported(
    size: tuple[int, int, int], corrupt: Callable[[Files, int], str], pick: int
) -> None:
    files = generate.generate(*size)
    path = corrupt(files, pick)
    with pytest.raises(DesignError) as caught:
        load_files(files)
    reported = [str(problem) for problem in caught.value.problems]
    assert any(f": {path}" in line for line in reported), (path, reported)


def test_generator_rejects_impossible_sizes() -> None:
    with pytest.raises(ValueError, match="sites must be"):
        generate.generate(0)
