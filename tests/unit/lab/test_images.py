"""Image recipes: the tag is a content hash, so it changes exactly when what goes into the image changes."""

from pathlib import Path

from fundament.machines.images import ImageFile, ImageRecipe
from network.lab.images import HOST, SWITCH


def recipe(tmp_path: Path, content: str = "echo hi\n", mode: int = 0o755) -> ImageRecipe:
    script = tmp_path / "start.sh"
    script.write_text(content)
    return ImageRecipe(
        name="fundament/test",
        packages=["iproute2"],
        files={"/usr/local/bin/start": ImageFile(source=script, mode=mode)},
        entrypoint=["/usr/local/bin/start"],
    )


def test_reference_is_name_and_content_hash(tmp_path: Path) -> None:
    name, _, tag = recipe(tmp_path).reference.partition(":")
    assert name == "fundament/test" and len(tag) == 16 and int(tag, 16) >= 0


def test_same_content_same_tag_wherever_the_file_lives(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert recipe(tmp_path / "a").reference == recipe(tmp_path / "b").reference


def test_tag_changes_with_file_content_mode_and_fields(tmp_path: Path) -> None:
    base = recipe(tmp_path).reference
    assert recipe(tmp_path, content="echo bye\n").reference != base
    assert recipe(tmp_path, mode=0o700).reference != base
    assert recipe(tmp_path).model_copy(update={"packages": ["iproute2", "lldpd"]}).reference != base
    assert recipe(tmp_path).model_copy(update={"env": {"A": "1"}}).reference != base


def test_lab_images_install_what_the_lab_relies_on() -> None:
    for needed in ("frr", "frr-pythontools", "lldpd", "openssh-server", "iproute2", "python3", "ifupdown2"):
        assert needed in SWITCH.packages
    for needed in ("lldpd", "openssh-server", "iputils-ping"):
        assert needed in HOST.packages
    assert SWITCH.reference != HOST.reference
