"""Small, typed, pure chemistry helpers built on RDKit."""
