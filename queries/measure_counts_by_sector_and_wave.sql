-- Purpose: the counts behind the unit measure per sector (guide §6), per wave.
-- Grain: one row per sector that has unit-leader answers in the database, and wave
--        (n = 0 where a sector was not surveyed in a wave, e.g. 2018 covered two sectors).
-- Parameters: $sectors list of sectors to include, or NULL for all sectors
-- Output: area_code (sector), area_name (sector), wave_year, n, yes_n, weight_sum, yes_weight,
--         weight_square_sum
WITH eligible AS (
    SELECT wave_year, sector, weight, research_collaboration AS collaborated
    FROM response
    WHERE respondent_role = 'unit_leader'
      AND innovated
      AND research_collaboration IS NOT NULL
      AND ($sectors IS NULL OR list_contains($sectors, sector))
),
sectors AS (
    SELECT DISTINCT sector
    FROM response
    WHERE respondent_role = 'unit_leader'
      AND ($sectors IS NULL OR list_contains($sectors, sector))
)
SELECT
    s.sector AS area_code,
    s.sector AS area_name,
    w.wave_year,
    count(e.collaborated) AS n,
    count(e.collaborated) FILTER (WHERE e.collaborated) AS yes_n,
    coalesce(sum(e.weight), 0) AS weight_sum,
    coalesce(sum(e.weight) FILTER (WHERE e.collaborated), 0) AS yes_weight,
    coalesce(sum(e.weight * e.weight), 0) AS weight_square_sum
FROM sectors AS s
CROSS JOIN wave AS w
LEFT JOIN eligible AS e ON e.sector = s.sector AND e.wave_year = w.wave_year
GROUP BY s.sector, w.wave_year
ORDER BY area_code, w.wave_year
