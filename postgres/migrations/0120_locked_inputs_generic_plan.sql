-- locked_inputs' read was planned anew at every call all the same: PL/pgSQL kept choosing a
-- plan for the call's arrays over its cached generic plan, and the planning of the four-part
-- read cost 0.4-0.7 ms a call under the locks (pgbench, one client: lock and read as two
-- statements 0.27-0.49 ms a transaction, the function 0.70-0.99 ms, and 0.29-0.53 ms with
-- the generic plan). The arrays' values do not change the plan worth having (an index scan
-- per identifier), so the function always takes the generic one.
ALTER FUNCTION locked_inputs(integer[], text[], text[]) SET plan_cache_mode = force_generic_plan;
