{#- Severity (并发症或合并症) of each case: MCC when a secondary diagnosis on the MCC list counts, else CC
    when one on the CC list counts, else none. A secondary does not count when the principal diagnosis is
    in the exclusion table it names (cc_exclusions); a null table (无) always counts. A secondary equal to
    the principal diagnosis is ignored. Dagger/asterisk codes: the whole code is looked up first, then the
    dagger part (for the secondary on the MCC/CC lists and for the principal in the exclusion table).
    Grain: discharge_key x scheme_key (valid, mappable cases with a secondary on the MCC/CC list; the
    others have severity none).
    Ephemeral: a CTE of int_discharges_grouped, which reads severity_level. The SQL is the macro
    grouper_assess_severity (grouper_severity.sql), here without the texts; the trace view runs the same
    macro with them (severity_trace: the deciding secondary, the first excluded one, how many others). -#}
{{ config(materialized='ephemeral') }}
{{ grouper_assess_severity(with_trace=false) }}
