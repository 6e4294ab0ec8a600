-- Purpose: the counts behind each county's share of one measure (guide §6), per wave.
-- Grain: one row per county (all 15) and wave (n = 0 where there are no eligible answers).
-- Parameters: $role    'chief_executive' (municipality measure) or 'unit_leader' (unit measure)
--             $sectors list of sectors to include, or NULL for all sectors
-- Output: area_code (county code), area_name, wave_year, n, yes_n, weight_sum, yes_weight,
--         weight_square_sum
WITH eligible AS (
    SELECT r.wave_year, m.county_code, r.weight, r.collaborated
    FROM eligible_response AS r
    JOIN municipality AS m USING (municipality_code)
    WHERE r.respondent_role = $role
      AND ($sectors IS NULL OR list_contains($sectors, r.sector))
)
SELECT
    c.county_code AS area_code,
    c.county_name AS area_name,
    w.wave_year,
    count(e.collaborated) AS n,
    count(e.collaborated) FILTER (WHERE e.collaborated) AS yes_n,
    coalesce(sum(e.weight), 0) AS weight_sum,
    coalesce(sum(e.weight) FILTER (WHERE e.collaborated), 0) AS yes_weight,
    coalesce(sum(e.weight * e.weight), 0) AS weight_square_sum
FROM county AS c
CROSS JOIN wave AS w
LEFT JOIN eligible AS e ON e.county_code = c.county_code AND e.wave_year = w.wave_year
GROUP BY c.county_code, c.county_name, w.wave_year
ORDER BY area_code, w.wave_year
