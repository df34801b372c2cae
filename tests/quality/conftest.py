"""Fixtures for tests/quality live in quality_fixtures.py (a unique module name: test modules import helpers
from it, and several folders each have a conftest)."""

from quality_fixtures import *  # noqa: F401,F403
