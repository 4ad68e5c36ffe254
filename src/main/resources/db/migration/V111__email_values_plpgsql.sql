-- Issue 16: scim_email_values (V1), the expression of the GIN index behind `emails.value eq`, was a
-- SQL function with a FROM clause. PostgreSQL cannot inline such a function, and before 18 it
-- keeps no plan for one across statements: every INSERT or non-HOT UPDATE of an account parsed,
-- analysed and planned its body again (and first tried to inline it, parsing it once more). In a
-- perf profile of single-row creates that was about 9 % of PostgreSQL's CPU (fmgr_sql,
-- base_yyparse, eval_const_expressions under FormIndexDatum), for a one-line loop.
--
-- The same function in PL/pgSQL, without a query: every expression below is a "simple expression"
-- that PL/pgSQL evaluates without the executor, and the function is compiled once per session.
-- The result is the same for every input (the index is not rebuilt, so it must be): the lower-cased
-- `->> 'value'` of each element of `emails` when that is an array, in order, NULL for an element
-- without one, exactly as `array_agg(lower(e ->> 'value'))` gave it; '{}' otherwise.
-- EmailValuesFunctionIT compares the two on random documents.
create or replace function scim_email_values(attrs jsonb) returns text[]
    language plpgsql immutable parallel safe
as $$
declare
    emails jsonb := attrs -> 'emails';
    result text[] := '{}';
begin
    if jsonb_typeof(emails) = 'array' then
        for i in 0 .. jsonb_array_length(emails) - 1 loop
            result := array_append(result, lower(emails -> i ->> 'value'));
        end loop;
    end if;
    return result;
end $$;
