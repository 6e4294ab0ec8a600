-- Purpose: the counts behind each municipality's share of one measure (guide §6), per wave.
-- Grain: one row per municipality (all 357, 2024 codes) and wave (n = 0 without eligible answers).
-- Parameters: $role    'chief_executive' (municipality measure) or 'unit_leader' (unit measure)
--             $sectors list of sectors to include, or NULL for all sectors
-- Output: area_code (municipality code), area_name, county_code, wave_year, n, yes_n,
--         weight_sum, yes_weight, weight_square_sum
WITH eligible AS (
    SELECT wave_year, municipality_code, weight, collaborated
    FROM eligible_response
    WHERE respondent_role = $role
      AND ($sectors IS NULL OR list_contains($sectors, sector))
)
SELECT
    m.municipality_code AS area_code,
    m.municipality_name AS area_name,
    m.county_code,
    w.wave_year,
    count(e.collaborated) AS n,
    count(e.collaborated) FILTER (WHERE e.collaborated) AS yes_n,
    coalesce(sum(e.weight), 0) AS weight_sum,
    coalesce(sum(e.weight) FILTER (WHERE e.collaborated), 0) AS yes_weight,
    coalesce(sum(e.weight * e.weight), 0) AS weight_square_sum
FROM municipality AS m
CROSS JOIN wave AS w
LEFT JOIN eligible AS e ON e.municipality_code = m.municipality_code AND e.wave_year = w.wave_year
GROUP BY m.municipality_code, m.municipality_name, m.county_code, w.wave_year
ORDER BY area_code, w.wave_year
