"""Records → a release: staging, atomic switch, tables, privacy, report, database."""
