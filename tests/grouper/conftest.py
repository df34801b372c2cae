"""Fixtures for tests/grouper live in grouper_fixtures.py (a unique module name: test modules import helpers
from it, and several folders each have a conftest)."""

from grouper_fixtures import *  # noqa: F401,F403
