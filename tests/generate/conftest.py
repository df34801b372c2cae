"""Fixtures for tests/generate live in generate_fixtures.py (a unique module name: test modules import helpers
from it, and several folders each have a conftest)."""

from generate_fixtures import *  # noqa: F401,F403
