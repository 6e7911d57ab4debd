"""molgen.scoring."""
