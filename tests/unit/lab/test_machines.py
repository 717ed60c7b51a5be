"""Machine recipes: a recipe booted under user-mode Linux keeps its root file system and command."""

import subprocess
from pathlib import Path

import pytest

from fundament.machines import uml
from fundament.machines.images import ImageFile, ImageRecipe
from fundament.machines.uml import machine_env, machine_recipe


def base(tmp_path: Path) -> ImageRecipe:
    script = tmp_path / "start.sh"
    script.write_text("exec sleep infinity\n")
    return ImageRecipe(
        name="fundament/test",
        packages=["iproute2"],
        files={"/usr/local/bin/start": ImageFile(source=script, mode=0o755)},
        setup="echo set up\n",
        entrypoint=["/usr/local/bin/start"],
        cmd=["--quiet"],
    )


def test_machine_keeps_the_root_file_system_and_runs_the_command_in_the_guest(tmp_path: Path) -> None:
    recipe = base(tmp_path)
    machine = machine_recipe(recipe)
    assert machine.name == "fundament/test-uml"
    assert machine.packages[: len(recipe.packages)] == recipe.packages
    assert {"user-mode-linux", "kmod"} <= set(machine.packages)
    assert recipe.files.items() <= machine.files.items()
    assert machine.setup.startswith(recipe.setup)
    assert machine.boot_disk and not recipe.boot_disk
    # The container runs the runner; the recipe's own start becomes the guest's command.
    assert machine.entrypoint == ["/usr/local/sbin/fundament-machine"]
    assert machine.cmd == ["/usr/local/bin/start", "--quiet"]
    assert machine.entrypoint[0] in machine.files


def test_machine_tag_differs_from_the_container_image_and_follows_the_recipe(tmp_path: Path) -> None:
    recipe = base(tmp_path)
    assert machine_recipe(recipe).content_hash() != recipe.content_hash()
    changed = recipe.model_copy(update={"packages": ["iproute2", "lldpd"]})
    assert machine_recipe(changed).content_hash() != machine_recipe(recipe).content_hash()


def test_machine_env_carries_memory_and_guest_sysctls() -> None:
    assert machine_env() == {"MACHINE_MEM": "256M"}
    env = machine_env("128M", {"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1"})
    assert env == {
        "MACHINE_MEM": "128M",
        "MACHINE_SYSCTLS": "net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1",
    }


@pytest.mark.parametrize("script", ["runner.sh", "guest-init.sh"])
def test_boot_scripts_are_valid_posix_shell(script: str) -> None:
    path = Path(uml.__file__).parent / script
    result = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.usefixtures("without_uml")
def test_uml_missing_names_the_package() -> None:
    reason = uml.uml_missing()
    assert reason is not None and "user-mode-linux" in reason


@pytest.mark.usefixtures("with_uml")
def test_uml_found_on_path() -> None:
    assert uml.uml_missing() is None
