"""Fixtures of the engine tests beyond the shared ones in tests/conftest.py."""
from __future__ import annotations

import pytest

from tests.support.world import Company


@pytest.fixture
def company(co) -> Company:
    """The small company under its long name, as the warranty tests call it."""
    return co
