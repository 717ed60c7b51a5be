import pytest

from inventory import Design, load_design


@pytest.fixture(scope="session")
def design() -> Design:
    """The sample design: two profiles, kantoor (default, one exception) and balie."""
    return load_design()
