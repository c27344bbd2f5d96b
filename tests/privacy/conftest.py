import pytest

from tests.activations.conftest import Crisis


@pytest.fixture
def crisis(db):
    return Crisis()
