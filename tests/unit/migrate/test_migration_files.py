"""Migration files: parsing, ordering, wave selection, and the errors each rule gives."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import DesignError, load_design
from inventory.migrations import load_migrations

SAMPLES = SAMPLE_DESIGN / "migrations"
DESIGN = load_design(SAMPLE_DESIGN)


@pytest.fixture
def broken(tmp_path: Path) -> Callable[..., list[str]]:
    def apply(file: str, old: str, new: str, rename: str | None = None) -> list[str]:
        folder = tmp_path / "migrations"
        shutil.copytree(SAMPLES, folder)
        path = folder / file
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        if rename:
            path.rename(folder / rename)
        with pytest.raises(DesignError) as caught:
            load_migrations(folder, DESIGN)
        return [str(p).replace(f"{folder}/", "") for p in caught.value.problems]

    return apply


def test_samples_load_in_order_with_their_waves() -> None:
    migrations = load_migrations(SAMPLES, DESIGN)
    assert [m.number for m in migrations] == ["0001", "0002", "0003", "0004", "0005", "0006"]
    underlay = migrations[1]
    assert underlay.waves == (("spine1", "leaf1"), ("spine2", "leaf2", "bl1", "bl2"))
    assert migrations[0].waves[0] == ("leaf1",)
    assert len(migrations[0].devices) == len(DESIGN.devices), "baseline reaches every device once"


def test_a_later_wave_takes_only_what_earlier_waves_left(broken: Callable[..., list[str]]) -> None:
    problems = broken(
        "0002_rekencentrum_underlay.yaml", "select: {sites: [dc1]}", "select: {devices: [spine1]}"
    )
    assert problems == [
        "0002_rekencentrum_underlay.yaml:12: waves[1].select: selects no device that an earlier wave did not take"
    ]


def test_unknown_device_names_file_line_and_path(broken: Callable[..., list[str]]) -> None:
    problems = broken("0003_evpn_overlay.yaml", "[spine1, leaf1, leaf2]", "[spine1, leaf1, leaf9]")
    assert "0003_evpn_overlay.yaml:9: waves[0].select.devices[2]: unknown device 'leaf9'" in problems


def test_schema_errors_are_located(broken: Callable[..., list[str]]) -> None:
    problems = broken("0001_beheer_en_hardening.yaml", "ticket: CHG-2026-0101", "ticket: change 101")
    assert problems == [
        "0001_beheer_en_hardening.yaml:5: ticket: String should match pattern '^[A-Z]{2,10}-\\d{4}-\\d{1,6}$' (got 'change 101')"
    ]


def test_a_feature_needs_what_it_builds_on(broken: Callable[..., list[str]]) -> None:
    problems = broken("0004_provinciehuis_cutover.yaml", "enable: [underlay, overlay]", "enable: [overlay]")
    assert (
        "0004_provinciehuis_cutover.yaml: enable: overlay on core1 needs underlay from this or an earlier migration"
        in problems
    )


def test_numbers_have_no_gaps(broken: Callable[..., list[str]]) -> None:
    problems = broken("0006_zones_en_gateways.yaml", "ticket", "ticket", rename="0007_zones_en_gateways.yaml")
    assert problems == ["0007_zones_en_gateways.yaml: expected migration number 0006 here (no gaps)"]


def test_file_names_are_numbered(broken: Callable[..., list[str]]) -> None:
    problems = broken("0005_steunpunten.yaml", "ticket", "ticket", rename="steunpunten.yaml")
    assert "steunpunten.yaml: migration files are named NNNN_short_name.yaml" in problems


def test_selector_needs_a_choice(broken: Callable[..., list[str]]) -> None:
    problems = broken("0005_steunpunten.yaml", "select: {sites: [sp-zuid]}", "select: {}")
    assert problems == [
        "0005_steunpunten.yaml:12: waves[1].select: Value error, select devices, sites or roles (got {})"
    ]
