"""Extract: HTML pages → metadata candidates (and, with the block stage, visible blocks).

Runs between ingest and clean; plain-text pages pass through unchanged."""
