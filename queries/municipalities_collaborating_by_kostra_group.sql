-- Purpose: the municipalities of one KOSTRA group (any county) that reported research
--          collaboration in one wave: the similar municipalities a county official would call to
--          learn from (Kommuner, issue 13). KOSTRA groups come from SSB's profiles
--          (data/reference/municipality_profiles_2024.csv, registered on the cursor as
--          municipality_profile by tracker/data/db.py). "Reported" follows the answer matrix: at
--          least one eligible respondent of the role said yes (view eligible_response, queries/views).
-- Grain: one row per municipality (2024 structure) of the group with at least one yes in the wave.
-- Parameters: $kostra_group KOSTRA group as text, '1'–'17'
--             $role         'chief_executive' (municipality measure) or 'unit_leader' (units)
--             $wave         wave year, e.g. 2024
-- Output: municipality_code, municipality_name, county_code, county_name,
--         eligible_n (eligible respondents of the role), yes_n (of whom reported collaboration)
SELECT
    m.municipality_code,
    m.municipality_name,
    m.county_code,
    c.county_name,
    count(*) AS eligible_n,
    count(*) FILTER (WHERE e.collaborated) AS yes_n
FROM eligible_response AS e
JOIN municipality_profile AS p USING (municipality_code)
JOIN municipality AS m USING (municipality_code)
JOIN county AS c ON c.county_code = m.county_code
WHERE p.kostra_group = $kostra_group
  AND e.respondent_role = $role
  AND e.wave_year = $wave
GROUP BY m.municipality_code, m.municipality_name, m.county_code, c.county_name
HAVING count(*) FILTER (WHERE e.collaborated) > 0
ORDER BY m.county_code, m.municipality_code
