"""Builders of the zh-ai-compute-news dataset: ingest → clean → enrich → annotate → split → export."""

__version__ = "0.1.0"
