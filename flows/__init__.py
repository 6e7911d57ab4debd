"""Prefect flows over the molgen library: one per stage, plus the pipeline."""
