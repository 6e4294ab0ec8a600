-- Purpose: the counts behind each structure group's share of one measure (guide §6, issue 13),
--          per wave: municipalities grouped by SSB's centrality class, population size band or
--          KOSTRA group (data/reference/municipality_profiles_2024.csv, registered on the cursor
--          as municipality_profile by tracker/data/db.py).
-- Grain: one row per group of the chosen grouping and wave (n = 0 where there are no answers).
-- Parameters: $grouping 'centrality', 'size' or 'kostra_group'
--             $role     'chief_executive' (municipality measure) or 'unit_leader' (unit measure)
--             $sectors  list of sectors to include, or NULL for all sectors
-- Output: area_code (group code: '1'–'6', a size band such as '2000_4999', or '1'–'17'),
--         area_name (the same code; names are given per language by the caller), wave_year, n,
--         yes_n, weight_sum, yes_weight, weight_square_sum
WITH grouped AS (
    SELECT
        municipality_code,
        CASE $grouping
            WHEN 'centrality' THEN centrality
            WHEN 'size' THEN size_band
            WHEN 'kostra_group' THEN kostra_group
        END AS group_code
    FROM municipality_profile
),
eligible AS (
    SELECT r.wave_year, g.group_code, r.weight, r.collaborated
    FROM eligible_response AS r
    JOIN grouped AS g USING (municipality_code)
    WHERE r.respondent_role = $role
      AND ($sectors IS NULL OR list_contains($sectors, r.sector))
)
SELECT
    g.group_code AS area_code,
    g.group_code AS area_name,
    w.wave_year,
    count(e.collaborated) AS n,
    count(e.collaborated) FILTER (WHERE e.collaborated) AS yes_n,
    coalesce(sum(e.weight), 0) AS weight_sum,
    coalesce(sum(e.weight) FILTER (WHERE e.collaborated), 0) AS yes_weight,
    coalesce(sum(e.weight * e.weight), 0) AS weight_square_sum
FROM (SELECT DISTINCT group_code FROM grouped) AS g
CROSS JOIN wave AS w
LEFT JOIN eligible AS e ON e.group_code = g.group_code AND e.wave_year = w.wave_year
GROUP BY g.group_code, w.wave_year
ORDER BY area_code, w.wave_year
