"""The 24 front-page fee items, the four 其中 sub-items, 住院总费用 and 自付金额, in integer cents.

Each item has its own driver (length of stay, daily intensity of the MDC, severity, the operation, the
ADRG's cost level) and multiplicative log-normal noise, so totals are right-skewed, rise with severity
and are higher for operated cases. ``ZFY`` is the exact sum of the 24 items in cents (so it equals the
sum to the cent once formatted), sub-items are fractions of their parent rounded down, and every
identity of standards §1.3 holds by construction.
"""

from __future__ import annotations

import numpy as np

from casemix.layout import FEE_ITEMS


def _ln(rng, n, sigma):
    return np.exp(sigma * rng.standard_normal(n) - sigma * sigma / 2)


def _maybe(rng, n, p):
    return rng.random(n) < p


def fee_cents(rng: np.random.Generator, *, los: np.ndarray, tertiary: np.ndarray, day_intensity: np.ndarray,
              severity: np.ndarray, cost_factor: np.ndarray, surg_cost: np.ndarray, has_or: np.ndarray,
              has_interv: np.ndarray, has_anaes: np.ndarray, general_anaes: np.ndarray, n_px: np.ndarray,
              neoplasm: np.ndarray, newborn: np.ndarray, death: np.ndarray, mdc: np.ndarray,
              self_pay: np.ndarray) -> dict[str, np.ndarray]:
    n = len(los)
    L = np.maximum(los, 1).astype(float)
    lvl = np.where(tertiary, 1.25, 0.85)
    sev = np.select([severity == 2, severity == 1], [1.55, 1.15], 1.0)
    D = day_intensity * lvl * sev * np.sqrt(cost_factor)
    drug = np.where(newborn, 0.5, 1.0) * np.where(death, 1.3, 1.0)
    f: dict[str, np.ndarray] = {}
    f["YLFUF"] = L * 55 * lvl * _ln(rng, n, 0.15)
    f["ZLCZF"] = L * 35 * D * _ln(rng, n, 0.4)
    f["HLF"] = L * 40 * lvl * np.where(severity == 2, 1.4, 1.0) * _ln(rng, n, 0.2)
    f["QTFY"] = _maybe(rng, n, 0.4) * 80 * _ln(rng, n, 0.6)
    p_path = np.where(has_or, 0.7, 0.03) + np.where(neoplasm, 0.25, 0)
    f["BLZDF"] = _maybe(rng, n, np.minimum(p_path, 0.95)) * 600 * np.where(neoplasm, 1.5, 1.0) * _ln(rng, n, 0.5)
    f["SYSZDF"] = (600 + L * 110 * D) * _ln(rng, n, 0.35)
    img = np.isin(mdc, ["B", "I", "Z", "V", "F"]) * 0.8 + 1.0
    f["YXXZDF"] = (300 + 900 * img) * lvl * _ln(rng, n, 0.5)
    f["LCZDXMF"] = _maybe(rng, n, 0.6) * (150 + L * 20) * _ln(rng, n, 0.5)
    nonsurg_px = (n_px > 0) & ~has_or
    f["FSSZLXMF"] = L * 70 * D * _ln(rng, n, 0.5) + nonsurg_px * 2500 * cost_factor * _ln(rng, n, 0.4)
    op = np.where(has_or, surg_cost * cost_factor * 0.45 * lvl * (1 + 0.3 * np.maximum(n_px - 1, 0)),
                  np.where(has_interv, 1500 * cost_factor * lvl, 0.0))
    f["SSZLF"] = op * _ln(rng, n, 0.4)
    f["KFF"] = _maybe(rng, n, np.where(np.isin(mdc, ["B", "I", "X"]), 0.35, 0.05)) * (200 + L * 60) * _ln(rng, n, 0.5)
    f["ZYZLF"] = _maybe(rng, n, 0.25) * (100 + L * 30) * _ln(rng, n, 0.6)
    f["XYF"] = (200 + L * 180 * D * drug) * _ln(rng, n, 0.6)
    f["ZCYF"] = _maybe(rng, n, 0.55) * L * 40 * _ln(rng, n, 0.7)
    f["ZCYF1"] = _maybe(rng, n, 0.12) * L * 30 * _ln(rng, n, 0.6)
    mcc = severity == 2
    big_op = has_or & (surg_cost * cost_factor >= 25000)
    f["XF"] = _maybe(rng, n, 0.02 + 0.15 * mcc + 0.08 * big_op) * 600 * (1 + mcc) * _ln(rng, n, 0.7)
    f["BDBLZPF"] = _maybe(rng, n, 0.02 + 0.12 * mcc + 0.05 * has_or) * 1500 * _ln(rng, n, 0.7)
    f["QDBLZPF"] = _maybe(rng, n, 0.005 + 0.03 * mcc + 0.03 * newborn) * 2000 * _ln(rng, n, 0.6)
    f["NXYZLZPF"] = _maybe(rng, n, 0.002 + 0.01 * mcc) * 3000 * _ln(rng, n, 0.6)
    f["XBYZLZPF"] = _maybe(rng, n, 0.01 + 0.1 * np.isin(mdc, ["R", "Q"])) * 1200 * _ln(rng, n, 0.6)
    f["HCYYCLF"] = (40 + L * 12) * _ln(rng, n, 0.5)
    f["YYCLF"] = (80 + L * 45 * D) * _ln(rng, n, 0.5) + \
        (has_interv & ~has_or) * 6000 * cost_factor * _ln(rng, n, 0.5)
    f["YCXYYCLF"] = has_or * surg_cost * cost_factor * 0.55 * _ln(rng, n, 0.6)
    f["QTF"] = _maybe(rng, n, 0.15) * 150 * _ln(rng, n, 0.8)

    cents = {k: np.rint(f[k] * 100).astype(np.int64) for k in FEE_ITEMS}
    # sub-items: fractions of the parent, floored, so they never exceed it
    cents["SSZLF"] = np.where(n_px > 0, cents["SSZLF"], 0)
    cents["SSZLF"] = np.where((has_or | has_interv) & (cents["SSZLF"] < 10000), 10000, cents["SSZLF"])
    maf_frac = np.where(general_anaes, rng.uniform(0.12, 0.25, n), rng.uniform(0.03, 0.08, n))
    maf = np.where(has_anaes, np.maximum(1, np.floor(cents["SSZLF"] * maf_frac)), 0).astype(np.int64)
    ssf = np.where(has_or | has_interv, np.maximum(1, np.floor(cents["SSZLF"] * rng.uniform(0.5, 0.7, n))),
                   0).astype(np.int64)
    cents["MAF"], cents["SSF"] = maf, ssf
    cents["WLZLF"] = np.where(_maybe(rng, n, 0.3), np.floor(cents["FSSZLXMF"] * rng.uniform(0.05, 0.3, n)),
                              0).astype(np.int64)
    p_ab = np.where(has_or, 0.85, np.where(np.isin(mdc, ["E", "S", "L"]), 0.8, 0.3))
    cents["KJYWF"] = np.where(_maybe(rng, n, p_ab), np.floor(cents["XYF"] * rng.uniform(0.05, 0.4, n)),
                              0).astype(np.int64)
    total = np.zeros(n, np.int64)
    for k in FEE_ITEMS:
        total += cents[k]
    cents["ZFY"] = total
    share = np.where(self_pay, 1.0, rng.uniform(0.12, 0.40, n))
    cents["ZFJE"] = np.minimum(total, np.floor(total * share).astype(np.int64))
    return cents
