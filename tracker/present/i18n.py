"""The translation table: every string shown to users, in bokmål (default) and English.

Look strings up with :func:`t`; a missing key raises at once (tests check both languages are
complete), so no untranslated text reaches a page.
"""

from __future__ import annotations

from tracker.present.format import LANGUAGES

DEFAULT_LANGUAGE = "nb"

TEXT: dict[str, dict[str, str]] = {
    # --- app and navigation -------------------------------------------------------------------
    "app_title": {
        "nb": "30 %-målet: FoU-samarbeid i kommunene",
        "en": "The 30% goal: research collaboration in municipalities",
    },
    "app_tagline": {
        "nb": "Andelen kommuner som samarbeider med forskere om sin nyeste innovasjon skal minst dobles, fra 15 % til 30 % (Forskningsrådet og KS, 2019).",
        "en": "The share of municipalities that collaborate with researchers on their newest innovation should at least double, from 15% to 30% (Research Council of Norway and KS, 2019).",
    },
    "nav_overview": {"nb": "Oversikt", "en": "Overview"},
    "nav_counties": {"nb": "Fylker", "en": "Counties"},
    "nav_municipalities": {"nb": "Kommuner", "en": "Municipalities"},
    "nav_sectors": {"nb": "Sektorer", "en": "Sectors"},
    "nav_method": {"nb": "Metode og data", "en": "Method and data"},
    "nav_heading": {"nb": "Sider", "en": "Pages"},
    "settings_heading": {"nb": "Visning", "en": "View"},
    "language_label": {"nb": "Språk", "en": "Language"},
    "language_nb": {"nb": "Norsk bokmål", "en": "Norwegian bokmål"},
    "language_en": {"nb": "English", "en": "English"},
    "measure_label": {"nb": "Mål", "en": "Measure"},
    "measure_municipalities": {
        "nb": "Kommuner (rådmenn)",
        "en": "Municipalities (chief executives)",
    },
    "measure_units": {"nb": "Enheter (enhetsledere)", "en": "Units (unit leaders)"},
    "measure_municipalities_short": {"nb": "kommuner", "en": "municipalities"},
    "measure_units_short": {"nb": "enheter", "en": "units"},
    "target_mode_label": {"nb": "Mål for hvert område", "en": "Target for each area"},
    "target_mode_absolute": {"nb": "30 % for alle", "en": "30% for all"},
    "target_mode_relative": {"nb": "Dobling av egen 2018-andel", "en": "Double own 2018 share"},
    "wave_label": {"nb": "Undersøkelse (bølge)", "en": "Survey wave"},
    "target_year_note": {
        "nb": "Målåret {year} er en antagelse: avtalen satte ikke noe årstall.",
        "en": "The target year {year} is an assumption: the agreement set no year.",
    },
    "param_ignored": {
        "nb": "Lenken hadde en ugyldig verdi for «{name}», som ble ignorert. Gyldige verdier: {valid}.",
        "en": "The link had an invalid value for “{name}”, which was ignored. Valid values: {valid}.",
    },
    # --- data state ---------------------------------------------------------------------------
    "demo_banner": {
        "nb": "**Demodata – ikke ekte tall.** Tallene er oppdiktet for å vise hvordan verktøyet virker. Importer ekte undersøkelsesdata for å erstatte dem.",
        "en": "**Demo data – not real figures.** The numbers are invented to show how the tool works. Import real survey data to replace them.",
    },
    "demo_mark": {"nb": "DEMODATA – ikke ekte tall", "en": "DEMO DATA – not real figures"},
    "building_demo": {"nb": "Bygger demodatabasen …", "en": "Building the demo database …"},
    "building_demo_done": {"nb": "Demodatabasen er klar.", "en": "The demo database is ready."},
    "building_demo_skipped": {
        "nb": "Demodatabasen ble ikke bygd: en import skrev databasen i mellomtiden.",
        "en": "The demo database was not built: an import wrote the database meanwhile.",
    },
    "db_busy": {
        "nb": "**Databasen er opptatt.** En import holder på med databasefila, og siden kan ikke vises ennå. Last siden på nytt om litt. Detaljer: {error}",
        "en": "**The database is busy.** An import is working on the database file, so the page cannot be shown yet. Reload the page in a moment. Details: {error}",
    },
    "settings_error": {
        "nb": "**En innstilling er ugyldig**, så siden kan ikke vises: {error}. Rett miljøvariabelen og start på nytt.",
        "en": "**A setting is invalid**, so the page cannot be shown: {error}. Fix the environment variable and restart.",
    },
    "rebuilding_demo": {
        "nb": "Demodatabasen er fra en eldre versjon og bygges på nytt …",
        "en": "The demo database is from an older version and is being rebuilt …",
    },
    "db_damaged": {
        "nb": "**Databasefila kan ikke leses.** `{path}` er skadet eller ikke en DuckDB-fil (for eksempel avkortet under kopiering). Slik løser du det: flytt fila bort og last siden på nytt for å få demodata, eller importer undersøkelsesfilene på nytt med `python -m tracker import FIL … --db {path}`. Detaljer: {error}",
        "en": "**The database file cannot be read.** `{path}` is damaged or not a DuckDB file (for example truncated while copying). To fix it: move the file away and reload the page to get demo data, or import the survey files again with `python -m tracker import FILE … --db {path}`. Details: {error}",
    },
    "db_foreign": {
        "nb": "**Dette er ikke en database fra dette verktøyet.** `{path}` er en DuckDB-fil uten tabellene verktøyet trenger. Pek `TRACKER_DB` på riktig fil, eller importer undersøkelsesfilene til en ny sti. Detaljer: {error}",
        "en": "**This is not a database made by this tool.** `{path}` is a DuckDB file without the tables the tool needs. Point `TRACKER_DB` at the right file, or import the survey files to a new path. Details: {error}",
    },
    "db_old_schema": {
        "nb": "**Databasen er laget av en annen versjon av verktøyet.** Importer undersøkelsesfilene på nytt med `python -m tracker import FIL … --db {path}` (demodata bygges om automatisk). Detaljer: {error}",
        "en": "**The database was made by another version of the tool.** Import the survey files again with `python -m tracker import FILE … --db {path}` (demo data is rebuilt automatically). Details: {error}",
    },
    "db_missing": {
        "nb": "**Databasen finnes ikke** (`{path}`) og kunne ikke bygges. Detaljer: {error}",
        "en": "**The database does not exist** (`{path}`) and could not be built. Details: {error}",
    },
    "no_data": {
        "nb": "Databasen har ingen undersøkelsesbølger ennå. Importer en fil med `python -m tracker import FIL`.",
        "en": "The database has no survey waves yet. Import a file with `python -m tracker import FILE`.",
    },
    # --- overview -----------------------------------------------------------------------------
    "overview_heading": {"nb": "Status for 30 %-målet", "en": "Progress toward the 30% goal"},
    "kpi_share": {"nb": "Andel {wave}", "en": "Share {wave}"},
    "kpi_share_help": {
        "nb": "95 % konfidensintervall {ci}, n = {n} svar.",
        "en": "95% confidence interval {ci}, n = {n} responses.",
    },
    "kpi_change": {"nb": "Endring siden {year}", "en": "Change since {year}"},
    "kpi_gap": {"nb": "Avstand til målet", "en": "Gap to the target"},
    "kpi_gap_value_below": {"nb": "{pp} under", "en": "{pp} below"},
    "kpi_gap_value_reached": {"nb": "nådd", "en": "reached"},
    "kpi_status": {"nb": "Status", "en": "Status"},
    "kpi_projection": {"nb": "Når målet", "en": "Reaches target"},
    "kpi_pace_help": {
        "nb": "Takt {pace} per år; nødvendig {required} per år fra {baseline}; fra nå {needed} per år.",
        "en": "Pace {pace} per year; required {required} per year from {baseline}; from now {needed} per year.",
    },
    "projection_never": {"nb": "ikke i dagens takt", "en": "not at the current pace"},
    "suppressed": {"nb": "skjult (n < {min_n})", "en": "hidden (n < {min_n})"},
    "suppressed_reason": {
        "nb": "Andelen vises ikke fordi den bygger på færre enn {min_n} svar (n = {n}).",
        "en": "The share is not shown because it rests on fewer than {min_n} responses (n = {n}).",
    },
    "trend_heading": {"nb": "Utvikling i Norge", "en": "Trend in Norway"},
    "counties_heading": {"nb": "Fylkene", "en": "The counties"},
    "show_table": {"nb": "Vis tallene som tabell", "en": "Show the numbers as a table"},
    "to_counties": {"nb": "Se alle fylker i detalj", "en": "See all counties in detail"},
    # --- counties page --------------------------------------------------------------------------
    "highlight_label": {"nb": "Fremhev fylke", "en": "Highlight county"},
    "none_chosen": {"nb": "(ingen)", "en": "(none)"},
    "to_municipalities": {"nb": "Kommunene i {county}", "en": "Municipalities in {county}"},
    "progress_table_heading": {
        "nb": "Fremdrift per fylke, {wave}",
        "en": "Progress by county, {wave}",
    },
    "multiples_heading": {"nb": "Utvikling i hvert fylke", "en": "Trend in each county"},
    "sort_label": {"nb": "Sorter etter", "en": "Sort by"},
    "sort_share": {"nb": "Andel (høyest først)", "en": "Share (highest first)"},
    "sort_name": {"nb": "Navn", "en": "Name"},
    "sort_change": {"nb": "Endring (størst først)", "en": "Change (largest first)"},
    "sort_pace": {"nb": "Takt (raskest først)", "en": "Pace (fastest first)"},
    "sort_status": {"nb": "Status (best først)", "en": "Status (best first)"},
    "sort_projected": {"nb": "Når målet (tidligst først)", "en": "Reaches target (earliest first)"},
    # --- municipalities page --------------------------------------------------------------------
    "county_label": {"nb": "Fylke", "en": "County"},
    "search_label": {
        "nb": "Finn en kommune (navn eller nummer)",
        "en": "Find a municipality (name or number)",
    },
    "search_none": {
        "nb": "Ingen kommune passer til «{text}».",
        "en": "No municipality matches “{text}”.",
    },
    "search_open": {"nb": "{name} ({code}, {county})", "en": "{name} ({code}, {county})"},
    "search_more": {
        "nb": "… og {n} til. Skriv mer for å snevre inn.",
        "en": "… and {n} more. Type more to narrow it down.",
    },
    "matrix_heading": {
        "nb": "Svar per kommune og bølge, {county}",
        "en": "Answers by municipality and wave, {county}",
    },
    "matrix_caption_municipalities": {
        "nb": "Rådmannens svar om den nyeste innovasjonen. «Samarbeidet» betyr at kommunen oppga FoU-samarbeid.",
        "en": "The chief executive's answer about the newest innovation. “Collaborated” means research collaboration was reported.",
    },
    "matrix_caption_units": {
        "nb": "Enhetsledernes svar: «Samarbeidet» betyr at minst én enhet i kommunen oppga FoU-samarbeid.",
        "en": "Unit leaders' answers: “Collaborated” means at least one unit in the municipality reported research collaboration.",
    },
    "answer_collaborated": {"nb": "✔ Samarbeidet", "en": "✔ Collaborated"},
    "answer_did_not": {"nb": "✖ Ikke samarbeid", "en": "✖ Did not"},
    "answer_unknown": {"nb": "? Innovasjon, vet ikke", "en": "? Innovated, did not know"},
    "answer_no_answer": {"nb": "– Ikke svart", "en": "– No answer"},
    "col_municipality": {"nb": "Kommune", "en": "Municipality"},
    "col_waves_answered": {"nb": "Bølger besvart", "en": "Waves answered"},
    "never_heading": {
        "nb": "Har aldri oppgitt FoU-samarbeid ({n} av {total})",
        "en": "Never reported research collaboration ({n} of {total})",
    },
    "never_none": {
        "nb": "Alle kommunene har oppgitt FoU-samarbeid minst én gang.",
        "en": "Every municipality has reported research collaboration at least once.",
    },
    "peers_heading": {"nb": "Sammenlign med andre fylker", "en": "Compare with other counties"},
    "peers_label": {
        "nb": "Sammenlign med (opptil fem fylker)",
        "en": "Compare with (up to five counties)",
    },
    "peers_hint": {
        "nb": "Velg fylker å sammenligne med i menyen til venstre.",
        "en": "Choose counties to compare with in the menu on the left.",
    },
    "chart_peers_title": {
        "nb": "Utvikling: valgt fylke og sammenligningsfylker",
        "en": "Trend: chosen county and peer counties",
    },
    # --- sectors page ---------------------------------------------------------------------------
    "sectors_measure_note": {
        "nb": "Sektorene gjelder enhetsmålet (enhetslederne), så denne siden viser det uansett valgt mål.",
        "en": "Sectors apply to the unit measure (unit leaders), so this page shows it whatever measure is chosen.",
    },
    "sectors_scope_label": {"nb": "Sektorer", "en": "Sectors"},
    "sectors_scope_all": {"nb": "Alle sektorer som er spurt", "en": "All sectors surveyed"},
    "sectors_scope_comparable": {
        "nb": "Bare sektorer som er med i alle bølger (helse og omsorg, oppvekst og utdanning)",
        "en": "Only sectors surveyed in every wave (health and care, education)",
    },
    "sectors_scope_note": {
        "nb": "2018 spurte bare helse og omsorg og oppvekst og utdanning. For sammenlignbare tall over tid: velg bare sektorer som er med i alle bølger.",
        "en": "2018 surveyed only health and care and education. For trends that compare like with like, choose only sectors surveyed in every wave.",
    },
    "sector_all": {"nb": "Alle valgte sektorer", "en": "All chosen sectors"},
    "sector_helse_omsorg": {"nb": "Helse og omsorg", "en": "Health and care"},
    "sector_oppvekst_utdanning": {"nb": "Oppvekst og utdanning", "en": "Education"},
    "sector_sosial": {"nb": "Sosial", "en": "Social services"},
    "sector_kultur": {"nb": "Kultur", "en": "Culture"},
    "sector_teknisk": {"nb": "Teknisk", "en": "Technical services"},
    "partner_universitet_hogskole": {
        "nb": "Universitet eller høgskole",
        "en": "University or university college",
    },
    "partner_forskningsinstitutt": {"nb": "Forskningsinstitutt", "en": "Research institute"},
    "partner_annet": {"nb": "Annen forskningspartner", "en": "Other research partner"},
    "partner_unknown": {"nb": "Ikke oppgitt", "en": "Not stated"},
    "chart_sectors_title": {
        "nb": "FoU-samarbeid per sektor",
        "en": "Research collaboration by sector",
    },
    "chart_partners_title": {
        "nb": "Hvem samarbeidet de med?",
        "en": "Whom did they collaborate with?",
    },
    "partners_subtitle": {
        "nb": "Fordeling av forskningspartnere blant enhetene som samarbeidet (vektet)",
        "en": "Distribution of research partners among units that collaborated (weighted)",
    },
    "sectors_heading": {"nb": "Andel per sektor", "en": "Share by sector"},
    "partners_heading": {"nb": "Type forskningspartner", "en": "Type of research partner"},
    "col_sector": {"nb": "Sektor", "en": "Sector"},
    "col_partner": {"nb": "Partner", "en": "Partner"},
    # --- exports and presentation ---------------------------------------------------------------
    "file_prefix": {"nb": "fou-samarbeid", "en": "research-collaboration"},
    "file_national_trend": {"nb": "norge-utvikling", "en": "norway-trend"},
    "file_county_status": {"nb": "fylker-status", "en": "counties-status"},
    "file_county_share": {"nb": "fylker-andel", "en": "counties-share"},
    "file_county_ranking": {"nb": "fylker-rangering", "en": "counties-ranking"},
    "file_county_trends": {"nb": "fylker-utvikling", "en": "counties-trends"},
    "file_peer_trends": {"nb": "sammenligning-utvikling", "en": "comparison-trends"},
    "file_peers": {"nb": "sammenligning", "en": "comparison"},
    "file_sectors_all": {"nb": "sektorer", "en": "sectors"},
    "file_sectors_comparable": {"nb": "sektorer-sammenlignbare", "en": "sectors-comparable"},
    "file_partners_all": {"nb": "partnere", "en": "partners"},
    "file_partners_comparable": {"nb": "partnere-sammenlignbare", "en": "partners-comparable"},
    "file_tables": {"nb": "tabeller", "en": "tables"},
    "file_pack": {"nb": "bildepakke", "en": "image-pack"},
    "download_png": {"nb": "PNG", "en": "PNG"},
    "download_svg": {"nb": "SVG", "en": "SVG"},
    "download_help": {
        "nb": "Last ned figuren med tittel, kilde og dato i valgt bildeformat (PNG i dobbel oppløsning).",
        "en": "Download the chart with title, source and date in the chosen image size (PNG at double resolution).",
    },
    "export_unavailable": {
        "nb": "Bildeeksport trenger Chromium eller Chrome på serveren. Installer det (Debian: apt-get install chromium) eller sett BROWSER_PATH. Kameraknappen over figuren lager fortsatt PNG i nettleseren.",
        "en": "Image export needs Chromium or Chrome on the server. Install it (Debian: apt-get install chromium) or set BROWSER_PATH. The camera button above the chart still makes a PNG in the browser.",
    },
    "pack_heading": {"nb": "Alle figurene", "en": "All charts"},
    "pack_button": {
        "nb": "Lag bildepakke ({n} figurer, PNG og SVG)",
        "en": "Make image pack ({n} charts, PNG and SVG)",
    },
    "pack_progress": {
        "nb": "Tegner {done} av {total}: {name}",
        "en": "Drawing {done} of {total}: {name}",
    },
    "pack_download": {"nb": "Last ned bildepakken (ZIP)", "en": "Download the image pack (ZIP)"},
    "preset_label": {"nb": "Bildeformat for nedlasting", "en": "Image size for downloads"},
    "preset_slide": {"nb": "Lysbilde 16:9 (1600 × 900)", "en": "Slide 16:9 (1600 × 900)"},
    "preset_social": {
        "nb": "Sosiale medier, kvadrat (1080 × 1080)",
        "en": "Social media, square (1080 × 1080)",
    },
    "preset_report": {
        "nb": "Rapport, A4-bredde (1240 × 780)",
        "en": "Report, A4 width (1240 × 780)",
    },
    "presentation_link": {"nb": "Presentasjonsmodus", "en": "Presentation mode"},
    # --- method page ----------------------------------------------------------------------------
    "method_definitions_heading": {"nb": "Definisjoner", "en": "Definitions"},
    "method_definitions": {
        "nb": """**Kommunemålet** (hovedtallet, «15 % av kommunene»): blant rådmennene (kommunedirektørene) som oppgir at kommunen har innført en innovasjon og svarer ja eller nei på om de samarbeidet med forskere om den nyeste, andelen som svarer ja. Uvektet andel med 95 % Wilson-intervall.

**Enhetsmålet**: det samme spørsmålet til enhetsledere, vektet (Σw·y / Σw). Intervallet er et Wilson-intervall med Kishs effektive utvalgsstørrelse (Σw)² / Σw²; n er antall svar (uvektet).

**Skjuling**: andeler som bygger på færre enn {min_n} svar vises ikke. Oslo er én kommune, så Oslos andel på kommunemålet er alltid skjult.

**Målet**: {target} for alle (absolutt), eller dobling av områdets egen andel i {baseline} (relativ). Avtalen satte ikke noe årstall; målåret {target_year} er en antagelse.

**Takt og status** (etter Eurostats metode for fremdriftsmåling, i prosentpoeng): takt = stigningstallet til minste kvadraters linje gjennom områdets bølger; nødvendig takt = (mål − andel {baseline}) / ({target_year} − {baseline}); R = takt / nødvendig takt. *Målet er nådd*: siste andel ≥ målet. *I rute*: R ≥ 0,95. *Må øke farten*: 0,60 ≤ R < 0,95. *Liten fremgang*: 0 ≤ R < 0,60. *Går feil vei*: R < 0. *For lite data*: andelen i {baseline} eller siste bølge mangler eller er skjult, færre enn to bølger, eller (relativt mål) andelen i {baseline} er 0 % og kan ikke dobles. «Fra nå» = (mål − siste andel) / ({target_year} − siste år).

**Når målet**: det første hele året der den tilpassede linjen når målet; «ikke i dagens takt» når takten er null eller negativ.""",
        "en": """**Municipality measure** (the headline, "15% of municipalities"): among chief executives who report that the municipality introduced an innovation and answer yes or no on whether they collaborated with researchers on the newest one, the share answering yes. Unweighted share with a 95% Wilson interval.

**Unit measure**: the same question to unit leaders, weighted (Σw·y / Σw). The interval is a Wilson interval with Kish's effective sample size (Σw)² / Σw²; n is the number of responses (unweighted).

**Suppression**: shares based on fewer than {min_n} responses are not shown. Oslo is one municipality, so its municipality-measure share is always hidden.

**Target**: {target} for all (absolute), or double the area's own {baseline} share (relative). The agreement set no year; the target year {target_year} is an assumption.

**Pace and status** (after Eurostat's progress method, in percentage points): pace = least-squares slope over the area's waves; required pace = (target − {baseline} share) / ({target_year} − {baseline}); R = pace / required pace. *Target achieved*: latest share ≥ target. *On track*: R ≥ 0.95. *Acceleration needed*: 0.60 ≤ R < 0.95. *Limited progress*: 0 ≤ R < 0.60. *Moving away*: R < 0. *Insufficient data*: the {baseline} or latest share is missing or hidden, fewer than two waves, or (relative target) the {baseline} share is 0% and cannot be doubled. "From now" = (target − latest share) / ({target_year} − latest year).

**Reaches target**: the first whole year in which the fitted line reaches the target; "not at the current pace" when the pace is zero or negative.""",
    },
    "method_sources_heading": {"nb": "Kilder og lisenser", "en": "Sources and licences"},
    "method_sources": {
        "nb": """- Undersøkelsen: KS Innovasjonsbarometer for kommunal sektor (bølger 2018, 2020 og 2024). Bare nasjonale tall er publisert; fylkestallene her er beregnet fra svarene.
- Kommune- og fylkesnummer, navn og 2024-struktur, omkodinger 2020→2024: Kartverket/SSB.
- Målet: avtalen mellom Forskningsrådet og KS (februar 2019): andelen skal minst dobles fra 15 %.""",
        "en": """- The survey: KS Innovation Barometer for the municipal sector (waves 2018, 2020 and 2024). Only national figures are published; the county figures here are computed from the responses.
- Municipality and county codes, names and 2024 structure, 2020→2024 code changes: Kartverket/SSB.
- The target: the agreement between the Research Council of Norway and KS (February 2019): the share should at least double from 15%.""",
    },
    "method_dataset_heading": {"nb": "Datagrunnlaget", "en": "The data"},
    "dataset_kind_demo": {"nb": "Demodata (oppdiktede svar)", "en": "Demo data (invented answers)"},
    "dataset_kind_survey": {"nb": "Undersøkelsesdata (importert)", "en": "Survey data (imported)"},
    "dataset_summary": {
        "nb": "**Type:** {kind}. **Bygget:** {built}. **Skjemaversjon:** {schema}. **Bølger:** {waves}.",
        "en": "**Kind:** {kind}. **Built:** {built}. **Schema version:** {schema}. **Waves:** {waves}.",
    },
    "waves_heading": {"nb": "Bølger", "en": "Waves"},
    "imports_heading": {"nb": "Importlogg", "en": "Import log"},
    "col_fieldwork": {"nb": "Feltarbeid", "en": "Fieldwork"},
    "col_source": {"nb": "Kilde", "en": "Source"},
    "col_note": {"nb": "Merknad", "en": "Note"},
    "col_imported_at": {"nb": "Importert (UTC)", "en": "Imported (UTC)"},
    "col_file": {"nb": "Fil", "en": "File"},
    "col_rows": {"nb": "Rader", "en": "Rows"},
    "col_sha256": {"nb": "SHA-256", "en": "SHA-256"},
    "downloads_heading": {"nb": "Last ned tallene", "en": "Download the numbers"},
    "downloads_caption": {
        "nb": "Alle tabellene for valgt mål som CSV (andeler som brøk 0–1) i én ZIP, med en README som forklarer kolonner og definisjoner.",
        "en": "All tables for the chosen measure as CSV (shares as fractions 0–1) in one ZIP, with a README explaining columns and definitions.",
    },
    "downloads_button": {"nb": "Last ned tabellene (ZIP)", "en": "Download the tables (ZIP)"},
    "readme_columns": {
        "nb": """Kolonner: area_code/area_name = område (NO = Norge, fylkesnummer, kommunenummer eller sektor); wave_year = bølge; n = antall svar i nevneren (uvektet); share = andel 0–1; ci_low/ci_high = 95 % intervall; suppressed = skjult fordi n < {min_n}; pace_pp_per_year = takt i prosentpoeng per år; required_pp_per_year = nødvendig takt; pace_ratio = R; status; projected_year = første hele år linjen når målet.""",
        "en": """Columns: area_code/area_name = area (NO = Norway, county code, municipality code or sector); wave_year = wave; n = responses in the denominator (unweighted); share = share 0–1; ci_low/ci_high = 95% interval; suppressed = hidden because n < {min_n}; pace_pp_per_year = pace in percentage points per year; required_pp_per_year = required pace; pace_ratio = R; status; projected_year = first whole year the line reaches the target.""",
    },
    # --- statuses -------------------------------------------------------------------------------
    "status_achieved": {"nb": "Målet er nådd", "en": "Target achieved"},
    "status_on_track": {"nb": "I rute", "en": "On track"},
    "status_acceleration_needed": {"nb": "Må øke farten", "en": "Acceleration needed"},
    "status_limited_progress": {"nb": "Liten fremgang", "en": "Limited progress"},
    "status_moving_away": {"nb": "Går feil vei", "en": "Moving away"},
    "status_insufficient_data": {"nb": "For lite data", "en": "Insufficient data"},
    # --- charts ---------------------------------------------------------------------------------
    "chart_source": {
        "nb": "Kilde: KS Innovasjonsbarometeret, bølge {waves}. Laget {date}.",
        "en": "Source: KS Innovation Barometer, wave {waves}. Made {date}.",
    },
    "definition_municipalities": {
        "nb": "Andel av rådmennene med en innovasjon som oppgir FoU-samarbeid om den nyeste (uvektet, 95 % KI)",
        "en": "Share of chief executives with an innovation who report research collaboration on the newest (unweighted, 95% CI)",
    },
    "definition_units": {
        "nb": "Andel av enhetslederne med en innovasjon som oppgir FoU-samarbeid om den nyeste (vektet, 95 % KI)",
        "en": "Share of unit leaders with an innovation who report research collaboration on the newest (weighted, 95% CI)",
    },
    "chart_trend_title": {
        "nb": "FoU-samarbeid om nyeste innovasjon, Norge",
        "en": "Research collaboration on the newest innovation, Norway",
    },
    "chart_tiles_title": {"nb": "Status per fylke, {wave}", "en": "Status by county, {wave}"},
    "chart_dots_title": {"nb": "Andel per fylke, {wave}", "en": "Share by county, {wave}"},
    "chart_multiples_title": {
        "nb": "Utvikling per fylke (stiplet linje: {target})",
        "en": "Trend by county (dashed line: {target})",
    },
    "legend_share": {"nb": "Andel", "en": "Share"},
    "legend_interval": {"nb": "95 % konfidensintervall", "en": "95% confidence interval"},
    "legend_target": {"nb": "Mål {share}", "en": "Target {share}"},
    "legend_target_path": {"nb": "Nødvendig bane mot {year}", "en": "Required path to {year}"},
    "legend_own_target": {"nb": "Eget mål (dobling)", "en": "Own target (doubling)"},
    "axis_share": {"nb": "Andel", "en": "Share"},
    "axis_year": {"nb": "År", "en": "Year"},
    "hover_share": {
        "nb": "{area}: {share} (95 % KI {ci}), n = {n}",
        "en": "{area}: {share} (95% CI {ci}), n = {n}",
    },
    "summary_area": {
        "nb": "{area}: {share} (95 % KI {ci}), {gap} målet.",
        "en": "{area}: {share} (95% CI {ci}), {gap} the target.",
    },
    "summary_suppressed": {
        "nb": "{area}: andelen vises ikke (færre enn {min_n} svar).",
        "en": "{area}: share not shown (fewer than {min_n} responses).",
    },
    "summary_ranking": {
        "nb": "Høyest: {top} ({top_share}). Lavest: {bottom} ({bottom_share}).",
        "en": "Highest: {top} ({top_share}). Lowest: {bottom} ({bottom_share}).",
    },
    "summary_hidden": {
        "nb": "Ikke vist (færre enn {min_n} svar): {areas}.",
        "en": "Not shown (fewer than {min_n} responses): {areas}.",
    },
    "gap_below": {"nb": "{pp} under", "en": "{pp} below"},
    "gap_above": {"nb": "{pp} over", "en": "{pp} above"},
    # --- table columns --------------------------------------------------------------------------
    "col_area": {"nb": "Område", "en": "Area"},
    "col_county": {"nb": "Fylke", "en": "County"},
    "col_wave": {"nb": "Bølge", "en": "Wave"},
    "col_n": {"nb": "n (svar)", "en": "n (responses)"},
    "col_share": {"nb": "Andel", "en": "Share"},
    "col_ci": {"nb": "95 % KI", "en": "95% CI"},
    "col_change": {"nb": "Endring (pp)", "en": "Change (pp)"},
    "col_pace": {"nb": "Takt (pp/år)", "en": "Pace (pp/yr)"},
    "col_required": {"nb": "Nødvendig (pp/år)", "en": "Required (pp/yr)"},
    "col_status": {"nb": "Status", "en": "Status"},
    "col_projected": {"nb": "Når målet", "en": "Reaches target"},
    "col_target": {"nb": "Mål", "en": "Target"},
    "area_national": {"nb": "Norge", "en": "Norway"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    text = TEXT[key][lang]
    return text.format(**values) if values else text


def status_label(status: str, lang: str) -> str:
    return t(f"status_{status}", lang)
