import pytest

from fundament.paths import REPO_ROOT
from inventory import Design, load_design
from network.lab.topology import LabImages

SAMPLE = REPO_ROOT / "inventory" / "design"
# Fixed references, so the golden file does not change with every edit of an image recipe.
IMAGES = LabImages(switch="fundament/lab-switch:test", host="fundament/lab-host:test")


@pytest.fixture(scope="session")
def design() -> Design:
    return load_design(SAMPLE)
