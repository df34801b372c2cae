"""Recall and clean-case precision on the generator's output with injected defects.

Generated extract → the ingest loader → the rule runner, compared with the injector's manifest at the
(case, rule) level: recall ≥ 99 % for every injected rule, flags on clean cases ≤ 0.1 %.
Skips when the generator or ingest is not importable.
"""

from __future__ import annotations

import pytest

generate_mod = pytest.importorskip("casemix.generate.core")
ingest_mod = pytest.importorskip("casemix.ingest.stage")


@pytest.fixture(scope="module")
def checked(tmp_path_factory, ruleset, gx_loaded):
    import duckdb

    from casemix.quality.runner import check_partitions

    out = tmp_path_factory.mktemp("gen")
    key = b"recall-test-key"
    res = generate_mod.generate(out, seed=11, key=key, cases=20000, defect_rate=0.10, months=3,
                                single_file="all.csv", scheme="demo")
    con = duckdb.connect(":memory:")
    ingest_mod.load_extract_to_duckdb(con, out / "front_page" / "all.csv", key=key)
    q = check_partitions(con, None, ruleset, code_table=None)
    return res, q


def test_recall_per_injected_rule(checked):
    from casemix.generate.defects import injectable_rules

    gen, q = checked
    manifest = gen.manifest[["discharge_id", "rule_id"]].drop_duplicates()
    found = q.issues[["discharge_id", "rule_id"]].drop_duplicates()
    hit = manifest.merge(found, how="left", indicator=True)
    by_rule = hit.groupby("rule_id")["_merge"].apply(lambda s: (s == "both").mean())
    counts = manifest["rule_id"].value_counts()
    for rid in injectable_rules():
        assert counts.get(rid, 0) >= 20, f"{rid}: only {counts.get(rid, 0)} injected"
        assert by_rule[rid] >= 0.99, f"{rid}: recall {by_rule[rid]:.3f}"


def test_clean_cases_are_not_flagged_and_defects_trip_only_listed_rules(checked):
    gen, q = checked
    defect_cases = set(gen.manifest["discharge_id"])
    flagged = set(q.issues["discharge_id"])
    clean = gen.n_cases - len(defect_cases)
    false_flags = len(flagged - defect_cases)
    assert false_flags / clean <= 0.001, f"{false_flags} clean cases flagged"
    listed = set(map(tuple, gen.manifest[["discharge_id", "rule_id"]].to_numpy()))
    extra = {(d, r) for d, r in q.issues[["discharge_id", "rule_id"]].itertuples(index=False)
             if d in defect_cases and (d, r) not in listed}
    assert len(extra) / len(defect_cases) <= 0.01, sorted(extra)[:10]
