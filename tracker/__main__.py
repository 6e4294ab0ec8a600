import sys

if sys.argv[1:2] == ["serve"]:
    # Straight to Streamlit: the CLI's imports (pandas, DuckDB) would delay the server's start.
    from tracker.app.serve import serve

    sys.exit(serve(sys.argv[2:]))

from tracker.cli import main

sys.exit(main())
