"""One expectation configuration per kwargs lookup in GX, not one per key.

GX 1.x builds an expectation's ``configuration`` (a pydantic ``dict()`` of the whole expectation, then an
``ExpectationConfiguration``) every time the property is read, and three methods that run for every metric
of every expectation read it once **per key**: ``_get_domain_kwargs`` (per domain key),
``_get_success_kwargs`` (per success key) and ``_get_success_kwarg`` (twice: ``in`` and ``[]``). On a
240,000-case group of the 1M benchmark (48 validations) that was ≈ 14,500 configurations built, about a
quarter of the rules' CPU, whatever the number of rows.

:func:`install` replaces those three methods by versions that read ``self.configuration.kwargs`` once per
call and are otherwise the same code, so they return the same values (the expectation does not change
during a call). It does so only for the GX version whose methods were copied (:data:`FOR_GX_VERSION`,
the locked one); with any other version it leaves GX alone and says so in the log, so an upgrade cannot
silently run different code. ``tests/quality/test_gx_kwargs.py`` compares both versions on every
expectation type the rules use.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

log = logging.getLogger(__name__)

FOR_GX_VERSION = "1.24.1"
_ORIGINAL: dict[str, object] = {}


def _get_domain_kwargs(self) -> Dict[str, Optional[str]]:
    from great_expectations.exceptions import InvalidExpectationKwargsError

    kwargs = self.configuration.kwargs
    domain_kwargs: Dict[str, Optional[str]] = {
        key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys
    }
    missing_kwargs = set(self.domain_keys) - set(domain_kwargs.keys())
    if missing_kwargs:
        raise InvalidExpectationKwargsError(f"Missing domain kwargs: {list(missing_kwargs)}")
    return domain_kwargs


def _get_success_kwargs(self) -> Dict[str, Any]:
    domain_kwargs = self._get_domain_kwargs()
    kwargs = self.configuration.kwargs
    success_kwargs: Dict[str, Any] = {
        key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys
    }
    success_kwargs.update(domain_kwargs)
    return success_kwargs


def _get_success_kwarg(self, key: str, default: Any = None) -> Any:
    kwargs = self.configuration.kwargs
    if key in kwargs:
        return kwargs[key]
    field = self.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else default
    log.warning('_get_success_kwarg called with key "%s", but it is not a known field of %s',
                key, type(self).__name__)
    return default


_PATCHES = {"_get_domain_kwargs": _get_domain_kwargs, "_get_success_kwargs": _get_success_kwargs,
            "_get_success_kwarg": _get_success_kwarg}


def install() -> bool:
    """Put the three methods on GX's ``Expectation`` (idempotent). False, and GX unchanged, when the
    installed GX is not :data:`FOR_GX_VERSION`."""
    import great_expectations as gx
    from great_expectations.expectations.expectation import Expectation

    if gx.__version__ != FOR_GX_VERSION:
        log.info("great_expectations %s is not %s: its kwargs lookups are left as they are",
                 gx.__version__, FOR_GX_VERSION)
        return False
    for name, fn in _PATCHES.items():
        if name not in _ORIGINAL:
            _ORIGINAL[name] = Expectation.__dict__[name]
        setattr(Expectation, name, fn)
    return True


def uninstall() -> None:
    """GX's own methods back (tests)."""
    from great_expectations.expectations.expectation import Expectation

    for name, fn in _ORIGINAL.items():
        setattr(Expectation, name, fn)
