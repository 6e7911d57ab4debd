"""Evaluation of generated molecule sets against a reference set."""
