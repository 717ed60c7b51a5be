import pytest

from inventory import Design, load_design


@pytest.fixture(scope="session")
def design() -> Design:
    return load_design()
