-- Purpose: the counts behind the unit measure per sector (guide §6), per wave.
-- Grain: one row per sector that has unit-leader answers in the database, and wave
--        (n = 0 where a sector was not surveyed in a wave, e.g. 2018 covered two sectors).
-- Parameters: $sectors list of sectors to include, or NULL for all sectors
-- Output: area_code (sector), area_name (sector), wave_year, n, yes_n, weight_sum, yes_weight,
--         weight_square_sum
WITH sectors AS (
    -- Every sector with unit-leader answers is listed, also when none of them is eligible.
    SELECT DISTINCT sector
    FROM response
    WHERE respondent_role = 'unit_leader'
      AND ($sectors IS NULL OR list_contains($sectors, sector))
),
counts AS (
    SELECT
        sector,
        wave_year,
        count(*) AS n,
        count(*) FILTER (WHERE collaborated) AS yes_n,
        sum(weight) AS weight_sum,
        sum(weight) FILTER (WHERE collaborated) AS yes_weight,
        sum(weight * weight) AS weight_square_sum
    FROM eligible_response
    WHERE respondent_role = 'unit_leader'
      AND ($sectors IS NULL OR list_contains($sectors, sector))
    GROUP BY sector, wave_year
)
SELECT
    s.sector AS area_code,
    s.sector AS area_name,
    w.wave_year,
    coalesce(c.n, 0) AS n,
    coalesce(c.yes_n, 0) AS yes_n,
    coalesce(c.weight_sum, 0) AS weight_sum,
    coalesce(c.yes_weight, 0) AS yes_weight,
    coalesce(c.weight_square_sum, 0) AS weight_square_sum
FROM sectors AS s
CROSS JOIN wave AS w
LEFT JOIN counts AS c ON c.sector = s.sector AND c.wave_year = w.wave_year
ORDER BY area_code, w.wave_year
