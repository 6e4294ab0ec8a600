-- View: eligible_response, the measure's eligibility rule (guide §6), stated once.
-- Rule: a response counts towards the measure when it innovated (innovated = yes) and gave a
--       known yes or no on research collaboration (research_collaboration not blank / "don't
--       know"). Only these responses are in a share's denominator; `collaborated` = yes is the
--       numerator. Queries aggregate over this view and never restate the rule.
-- Grain: one row per eligible response (all roles, sectors and waves; queries filter those).
-- Columns: wave_year, respondent_id (with wave_year the response's key), municipality_code
--          (2024 code), respondent_role, sector, weight, collaborated (BOOLEAN, never NULL),
--          research_partner (NULL when none was named)
--
-- Why a TEMP view, created by tracker/data/db.py:run_query on each query's own cursor, and not
-- a view stored by schema.sql: snapshots ATTACH the database file READ_ONLY, so nothing can be
-- created in it, and files written by earlier versions have no such view. A stored view would
-- need a schema version bump (every user re-imports) and would freeze this version's rule into
-- each file. A TEMP view lives in the reading connection only (DuckDB's temp catalog, searched
-- before the attached one), so it works on every schema-1 file and always carries the rule of
-- the program that reads it. Temp objects are per connection and a cursor does not see its
-- parent's, so it is made on the cursor that runs the query (~1 ms; nothing is cached to go
-- stale). `response` is left unqualified: it resolves in the catalog the cursor USEs.
CREATE TEMP VIEW eligible_response AS
SELECT
    wave_year,
    respondent_id,
    municipality_code,
    respondent_role,
    sector,
    weight,
    research_collaboration AS collaborated,
    research_partner
FROM response
WHERE innovated
  AND research_collaboration IS NOT NULL;
