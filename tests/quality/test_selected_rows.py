"""GX on the rows a rule's condition selects, without the condition (runner.run_rules), gives what GX gives
for the suite with its row conditions on the whole frame: for every rule part and condition of the
shipped rule set, on the failing and passing cases of every rule (test_rules.CASES), the same success,
counts and index lists per expectation, and the result is labelled with the conditional suite (its name
and each expectation's configuration, row condition included), which is what Data Docs show."""

from __future__ import annotations

from quality_fixtures import build_db
from test_rules import rule_cases

from casemix.quality import prepare as prep
from casemix.quality.runner import _GX, run_rules

# what a slimmed result (QualityResult.gx_results) keeps of GX's result dict
KEPT = ("element_count", "unexpected_count", "unexpected_percent", "partial_unexpected_list",
        "missing_count", "missing_percent", "unexpected_percent_total", "unexpected_percent_nonmissing",
        "partial_unexpected_index_list", "partial_unexpected_counts", "observed_value")


def _frames(ruleset):
    con = build_db(rule_cases())
    return prep.prepare_frames(con, None, None, columns=ruleset.columns_by_dataset())


def test_gx_on_the_selected_rows_gives_what_gx_gives_with_the_row_conditions(ruleset, gx_loaded):
    p = _frames(ruleset)
    res = run_rules(p.frames, ruleset, p.code_table_version, p.months, p.structural)
    gxh = _GX.get()
    compared = conditional = 0
    for dataset in prep.DATASET_COLUMNS:
        df = p.frames[dataset].reset_index(drop=True)
        for rule in ruleset.by_dataset(dataset):
            if "code_table" in rule.requires:
                continue
            by_cond: dict[str, list] = {}
            for c in rule.checks:
                by_cond.setdefault(repr(c.conditions), []).append(c)
            for j, cs in enumerate(by_cond.values()):
                key = f"{dataset}:{rule.id}" + (f".when{j + 1}" if len(by_cond) > 1 else "")
                got = res.gx_results[key]
                suite = gxh.suite(ruleset, dataset, cs)             # with the row conditions
                need = sorted({col for c in cs for col in (*c.columns, c.value_column)}
                              | {cd.column for c in cs for cd in c.conditions})
                want = gxh.validate(dataset, suite, df[need])       # GX applies them, on every row
                assert got.suite_name == want.suite_name == suite.name
                assert len(got.results) == len(want.results)
                by_check = {r.expectation_config.meta["casemix_check"]: r for r in want.results}
                for r in got.results:
                    w = by_check[r.expectation_config.meta["casemix_check"]]
                    assert r.expectation_config.to_json_dict() == w.expectation_config.to_json_dict()
                    assert r.success == w.success, key
                    assert {k: r.result.get(k) for k in KEPT} == {k: w.result.get(k) for k in KEPT}, key
                    assert r.exception_info == w.exception_info
                    compared += 1
                    conditional += bool(cs[0].conditions)
    assert compared > 50 and conditional > 20       # most rules, many of them with a condition
    # the suites without conditions are the runner's own: not in the GX context, so not in Data Docs
    assert not [s.name for s in gxh.ctx.suites.all() if s.name.endswith("_selected")]
