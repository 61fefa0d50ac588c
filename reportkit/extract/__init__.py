"""Layer 2: one file's bytes to a Report (sniff, decode, readers, tables, matching, checks)."""
