"""Layer 3: many files to the output frames (ingest, cache, store, manifest, output folder)."""
