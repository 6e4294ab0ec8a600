-- Purpose: the counts behind the national share of one measure (guide §6), per wave.
-- Grain: one row per wave in the database (n = 0 when a wave has no eligible answers).
-- Parameters: $role    'chief_executive' (municipality measure) or 'unit_leader' (unit measure)
--             $sectors list of sectors to include, or NULL for all sectors
-- Output: area_code ('NO'), area_name, wave_year, n (responses in the denominator: the rows of
--         view eligible_response, queries/views), yes_n, weight_sum, yes_weight,
--         weight_square_sum
WITH eligible AS (
    SELECT wave_year, weight, collaborated
    FROM eligible_response
    WHERE respondent_role = $role
      AND ($sectors IS NULL OR list_contains($sectors, sector))
)
SELECT
    'NO' AS area_code,
    'Norge' AS area_name,
    w.wave_year,
    count(e.collaborated) AS n,
    count(e.collaborated) FILTER (WHERE e.collaborated) AS yes_n,
    coalesce(sum(e.weight), 0) AS weight_sum,
    coalesce(sum(e.weight) FILTER (WHERE e.collaborated), 0) AS yes_weight,
    coalesce(sum(e.weight * e.weight), 0) AS weight_square_sum
FROM wave AS w
LEFT JOIN eligible AS e ON e.wave_year = w.wave_year
GROUP BY w.wave_year
ORDER BY w.wave_year
