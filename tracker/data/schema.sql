-- Schema of the tracker database (guide §4). Applied to every newly written database file.
-- Municipality codes in survey tables are always 2024 codes (harmonised on import).

CREATE TABLE county (
    county_code   VARCHAR PRIMARY KEY,
    county_name   VARCHAR NOT NULL,
    official_name VARCHAR NOT NULL
);

CREATE TABLE municipality (
    municipality_code VARCHAR PRIMARY KEY,
    municipality_name VARCHAR NOT NULL,
    county_code       VARCHAR NOT NULL REFERENCES county (county_code),
    lon               DOUBLE,
    lat               DOUBLE
);

CREATE TABLE municipality_code_change (
    old_code     VARCHAR PRIMARY KEY,
    new_code     VARCHAR NOT NULL,
    changed_year INTEGER NOT NULL,
    note         VARCHAR
);

CREATE TABLE wave (
    wave_year INTEGER PRIMARY KEY,
    fieldwork VARCHAR,
    source    VARCHAR,
    note      VARCHAR
);

CREATE TABLE response (
    wave_year              INTEGER NOT NULL,
    respondent_id          VARCHAR NOT NULL,
    municipality_code      VARCHAR NOT NULL,
    respondent_role        VARCHAR NOT NULL CHECK (respondent_role IN ('chief_executive', 'unit_leader')),
    sector                 VARCHAR,
    weight                 DOUBLE NOT NULL CHECK (weight > 0),
    innovated              BOOLEAN NOT NULL,
    research_collaboration BOOLEAN,
    research_partner       VARCHAR
    -- (wave_year, respondent_id) is unique: the importer checks it, within and across files,
    -- before writing. A PRIMARY KEY would check it again at a cost of ~0.7 s per million rows.
);

CREATE TABLE dataset_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE import_log (
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    rows        INTEGER NOT NULL,
    wave_years  VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
