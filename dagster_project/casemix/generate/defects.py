"""Inject coding-quality defects into generated front-page cases, with a manifest of what each should trip.

``inject_defects(cases, rate, rng)`` picks about ``rate × len(cases)`` cases, gives each exactly one
defect, cycling through every injectable rule of the rule set (``expectations/rules``) so each rule gets
its share, and returns ``(cases, manifest)``. The manifest has one row per rule the defect is expected to
trigger (ZZJGDM, BAH, ZYCS, rule_id, field, description): a defect may trigger two rules (a V-code
principal diagnosis is PDX-001 *and* ODX-006; a zero total is FEE-001 *and* FEE-002), and then both are
listed. ``field`` is the field the rule reports (``JBDM3``, ``SSJCZRQ1``, ``ZFY`` …).

Defects stay *loadable*: dates remain dates, numbers numbers (an unparsable value is ingest quarantine,
not a quality rule). Each defect is chosen among cases where it triggers only the listed rules (e.g. the
DT-005 age shift only on ages ≥ 6, so it cannot cross the AGE-001 / AGE-004 thresholds). Work is
vectorised per rule over its group of cases; nothing loops over cases.

CMP-005 (code table) is not injected: it is checked only when a code table is configured.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from casemix.quality.codelists import load_code_list

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ["ZZJGDM", "BAH", "ZYCS", "rule_id", "field", "description"]


class _Cols:
    """Lazy numpy (object, '' = empty) views of the columns defects read or write; written back at the end."""

    def __init__(self, df: pd.DataFrame):
        self.df = df
        self.cache: dict[str, np.ndarray] = {}
        self.dirty: set[str] = set()

    def __getitem__(self, col: str) -> np.ndarray:
        a = self.cache.get(col)
        if a is None:
            s = self.df[col]
            a = np.array(s.astype(object).to_numpy(dtype=object, na_value=""), dtype=object)
            a[pd.isna(a)] = ""
            self.cache[col] = a
        return a

    def set(self, col: str, idx: np.ndarray, values) -> None:
        a = self[col]
        a[idx] = values
        self.dirty.add(col)

    def money(self, col: str, idx: np.ndarray) -> np.ndarray:
        return pd.to_numeric(pd.Series(self[col][idx]).replace("", "0"), errors="coerce").fillna(0).to_numpy()

    def write_back(self) -> pd.DataFrame:
        df = self.df
        for col in self.dirty:
            dtype = df[col].dtype
            a = self.cache[col]
            if dtype == object:
                df[col] = a
            else:
                df[col] = pd.array(np.where(a == "", None, a), dtype=dtype)
        return df


def _fmt_money(x: np.ndarray) -> np.ndarray:
    return np.array([f"{v:.2f}" for v in np.round(x, 2)], dtype=object)


def _slots(df: pd.DataFrame, prefix: str) -> int:
    n = [int(m.group(1)) for c in df.columns if (m := re.fullmatch(prefix + r"(\d+)", c))]
    return max(n) if n else 0


class _Ctx:
    def __init__(self, df: pd.DataFrame):
        self.c = _Cols(df)
        self.n = len(df)
        self.dx_slots = _slots(df, "JBDM")
        self.px_slots = _slots(df, "SSJCZBM")
        self.attr = load_code_list("procedure_attributes")

    # ---- eligibility helpers over all rows
    def eq(self, col, v) -> np.ndarray:
        return self.c[col] == v

    def nonempty(self, col) -> np.ndarray:
        return self.c[col] != ""

    def num(self, col) -> np.ndarray:
        return pd.to_numeric(pd.Series(self.c[col]).replace("", np.nan), errors="coerce").to_numpy()

    def dx_free(self) -> np.ndarray:
        return self.c[f"JBDM{self.dx_slots}"] == "" if self.dx_slots else np.zeros(self.n, bool)

    def px_free(self) -> np.ndarray:
        return self.c[f"SSJCZBM{self.px_slots}"] == "" if self.px_slots else np.zeros(self.n, bool)

    def any_dx(self, pattern: str) -> np.ndarray:
        out = np.array(pd.Series(self.c["JBDM"]).str.match(pattern), dtype=bool)
        for k in range(1, self.dx_slots + 1):
            out |= pd.Series(self.c[f"JBDM{k}"]).str.match(pattern).to_numpy(dtype=bool)
        return out

    def surgery_px(self) -> np.ndarray:
        codes = set(self.attr.values)
        out = np.zeros(self.n, bool)
        for k in range(1, self.px_slots + 1):
            out |= pd.Series(self.c[f"SSJCZBM{k}"]).isin(codes).to_numpy()
        return out

    def any_px_field(self, field: str) -> np.ndarray:
        out = np.zeros(self.n, bool)
        for k in range(1, self.px_slots + 1):
            out |= self.c[f"{field}{k}"] != ""
        return out

    # ---- mutation helpers on selected rows
    def first_free_dx(self, idx) -> np.ndarray:
        cnt = np.zeros(len(idx), dtype=int)
        for k in range(1, self.dx_slots + 1):
            cnt += (self.c[f"JBDM{k}"][idx] != "")
        return cnt + 1

    def first_free_px(self, idx) -> np.ndarray:
        cnt = np.zeros(len(idx), dtype=int)
        for k in range(1, self.px_slots + 1):
            cnt += (self.c[f"SSJCZBM{k}"][idx] != "")
        return cnt + 1

    def add_dx(self, idx, code, name, rybq="1") -> np.ndarray:
        """Put a diagnosis into the first free other-dx slot of each row; return the field names."""
        slot = self.first_free_dx(idx)
        for k in np.unique(slot):
            sel = idx[slot == k]
            self.c.set(f"JBDM{k}", sel, code if np.isscalar(code) else code[slot == k])
            self.c.set(f"QTZD{k}", sel, name if np.isscalar(name) else name[slot == k])
            self.c.set(f"RYBQ{k}", sel, rybq if np.isscalar(rybq) else rybq[slot == k])
        return np.char.add("JBDM", slot.astype(str)).astype(object)

    def set_principal(self, idx, code, name) -> None:
        self.c.set("JBDM", idx, code)
        self.c.set("ZYZD", idx, name)

    def add_money(self, col, idx, delta) -> None:
        self.c.set(col, idx, _fmt_money(self.c.money(col, idx) + delta))


# Each defect: (rule ids it triggers, eligibility(ctx) -> mask, apply(ctx, idx) -> (fields, extra rows))
# ``apply`` returns the reported field per row (array or scalar) and optional co-triggered rules as a list of
# (rule_id, field, mask-over-idx).

DEFECTS: list[dict] = []


def defect(rule_id: str, description: str):
    def deco(fn):
        DEFECTS.append({"rule_id": rule_id, "description": description, "fn": fn})
        return fn
    return deco


@defect("CMP-001", "出生日期 CSRQ 置空")
def _(x: _Ctx):
    def apply(idx):
        x.c.set("CSRQ", idx, "")
        return "CSRQ", []
    return x.num("NL") >= 1, apply


@defect("CMP-002", "入院途径 RYTJ = 4 (不在 RC026)")
def _(x):
    def apply(idx):
        x.c.set("RYTJ", idx, "4")
        return "RYTJ", []
    return np.ones(x.n, bool), apply


@defect("CMP-003", "主要诊断名称 ZYZD 置空")
def _(x):
    def apply(idx):
        x.c.set("ZYZD", idx, "")
        return "ZYZD", []
    return x.nonempty("JBDM"), apply


@defect("CMP-004", "其他诊断1 入院病情置空")
def _(x):
    def apply(idx):
        x.c.set("RYBQ1", idx, "")
        return "RYBQ1", []
    return x.nonempty("JBDM1") if x.dx_slots else np.zeros(x.n, bool), apply


@defect("CMP-008", "离院方式改为医嘱转院，未填拟接收机构")
def _(x):
    def apply(idx):
        x.c.set("LYFS", idx, "2")
        x.c.set("YZZY_JGMC", idx, "")
        return "YZZY_JGMC", []
    return x.eq("LYFS", "1"), apply


@defect("CMP-009a", "31天再住院计划=有，目的为空")
def _(x):
    def apply(idx):
        x.c.set("SFZZYJH", idx, "2")
        x.c.set("MD", idx, "")
        return "MD", []
    return x.eq("SFZZYJH", "1") & ~x.eq("LYFS", "5"), apply


@defect("CMP-009b", "31天再住院计划=无，却填了目的")
def _(x):
    def apply(idx):
        x.c.set("MD", idx, "复查")
        return "MD", []
    return x.eq("SFZZYJH", "1") & ~x.nonempty("MD"), apply


@defect("DT-001", "出院时间改为入院当日 00:00:00（早于入院时间）")
def _(x):
    rysj, cysj = x.c["RYSJ"], x.c["CYSJ"]
    r = pd.Series(rysj)
    ok = (r.str.slice(0, 7) == pd.Series(cysj).str.slice(0, 7)).to_numpy() & \
        (r.str.slice(11) > "00:00:00").to_numpy() & ~x.nonempty("SSJCZBM1") if x.px_slots else \
        np.zeros(x.n, bool)

    def apply(idx):
        x.c.set("CYSJ", idx, np.char.add(pd.Series(rysj[idx]).str.slice(0, 10).to_numpy().astype(str),
                                        " 00:00:00").astype(object))
        return "RYSJ", []
    return ok, apply


@defect("DT-003", "实际住院天数 +3")
def _(x):
    los = x.num("SJZYTS")

    def apply(idx):
        x.c.set("SJZYTS", idx, (los[idx] + 3).astype(int).astype(str).astype(object))
        return "SJZYTS", []
    return los >= 2, apply


@defect("DT-005", "年龄 NL +2（与出生日期不符）")
def _(x):
    nl = x.num("NL")

    def apply(idx):
        x.c.set("NL", idx, (nl[idx] + 2).astype(int).astype(str).astype(object))
        return "NL", []
    return (nl >= 6) & x.nonempty("CSRQ"), apply


@defect("SEX-001", "女性患者加男性专属诊断 N40.x00")
def _(x):
    def apply(idx):
        return x.add_dx(idx, "N40.x00", "前列腺增生"), []
    return x.eq("XB", "2") & x.dx_free(), apply


@defect("SEX-002", "男性患者加女性专属诊断 N80.000")
def _(x):
    def apply(idx):
        return x.add_dx(idx, "N80.000", "子宫内膜异位症"), []
    return x.eq("XB", "1") & x.dx_free(), apply


@defect("SEX-003", "女性患者加男性专属手术 60.1100")
def _(x):
    def apply(idx):
        slot = x.first_free_px(idx)
        date = pd.Series(x.c["RYSJ"][idx]).str.slice(0, 10).to_numpy().astype(object)
        for k in np.unique(slot):
            sel = slot == k
            x.c.set(f"SSJCZBM{k}", idx[sel], "60.1100")
            x.c.set(f"SSJCZMC{k}", idx[sel], "前列腺活组织检查")
            x.c.set(f"SSJCZRQ{k}", idx[sel], date[sel])
        return np.char.add("SSJCZBM", slot.astype(str)).astype(object), []
    return x.eq("XB", "2") & x.px_free() & (x.attr.lookup("60.1100") is None), apply


@defect("AGE-001", "6岁以上患者加围生期诊断 P07.300")
def _(x):
    def apply(idx):
        return x.add_dx(idx, "P07.300", "早产儿"), []
    return (x.num("NL") >= 6) & x.dx_free(), apply


@defect("AGE-002", "1–5岁患者主要诊断改为围生期诊断 P07.300")
def _(x):
    nl = x.num("NL")

    def apply(idx):
        x.set_principal(idx, "P07.300", "早产儿")
        return "JBDM", []
    return (nl >= 1) & (nl <= 5) & ~x.any_dx(r"P07\.3"), apply


@defect("AGE-003", "1–5岁患者加产伤诊断 P10.000")
def _(x):
    nl = x.num("NL")

    def apply(idx):
        return x.add_dx(idx, "P10.000", "产伤所致硬膜下出血"), []
    return (nl >= 1) & (nl <= 5) & x.dx_free(), apply


@defect("AGE-004", "12岁及以下患者加生殖器良性肿瘤诊断 (女 D25.900 / 男 D29.100)")
def _(x):
    def apply(idx):
        fem = x.c["XB"][idx] == "2"
        code = np.where(fem, "D25.900", "D29.100").astype(object)
        name = np.where(fem, "子宫平滑肌瘤", "睾丸良性肿瘤").astype(object)
        return x.add_dx(idx, code, name), []
    return (x.num("NL") <= 12) & (x.eq("XB", "2") | x.eq("XB", "1")) & x.dx_free(), apply


@defect("AGE-006", "新生儿（≤28天）入院体重置空")
def _(x):
    def apply(idx):
        x.c.set("XSERYTZ", idx, "")
        return "XSERYTZ", []
    return (x.num("NL") == 0) & (x.num("BZYZS_NL") <= 28) & x.nonempty("XSERYTZ"), apply


def _principal(rule, desc, code, name, extra=()):
    @defect(rule, desc)
    def _(x):
        def apply(idx):
            x.set_principal(idx, code, name)
            return "JBDM", [(r, "JBDM", np.ones(len(idx), bool)) for r in extra]
        pat = re.escape(code[:5])
        return ~x.any_dx(pat), apply


_principal("PDX-001", "主要诊断改为外因编码 V43.500", "V43.500", "小汽车乘员在与小汽车碰撞中的损伤", ("ODX-006",))
_principal("PDX-002", "主要诊断改为形态学编码 M8140/3", "M8140/3", "腺癌")
_principal("PDX-003", "主要诊断改为病原体编码 B96.200", "B96.200", "大肠埃希菌感染")
_principal("PDX-004", "主要诊断改为个人史 Z85.300", "Z85.300", "乳腺恶性肿瘤个人史")
_principal("PDX-006", "主要诊断改为后遗症 I69.300", "I69.300", "脑梗死后遗症")


@defect("PDX-010", "主要诊断编码在其他诊断中重复")
def _(x):
    def apply(idx):
        return x.add_dx(idx, x.c["JBDM"][idx].copy(), x.c["ZYZD"][idx].copy()), []
    return x.nonempty("JBDM") & x.dx_free(), apply


@defect("PDX-011", "主要诊断改为 S72.000 股骨颈骨折，外部原因编码置空")
def _(x):
    def apply(idx):
        x.set_principal(idx, "S72.000", "股骨颈骨折")
        x.c.set("H23", idx, "")
        x.c.set("WBYY", idx, "")
        return "H23", []
    return ~x.any_dx(r"S72\.0"), apply


@defect("PDX-012a", "主要诊断改为 C18.900 结肠恶性肿瘤，病理编码和病理号置空")
def _(x):
    def apply(idx):
        x.set_principal(idx, "C18.900", "结肠恶性肿瘤")
        for c in ("JBMM", "BLH", "BLZD"):
            x.c.set(c, idx, "")
        return "JBMM", []
    return ~x.any_dx(r"C18\.9"), apply


@defect("PDX-012b", "主要诊断改为 C78.700 肝继发恶性肿瘤，形态学编码动态 /3")
def _(x):
    def apply(idx):
        x.set_principal(idx, "C78.700", "肝继发恶性肿瘤")
        x.c.set("JBMM", idx, "M8140/3")
        x.c.set("BLZD", idx, "腺癌")
        x.c.set("BLH", idx, np.char.add("BL", x.c["BAH"][idx].astype(str)).astype(object))
        return "JBMM", []
    return ~x.any_dx(r"C78\.7"), apply


@defect("ODX-001", "其他诊断1 重复填写")
def _(x):
    def apply(idx):
        return x.add_dx(idx, x.c["JBDM1"][idx].copy(), x.c["QTZD1"][idx].copy(), x.c["RYBQ1"][idx].copy()), []
    return (x.nonempty("JBDM1") if x.dx_slots else np.zeros(x.n, bool)) & x.dx_free(), apply


@defect("ODX-004", "女性患者加分娩编码 O80.000，无分娩结局 Z37")
def _(x):
    nl = x.num("NL")

    def apply(idx):
        x.add_dx(idx, "O80.000", "单胎顺产")
        return "JBDM", []
    return x.eq("XB", "2") & (nl >= 20) & (nl <= 40) & x.dx_free() & ~x.any_dx(r"Z37|O8[0-4]"), apply


@defect("ODX-006", "其他诊断加外因编码 W19.x00")
def _(x):
    def apply(idx):
        return x.add_dx(idx, "W19.x00", "跌倒"), []
    return x.dx_free() & ~x.any_dx(r"W19"), apply


@defect("PX-002", "手术（属性=手术）的术者置空")
def _(x):
    codes = set(x.attr.values)
    ok = pd.Series(x.c["SSJCZBM1"]).isin(codes).to_numpy() & x.nonempty("SZ1") if x.px_slots else \
        np.zeros(x.n, bool)

    def apply(idx):
        x.c.set("SZ1", idx, "")
        return "SZ1", []
    return ok, apply


@defect("PX-005", "手术操作日期1 改为出院后第3天")
def _(x):
    def apply(idx):
        d = pd.to_datetime(pd.Series(x.c["CYSJ"][idx]).str.slice(0, 10)) + pd.Timedelta(days=3)
        x.c.set("SSJCZRQ1", idx, d.dt.strftime("%Y-%m-%d").to_numpy().astype(object))
        return "SSJCZRQ1", []
    return x.nonempty("SSJCZBM1") if x.px_slots else np.zeros(x.n, bool), apply


@defect("PX-006", "附加编码 00.4000 放到主要手术位置（原主要手术后移）")
def _(x):
    fields = ("SSJCZBM", "SSJCZRQ", "SSJB", "SSJCZMC", "SZ", "YZ", "EZ", "QKDJ", "QKYHLB", "MZFS", "MZYS")
    fields = [f for f in fields if f"{f}1" in x.c.df.columns]

    def apply(idx):
        slot = x.first_free_px(idx)
        for k in np.unique(slot):
            sel = idx[slot == k]
            for f in fields:                        # move procedure 1 to the free slot
                x.c.set(f"{f}{k}", sel, x.c[f"{f}1"][sel].copy())
            x.c.set("SSJCZBM1", sel, "00.4000")
            x.c.set("SSJCZMC1", sel, "单根血管操作")
            for f in fields:
                if f not in ("SSJCZBM", "SSJCZMC", "SSJCZRQ"):
                    x.c.set(f"{f}1", sel, "")
        return "SSJCZBM1", []
    return (x.nonempty("SSJCZBM1") & x.px_free()) if x.px_slots else np.zeros(x.n, bool), apply


@defect("PX-009", "无手术操作编码但手术费 100.00（手术治疗费、总费用同加）")
def _(x):
    ssf = x.num("SSF")

    def apply(idx):
        for c in ("SSF", "SSZLF", "ZFY"):
            x.add_money(c, idx, 100.0)
        return "SSF", []
    no_px = ~x.nonempty("SSJCZBM1") if x.px_slots else np.ones(x.n, bool)
    return no_px & (np.nan_to_num(ssf) == 0), apply


@defect("DS-001", "离院方式改为死亡，尸检未填")
def _(x):
    def apply(idx):
        x.c.set("LYFS", idx, "5")
        x.c.set("SWHZSJ", idx, "")
        return "SWHZSJ", []
    return x.eq("LYFS", "1") & x.eq("SFZZYJH", "1"), apply


@defect("DS-002", "离院方式改为死亡，31天再住院计划=有")
def _(x):
    def apply(idx):
        x.c.set("LYFS", idx, "5")
        x.c.set("SWHZSJ", idx, "2")
        return "SFZZYJH", []
    return x.eq("LYFS", "1") & x.eq("SFZZYJH", "2") & x.nonempty("MD"), apply


@defect("FEE-001", "住院总费用改为 0.00（同时不等于分项之和）")
def _(x):
    def apply(idx):
        zfje = x.c.money("ZFJE", idx)
        x.c.set("ZFY", idx, "0.00")
        return "ZFY", [("FEE-002", "ZFY", np.ones(len(idx), bool)), ("FEE-004", "ZFJE", zfje > 0)]
    return x.num("ZFY") > 0, apply


@defect("FEE-002", "住院总费用 +50.00（不等于分项之和）")
def _(x):
    def apply(idx):
        x.add_money("ZFY", idx, 50.0)
        return "ZFY", []
    return x.num("ZFY") > 0, apply


@defect("FEE-003", "抗菌药物费用 = 西药费 + 10.00")
def _(x):
    def apply(idx):
        x.c.set("KJYWF", idx, _fmt_money(x.c.money("XYF", idx) + 10.0))
        return "KJYWF", []
    return np.ones(x.n, bool), apply


@defect("FEE-004", "自付金额 = 总费用 + 100.00")
def _(x):
    def apply(idx):
        x.c.set("ZFJE", idx, _fmt_money(x.c.money("ZFY", idx) + 100.0))
        return "ZFJE", []
    return x.num("ZFY") > 0, apply


def _fee_zero(rule, desc, item, parent, extra_ok):
    @defect(rule, desc)
    def _(x):
        v = np.nan_to_num(x.num(item))
        zfy = np.nan_to_num(x.num("ZFY"))
        zfje = np.nan_to_num(x.num("ZFJE"))

        def apply(idx):
            amt = x.c.money(item, idx)
            x.add_money("ZFY", idx, -amt)
            if parent:
                x.add_money(parent, idx, -amt)
            x.c.set(item, idx, "0.00")
            return item, []
        return (v > 0) & (zfy - v > 0) & (zfje <= zfy - v) & extra_ok(x), apply


_fee_zero("FEE-005", "住院>1天，护理费改为 0（总费用同减）", "HLF", None, lambda x: x.num("SJZYTS") >= 2)
_fee_zero("FEE-007", "有麻醉方式，麻醉费改为 0（手术治疗费、总费用同减）", "MAF", "SSZLF",
          lambda x: x.any_px_field("MZFS"))
_fee_zero("FEE-008", "有手术（属性=手术），手术费改为 0（手术治疗费、总费用同减）", "SSF", "SSZLF",
          lambda x: x.surgery_px())


def injectable_rules() -> list[str]:
    return [d["rule_id"] for d in DEFECTS]


def inject_defects(cases: pd.DataFrame, rate: float, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inject one defect into each of about ``rate × len(cases)`` cases; return (cases, manifest)."""
    df = cases.copy(deep=False)
    n = len(df)
    k = int(round(rate * n))
    if k <= 0 or n == 0:
        return df, pd.DataFrame(columns=MANIFEST_COLUMNS)
    x = _Ctx(df)
    built = [(d, *d["fn"](x)) for d in DEFECTS]          # (defect, eligible mask, apply)
    r = len(built)
    target = np.full(r, k // r)
    target[: k % r] += 1
    used = np.zeros(n, bool)
    order = rng.permutation(n)                           # one random order; each rule takes its first rows
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    # scarce defects choose first, so the common ones do not take their only candidates
    counts = [int(m.sum()) for _, m, _ in built]
    manifest_parts = []
    for j in np.argsort(counts, kind="stable"):
        d, mask, apply = built[j]
        cand = np.flatnonzero(mask & ~used)
        if len(cand) < target[j]:
            log.warning("defect %s: %d eligible cases for %d wanted", d["rule_id"], len(cand), target[j])
        idx = cand[np.argsort(rank[cand], kind="stable")[: target[j]]]
        if not len(idx):
            continue
        used[idx] = True
        fields, extra = apply(idx)
        keys = {c: x.c[c][idx] for c in ("ZZJGDM", "BAH", "ZYCS")}
        manifest_parts.append(pd.DataFrame({**keys, "rule_id": d["rule_id"],
                                            "field": fields, "description": d["description"]}))
        for rid, fld, m in extra:
            if m.any():
                manifest_parts.append(pd.DataFrame({**{c: v[m] for c, v in keys.items()}, "rule_id": rid,
                                                    "field": fld, "description": d["description"]}))
    df = x.c.write_back()
    manifest = pd.concat(manifest_parts, ignore_index=True) if manifest_parts else \
        pd.DataFrame(columns=MANIFEST_COLUMNS)
    return df, manifest[MANIFEST_COLUMNS]
