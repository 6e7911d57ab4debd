"""The candidate store: generated molecules that chemists query by property, substructure
and similarity (SQLite by default, PostgreSQL with the RDKit cartridge when configured)."""
