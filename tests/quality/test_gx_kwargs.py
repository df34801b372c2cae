"""casemix.quality.gx_kwargs: GX's kwargs lookups, one expectation configuration per call instead of one
per key, must give exactly what GX's own methods give, for every check of the shipped rule set (its
expectation types, kwargs and row conditions); and with another GX version GX is left alone."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

from casemix.quality import gx_kwargs
from casemix.quality.rules import load_ruleset
from casemix.quality.runner import _GX

LOOKUPS = ("_get_domain_kwargs", "_get_success_kwargs", "_get_runtime_kwargs")


def _expectations():
    gxh = _GX.get()         # installs the patch
    out = []
    for rule in load_ruleset().rules:
        for c in rule.checks:
            kw = dict(c.kwargs)
            cond = gxh.condition(c.conditions)
            if cond is not None:
                kw["row_condition"] = cond
            out.append(getattr(gxe, c.expectation)(**kw, meta={"casemix_check": c.key}))
    return out


def _lookups(exps, keys_of_success_kwarg=True):
    out = []
    for e in exps:
        row = [getattr(e, name)() for name in LOOKUPS]
        row.append(e._get_runtime_kwargs({"result_format": {"result_format": "COMPLETE"}}))
        if keys_of_success_kwarg:
            row.append({k: e._get_success_kwarg(k) for k in (*e.success_keys, *e.domain_keys, "no_such_key")})
        out.append(row)
    return out


def test_the_lookups_give_what_gx_gives_for_every_check_of_the_rule_set():
    exps = _expectations()
    assert len({type(e) for e in exps}) >= 5      # the rule set uses several expectation types
    assert gx_kwargs.install()
    patched = _lookups(exps)
    assert Expectation._get_domain_kwargs is gx_kwargs._get_domain_kwargs
    gx_kwargs.uninstall()
    try:
        assert Expectation._get_domain_kwargs is not gx_kwargs._get_domain_kwargs
        original = _lookups(exps)
    finally:
        gx_kwargs.install()
    assert patched == original


def test_another_gx_version_is_left_alone(monkeypatch):
    gx_kwargs.uninstall()
    try:
        before = {n: Expectation.__dict__[n] for n in ("_get_domain_kwargs", "_get_success_kwargs",
                                                        "_get_success_kwarg")}
        monkeypatch.setattr(gx, "__version__", "9.9.9")
        assert gx_kwargs.install() is False
        assert {n: Expectation.__dict__[n] for n in before} == before
    finally:
        monkeypatch.undo()
        assert gx_kwargs.install()
