"""Planning migrations from the recorded state: order, waves, resume, down, records, checks per state."""

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import load_design
from inventory.migrations import load_migrations
from inventory.model import Platform
from network.facts import device_facts
from network.migrate.engine import Migrator
from network.migrate.state import read_record, record
from network.migrate.steps import Direction, PlanError, steps_down, steps_up
from network.render import render_device
from network.targets import Target

DESIGN = load_design(SAMPLE_DESIGN)
MIGRATIONS = load_migrations(SAMPLE_DESIGN / "migrations", DESIGN)
MIGRATOR = Migrator(design=DESIGN, migrations=MIGRATIONS)
EVERYTHING = tuple(m.id for m in MIGRATIONS)


def test_up_from_nothing_runs_every_wave_in_order_canary_first() -> None:
    steps = steps_up(MIGRATIONS, {})
    assert [(s.migration.number, s.wave_index) for s in steps] == [
        (number, wave) for number in ("0001", "0002", "0003", "0004", "0005", "0006") for wave in (0, 1)
    ]
    assert steps[0].canary and steps[0].devices == ("leaf1",)
    assert not steps[1].canary and "leaf1" not in steps[1].devices


def test_up_resumes_a_half_done_wave_with_only_the_devices_left() -> None:
    state = dict.fromkeys(("leaf1", "spine1", "spine2"), ("0001_beheer_en_hardening",))
    steps = steps_up(MIGRATIONS, state, to="0001")
    assert len(steps) == 1
    assert set(steps[0].devices) == {d.name for d in DESIGN.devices} - {"leaf1", "spine1", "spine2"}


def test_down_reverses_newest_first_and_last_wave_first() -> None:
    state = {d.name: EVERYTHING for d in DESIGN.devices}
    steps = steps_down(MIGRATIONS, state, to="0003")
    assert [s.title for s in steps] == [
        "down 0006_zones_en_gateways wave 2 (campus-en-steunpunten)",
        "down 0006_zones_en_gateways wave 1 (canary)",
        "down 0005_steunpunten wave 2 (zuid)",
        "down 0005_steunpunten wave 1 (canary)",
        "down 0004_provinciehuis_cutover wave 2 (provinciehuis)",
        "down 0004_provinciehuis_cutover wave 1 (canary)",
    ]
    assert steps[0].after(state)["wan-zuid"] == EVERYTHING[:5]
    assert all(s.direction is Direction.DOWN for s in steps)


def test_down_to_zero_undoes_everything_and_needs_a_target() -> None:
    state = {d.name: EVERYTHING for d in DESIGN.devices}
    assert len(steps_down(MIGRATIONS, state, to="0")) == 12
    with pytest.raises(PlanError) as needs:
        steps_down(MIGRATIONS, state, None)
    assert str(needs.value) == "down needs --to: the migration to go back to (0 for none)"
    with pytest.raises(PlanError) as unknown:
        steps_up(MIGRATIONS, {}, to="0009")
    assert str(unknown.value) == f"no migration 0009: known are {', '.join(EVERYTHING)}"


@pytest.mark.parametrize("to", ["0", "00", "0000"])
def test_any_number_of_zeros_means_before_the_first_migration(to: str) -> None:
    assert steps_up(MIGRATIONS, {}, to=to) == []


@pytest.mark.parametrize("to", ["X", "XX0"])
def test_a_target_that_is_not_all_zeros_must_name_a_migration(to: str) -> None:
    with pytest.raises(PlanError, match=f"no migration {to}:"):
        steps_up(MIGRATIONS, {}, to=to)


def test_devices_with_no_record_yet_are_planned_both_ways() -> None:
    """A device missing from the state (never read, or new) counts as having nothing applied."""
    first = MIGRATIONS[0].id
    assert steps_down(MIGRATIONS, {"leaf1": (first,)}, to="0")[0].devices == ("leaf1",)
    up = steps_up(MIGRATIONS, {}, to="0002")
    assert up[2].after({"leaf1": (first,)})["leaf1"] == (first, MIGRATIONS[1].id)
    assert up[2].after({}).get("spine1") == (MIGRATIONS[1].id,)
    down = steps_down(MIGRATIONS, {d.name: EVERYTHING[:2] for d in DESIGN.devices}, to="0001")[0]
    assert down.after({})[down.devices[0]] == ()


