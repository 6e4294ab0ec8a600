-- Purpose: every municipality (2024 structure) with its county, for search and labels.
-- Grain: one row per municipality.
-- Parameters: none
-- Output: municipality_code, municipality_name, county_code, county_name
SELECT m.municipality_code, m.municipality_name, m.county_code, c.county_name
FROM municipality AS m
JOIN county AS c USING (county_code)
ORDER BY m.municipality_code
