-- Purpose: what this database holds: kind (demo or survey), build time, schema version, sources.
-- Grain: one row per key.
-- Parameters: none
-- Output: key, value
SELECT key, value
FROM dataset_info
ORDER BY key
