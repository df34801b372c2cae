"""The costing-input generator: deterministic, loads without quarantine, consistent with the roster."""

import filecmp

import duckdb
import pandas as pd

from casemix.costing.load import load_costing
from casemix.generate.costing import generate_costing_inputs

DEPTS = pd.DataFrame([
    dict(zzjgdm="H1", dept_code="03.01", dept_name="呼吸内科", dept_class="临床服务类", is_ward=True, beds=40, ward_name="呼吸内科病区"),
    dict(zzjgdm="H1", dept_code="04.01", dept_name="普通外科", dept_class="临床服务类", is_ward=True, beds=30, ward_name="普通外科病区"),
    dict(zzjgdm="H1", dept_code="26", dept_name="麻醉科", dept_class="医疗技术类", is_ward=False, beds=0, ward_name=""),
])
MONTHS = ["2024-01", "2024-02"]


def test_deterministic(tmp_path):
    a = generate_costing_inputs(tmp_path / "a", 5, DEPTS, MONTHS)
    b = generate_costing_inputs(tmp_path / "b", 5, DEPTS, MONTHS)
    assert all(filecmp.cmp(x, y, shallow=False) for x, y in zip(a, b))


def test_loads_clean_and_maps_every_ward(tmp_path):
    summary = pd.DataFrame([dict(hospital_id="H1", dept_code="03.01", month="2024-01", cases=10, bed_days=80,
                                 total_amount=100000.0, drug_amount=30000.0, material_amount=10000.0,
                                 lab_amount=8000.0, imaging_amount=5000.0, pathology_amount=0.0,
                                 surgery_amount=0.0)])
    generate_costing_inputs(tmp_path, 5, DEPTS, MONTHS, summary)
    con = duckdb.connect()
    stats = load_costing(con, tmp_path / "costing")
    assert sum(s.rows_quarantined for s in stats) == 0 and len(stats) == 5
    assert con.execute("select discharge_dept_code, inpatient_cost_center_code from costing.dept_mapping "
                       "order by 1").fetchall() == [("03.01", "03.01-I"), ("04.01", "04.01-I")]
    assert con.execute("select dept_class, service_kind from costing.departments "
                       "where cost_center_code = '26'").fetchall() == [("medical_technical", "surgery")]
    # the clinical ledger books the cases' drugs and materials, so the direct pool stays positive
    drugs, direct = con.execute("""select sum(amount) filter (where cost_item in ('drugs', 'medical_materials')),
            sum(amount) filter (where fund_source in ('own', 'fiscal_basic'))
        from costing.cost_ledger where cost_center_code = '03.01-I' and month = DATE '2024-01-01'""").fetchone()
    assert float(drugs) == 40000.0 and float(direct) > 40000.0
    con.close()
