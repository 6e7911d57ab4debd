"""Curation of molecule sources into clean, split datasets; the SMILES tokenizer."""
