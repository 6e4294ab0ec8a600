-- Purpose: the import log: which files went into this database, when, with how many rows.
-- Grain: one row per imported file per import.
-- Parameters: none
-- Output: imported_at, file_name, rows, wave_years, sha256
SELECT imported_at, file_name, rows, wave_years, sha256
FROM import_log
ORDER BY imported_at DESC, file_name