def test_record_line_round_trips_through_a_running_config() -> None:
    config = MIGRATOR.intended("leaf1", EVERYTHING[:2])
    assert read_record(config) == EVERYTHING[:2]
    assert read_record(MIGRATOR.intended("leaf1", ())) == ()
    assert record([]) is None


def test_all_migrations_give_exactly_the_designed_config_plus_the_record() -> None:
    for device in DESIGN.devices:
        migrated = MIGRATOR.intended(device.name, EVERYTHING)
        designed = render_device(device_facts(DESIGN, device.name), Platform.FRR)
        assert migrated.replace(f"# {record(EVERYTHING)}\n", "") == designed, device.name


def test_level_zero_has_no_routing_no_segments_no_baseline_files() -> None:
    config = MIGRATOR.intended("leaf1", ())
    assert "router bgp" not in config and "vxlan" not in config
    assert "/etc/ssh/sshd_config.d/fundament.conf" not in config
    assert "hostname leaf1" in config


def test_checks_follow_the_state_a_wave_leads_to() -> None:
    canary = {
        "spine1": ("0001_beheer_en_hardening", "0002_rekencentrum_underlay"),
        "leaf1": ("0001_beheer_en_hardening", "0002_rekencentrum_underlay"),
    }
    checks = MIGRATOR.checks_for(canary, ["spine1", "leaf1"], ["routing"])
    sessions = {c.title for c in checks if c.name == "bgp-session"}
    assert sessions and all("spine1" in title and "leaf1" in title for title in sessions), sessions
    assert not [c for c in checks if c.name == "loopback-reachability" and "leaf2" in c.devices]
    before = MIGRATOR.checks_for({}, ["leaf1"], ["routing"])
    assert not [c for c in before if "routing" in c.all_tags], "no routing is expected before the underlay"


def test_a_device_no_tagged_check_is_about_is_judged_by_every_check_about_it() -> None:
    """0006 enables zones on dc1: the spines' only change is the record line, and no zones or evpn check
    is about a spine. They are confirmed on their own checks (sessions, cabling), not on zero."""
    everything = {d.name: EVERYTHING for d in DESIGN.devices}
    tagged = MIGRATOR.checks_for(everything, ["spine1", "leaf1"], ["zones", "evpn"])
    about_spine1 = [c for c in tagged if "spine1" in c.devices]
    assert {c.name for c in about_spine1} >= {"bgp-session", "lldp-neighbors"}
    assert [c.title for c in about_spine1] == [
        c.title for c in MIGRATOR.checks_for(everything, ["spine1"], [])
    ]
    assert all({"zones", "evpn"} & set(c.all_tags) for c in tagged if "spine1" not in c.devices), (
        "leaf1, which the tags cover, keeps exactly the migration's checks"
    )
    assert len({id(c) for c in tagged}) == len(tagged), "a check is run once"


def test_the_catalog_of_a_partial_rollout_expects_only_what_it_promises() -> None:
    canary = dict.fromkeys(("spine1", "leaf1"), ("0001_beheer_en_hardening", "0002_rekencentrum_underlay"))
    checks = MIGRATOR.checks_for(canary, ["spine1", "leaf1"], [])
    sessions = [c for c in checks if c.name == "bgp-session"]
    assert [set(c.devices) for c in sessions] == [{"spine1", "leaf1"}]
    assert set(sessions[0].inputs.prefixes) == {"ipv4"}, "no EVPN routes before the overlay"
    loopbacks = {c.devices[0]: c for c in checks if c.name == "loopback-reachability"}
    assert set(loopbacks["leaf1"].inputs.targets) == {"spine1"}
    assert not [c for c in checks if c.name in ("evpn-vni", "endpoint-reachability")]


def test_a_waves_checks_are_those_touching_its_devices_on_its_target() -> None:
    everything = {d.name: EVERYTHING for d in DESIGN.devices}
    lab = MIGRATOR.checks_for(everything, ["leaf1"], [])
    assert lab and all("leaf1" in check.devices for check in lab)
    assert "endpoint-reachability" in {check.name for check in lab}
    production = Migrator(design=DESIGN, migrations=MIGRATIONS, target=Target.PRODUCTION)
    assert "endpoint-reachability" not in {c.name for c in production.checks_for(everything, ["leaf1"], [])}
