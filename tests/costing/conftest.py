"""Fixtures for tests/costing live in costing_fixtures.py (a unique module name: test modules import helpers
from it, and several folders each have a conftest)."""

from costing_fixtures import *  # noqa: F401,F403
