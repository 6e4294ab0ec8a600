-- Purpose: what each municipality of one county answered in each wave, for the answer matrix.
-- Grain: one row per municipality of the county (2024 structure) and wave in the database.
-- Parameters: $county_code two-digit county code, e.g. '46'
--             $role        'chief_executive' (municipality measure) or 'unit_leader' (units)
-- Output: municipality_code, municipality_name, wave_year, responses_n (all answers of the role),
--         innovated_n, eligible_n (rows of view eligible_response, queries/views), yes_n
WITH answered AS (
    SELECT
        r.municipality_code,
        r.wave_year,
        count(*) AS responses_n,
        count(*) FILTER (WHERE r.innovated) AS innovated_n
    FROM response AS r
    JOIN municipality AS m USING (municipality_code)
    WHERE r.respondent_role = $role
      AND m.county_code = $county_code
    GROUP BY r.municipality_code, r.wave_year
),
eligible AS (
    SELECT
        e.municipality_code,
        e.wave_year,
        count(*) AS eligible_n,
        count(*) FILTER (WHERE e.collaborated) AS yes_n
    FROM eligible_response AS e
    JOIN municipality AS m USING (municipality_code)
    WHERE e.respondent_role = $role
      AND m.county_code = $county_code
    GROUP BY e.municipality_code, e.wave_year
)
SELECT
    m.municipality_code,
    m.municipality_name,
    w.wave_year,
    coalesce(a.responses_n, 0) AS responses_n,
    coalesce(a.innovated_n, 0) AS innovated_n,
    coalesce(e.eligible_n, 0) AS eligible_n,
    coalesce(e.yes_n, 0) AS yes_n
FROM municipality AS m
CROSS JOIN wave AS w
LEFT JOIN answered AS a ON a.municipality_code = m.municipality_code AND a.wave_year = w.wave_year
LEFT JOIN eligible AS e ON e.municipality_code = m.municipality_code AND e.wave_year = w.wave_year
WHERE m.county_code = $county_code
ORDER BY m.municipality_name, w.wave_year
