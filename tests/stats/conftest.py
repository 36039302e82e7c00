import pytest


@pytest.fixture(autouse=True)
def _no_federation_hooks(settings):
    # Statistics read cases; what federation does on a transition is not under test here.
    settings.TONGBAN_CASE_TRANSITION_HOOKS = []
