-- Purpose: the survey waves in the database with fieldwork period, source and note.
-- Grain: one row per wave.
-- Parameters: none
-- Output: wave_year, fieldwork, source, note
SELECT wave_year, fieldwork, source, note
FROM wave
ORDER BY wave_year
