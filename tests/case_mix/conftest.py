"""Fixtures for tests/case_mix live in case_mix_fixtures.py (a unique module name: several folders have a
conftest)."""

from case_mix_fixtures import *  # noqa: F401,F403
