"""The costing input tables: columns, types, value sets and header aliases (no Dagster imports).

Five inputs arrive in ``warehouse/landing/costing/`` as CSV or XLSX, one or more files per table, the
file name starting with the table name (``cost_ledger.csv``, ``cost_ledger_2024-03.xlsx``):

| table | grain | what |
|---|---|---|
| departments | hospital_id × cost_center_code | 成本核算科室 master: class, inpatient/outpatient half, driver override, CCR service kind |
| dept_mapping | hospital_id × discharge_dept_code | front-page 出院科别 → inpatient (and outpatient) cost centre |
| cost_ledger | hospital_id × month × cost_center_code × cost_item × fund_source | 科室直接成本 by the 7 cost items |
| allocation_drivers | hospital_id × month × driver × source_cost_center_code × target_cost_center_code | 分摊参数 |
| dept_revenue | hospital_id × month × cost_center_code × patient_type | 科室收入 (医疗收入) |

Value sets accept the English code or the Chinese term; they are stored as the English code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEPT_CLASSES = {  # code: Chinese term
    "clinical": "临床服务类",
    "medical_technical": "医疗技术类",
    "auxiliary": "医疗辅助类",
    "administrative": "行政后勤类",
}
CARE_SETTINGS = {"inpatient": "住院", "outpatient": "门诊", "none": "不区分"}
COST_ITEMS = {
    "personnel": "人员经费",
    "medical_materials": "卫生材料费",
    "drugs": "药品费",
    "depreciation": "固定资产折旧费",
    "amortization": "无形资产摊销费",
    "risk_fund": "提取医疗风险基金",
    "other_operating": "其他运行费用",
}
FUND_SOURCES = {
    "own": "医疗收入及其他自有资金",
    "fiscal_basic": "财政基本拨款",
    "fiscal_project": "财政项目拨款",
    "non_peer_fiscal_project": "非同级财政拨款项目",
    "research_teaching": "科教经费",
}
DRIVERS = {
    "headcount": "人员数",
    "floor_area": "面积",
    "service_volume": "服务量/工作量",
    "ordering_revenue": "收入(开单科室口径)",
    "revenue_share": "收入比重",   # quantities from dept_revenue unless allocation_drivers has general rows
}
PATIENT_TYPES = {"inpatient": "住院", "outpatient": "门诊"}


def _vocab(codes: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accepted spellings (lower-cased) → code: the code, the Chinese term, the term without 类."""
    out: dict[str, str] = {}
    for code, zh in codes.items():
        out[code.lower()] = code
        out[zh] = code
        if zh.endswith("类"):
            out[zh[:-1]] = code
    out.update(extra or {})
    return out


VOCAB = {
    "dept_class": _vocab(DEPT_CLASSES, {"临床": "clinical", "医技": "medical_technical", "医辅": "auxiliary",
                                        "行政": "administrative", "管理": "administrative"}),
    "care_setting": _vocab(CARE_SETTINGS, {"": "none"}),
    "cost_item": _vocab(COST_ITEMS, {"其他费用": "other_operating", "固定资产折旧": "depreciation",
                                     "无形资产摊销": "amortization"}),
    "fund_source": _vocab(FUND_SOURCES, {"自有资金": "own", "自筹": "own", "财政项目": "fiscal_project",
                                         "科教": "research_teaching"}),
    "driver": _vocab(DRIVERS, {"人员": "headcount", "服务量": "service_volume", "工作量": "service_volume",
                               "收入": "ordering_revenue"}),
    "patient_type": _vocab(PATIENT_TYPES),
}


@dataclass(frozen=True)
class Col:
    name: str
    dtype: str                      # str | decimal | month | code:<vocab>
    required: bool = True
    aliases: tuple[str, ...] = ()
    nonnegative: bool = False
    refers_to_department: bool = False  # must be a cost centre of the same hospital in departments


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    description: str
    checks: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


SQL_TYPES = {"str": "VARCHAR", "decimal": "DECIMAL(18,2)", "quantity": "DOUBLE", "month": "DATE"}

HOSPITAL = Col("hospital_id", "str", aliases=("zzjgdm", "组织机构代码", "医疗机构代码"))
MONTH = Col("month", "month", aliases=("period", "月份", "会计期间"))

TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("departments", (
        HOSPITAL,
        Col("cost_center_code", "str", aliases=("科室编码", "成本中心编码")),
        Col("cost_center_name", "str", aliases=("科室名称", "成本中心名称")),
        Col("dept_class", "code:dept_class", aliases=("科室类别", "class")),
        Col("care_setting", "code:care_setting", required=False, aliases=("门诊住院", "住院门诊标志")),
        Col("allocation_driver", "code:driver", required=False, aliases=("分摊参数", "driver")),
        Col("service_kind", "str", required=False, aliases=("服务单元", "ccr_service_kind")),
    ), key=("hospital_id", "cost_center_code"),
        description="Cost-centre master (成本核算科室): class, inpatient/outpatient half, driver override, "
                    "CCR service kind of medical-technical departments."),
    TableSpec("dept_mapping", (
        HOSPITAL,
        Col("discharge_dept_code", "str", aliases=("cykb", "出院科别", "出院科别代码")),
        Col("inpatient_cost_center_code", "str", refers_to_department=True, aliases=("住院成本中心",)),
        Col("outpatient_cost_center_code", "str", required=False, refers_to_department=True,
            aliases=("门诊成本中心",)),
    ), key=("hospital_id", "discharge_dept_code"),
        description="Front-page 出院科别 → inpatient cost centre (and its outpatient half).",
        checks=("inpatient_clinical",)),
    TableSpec("cost_ledger", (
        HOSPITAL, MONTH,
        Col("cost_center_code", "str", refers_to_department=True, aliases=("科室编码",)),
        Col("cost_item", "code:cost_item", aliases=("成本项目",)),
        Col("fund_source", "code:fund_source", aliases=("资金来源",)),
        Col("amount", "decimal", aliases=("金额", "cost_amount")),
    ), key=("hospital_id", "month", "cost_center_code", "cost_item", "fund_source"),
        description="Monthly direct cost of each cost centre by the 7 cost items and fund source."),
    TableSpec("allocation_drivers", (
        HOSPITAL, MONTH,
        Col("driver", "code:driver", aliases=("分摊参数",)),
        Col("source_cost_center_code", "str", required=False, refers_to_department=True,
            aliases=("分摊科室",)),
        Col("target_cost_center_code", "str", refers_to_department=True, aliases=("受益科室",)),
        Col("quantity", "quantity", nonnegative=True, aliases=("数量", "value")),
    ), key=("hospital_id", "month", "driver", "source_cost_center_code", "target_cost_center_code"),
        description="Allocation driver quantities; an empty source means the quantity holds for every "
                    "source department using that driver (headcount, floor area)."),
    TableSpec("dept_revenue", (
        HOSPITAL, MONTH,
        Col("cost_center_code", "str", refers_to_department=True, aliases=("科室编码",)),
        Col("patient_type", "code:patient_type", aliases=("门诊住院",)),
        Col("amount", "decimal", aliases=("收入", "revenue_amount")),
    ), key=("hospital_id", "month", "cost_center_code", "patient_type"),
        description="Monthly medical revenue (医疗收入) of each cost centre, inpatient and outpatient."),
)}

LOAD_ORDER = ["departments", "dept_mapping", "cost_ledger", "allocation_drivers", "dept_revenue"]
