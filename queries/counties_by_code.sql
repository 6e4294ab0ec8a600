-- Purpose: the 15 counties (2024 structure) for pickers and labels.
-- Grain: one row per county.
-- Parameters: none
-- Output: county_code, county_name, official_name, municipalities_n
SELECT c.county_code, c.county_name, c.official_name, count(m.municipality_code) AS municipalities_n
FROM county AS c
LEFT JOIN municipality AS m USING (county_code)
GROUP BY c.county_code, c.county_name, c.official_name
ORDER BY c.county_code
