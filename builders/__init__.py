"""Builders of the zh-ai-compute-news dataset: ingest → clean → enrich → annotate → split → export."""

# The data version too (builders/config.yaml dataset.version): one number for both.
__version__ = "1.0.0"
