-- Purpose: what each municipality of one county answered in each wave, for the answer matrix.
-- Grain: one row per municipality of the county (2024 structure) and wave in the database.
-- Parameters: $county_code two-digit county code, e.g. '46'
--             $role        'chief_executive' (municipality measure) or 'unit_leader' (units)
-- Output: municipality_code, municipality_name, wave_year, responses_n (all answers of the role),
--         innovated_n, eligible_n (innovated with a yes/no on collaboration), yes_n
SELECT
    m.municipality_code,
    m.municipality_name,
    w.wave_year,
    count(r.respondent_id) AS responses_n,
    count(r.respondent_id) FILTER (WHERE r.innovated) AS innovated_n,
    count(r.research_collaboration) FILTER (WHERE r.innovated) AS eligible_n,
    count(r.respondent_id) FILTER (WHERE r.innovated AND r.research_collaboration) AS yes_n
FROM municipality AS m
CROSS JOIN wave AS w
LEFT JOIN response AS r
    ON r.municipality_code = m.municipality_code
    AND r.wave_year = w.wave_year
    AND r.respondent_role = $role
WHERE m.county_code = $county_code
GROUP BY m.municipality_code, m.municipality_name, w.wave_year
ORDER BY m.municipality_name, w.wave_year
