-- Purpose: which kinds of research partner collaborators worked with, per wave.
-- Grain: one row per wave and partner type reported by collaborating respondents
--        ('unknown' where a collaborator named no partner type).
-- Parameters: $role    'chief_executive' or 'unit_leader'
--             $sectors list of sectors to include, or NULL for all sectors
-- Output: wave_year, research_partner, n (collaborating respondents), weight_sum,
--         weight_share (weighted share of the wave's collaborators, 0–1)
SELECT
    wave_year,
    coalesce(research_partner, 'unknown') AS research_partner,
    count(*) AS n,
    sum(weight) AS weight_sum,
    sum(weight) / sum(sum(weight)) OVER (PARTITION BY wave_year) AS weight_share
FROM eligible_response
WHERE respondent_role = $role
  AND collaborated
  AND ($sectors IS NULL OR list_contains($sectors, sector))
GROUP BY wave_year, coalesce(research_partner, 'unknown')
ORDER BY wave_year, research_partner
