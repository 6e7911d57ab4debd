"""Cross-cutting helpers: typed config base, errors, runtime, parallel maps, hashing."""
