"""molgen.cli."""
