"""The golden helper: update mode never passes a test, and CI refuses it."""

from pathlib import Path

import pytest

from tests.golden import assert_matches_golden


def test_a_difference_fails(tmp_path: Path) -> None:
    golden = tmp_path / "g.txt"
    golden.write_text("old\n")
    with pytest.raises(AssertionError, match="differs"):
        assert_matches_golden("new\n", golden)


def test_update_mode_rewrites_and_reports_a_skip_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FUNDAMENT_UPDATE_GOLDEN", "1")
    golden = tmp_path / "sub" / "g.txt"
    with pytest.raises(pytest.skip.Exception, match="nothing was compared"):
        assert_matches_golden("new\n", golden)
    assert golden.read_text() == "new\n"


def test_update_mode_is_refused_under_ci_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("FUNDAMENT_UPDATE_GOLDEN", "1")
    golden = tmp_path / "g.txt"
    with pytest.raises(pytest.fail.Exception, match="CI refuses it"):
        assert_matches_golden("new\n", golden)
    assert not golden.exists()
