-- Purpose: the counts behind the unit measure per sector (guide §6), per wave.
-- Grain: one row per sector that has unit-leader answers in the database, and wave
--        (n = 0 where a sector was not surveyed in a wave, e.g. 2018 covered two sectors).
-- Parameters: $sectors list of sectors to include, or NULL for all sectors
-- Output: area_code (sector), area_name (sector), wave_year, n, yes_n, weight_sum, yes_weight,
--         weight_square_sum
WITH counts AS (
    -- One pass over the unit leaders' answers: eligibility (innovated, with a known yes/no on
    -- collaboration) is a filter on each sum, so sectors without eligible answers still count.
    SELECT
        sector,
        wave_year,
        count(*) FILTER (WHERE eligible) AS n,
        count(*) FILTER (WHERE eligible AND research_collaboration) AS yes_n,
        coalesce(sum(weight) FILTER (WHERE eligible), 0) AS weight_sum,
        coalesce(sum(weight) FILTER (WHERE eligible AND research_collaboration), 0) AS yes_weight,
        coalesce(sum(weight * weight) FILTER (WHERE eligible), 0) AS weight_square_sum
    FROM (
        SELECT *, innovated AND research_collaboration IS NOT NULL AS eligible
        FROM response
        WHERE respondent_role = 'unit_leader'
          AND ($sectors IS NULL OR list_contains($sectors, sector))
    )
    GROUP BY sector, wave_year
),
sectors AS (
    SELECT DISTINCT sector FROM counts
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
