"""molgen.chem."""
