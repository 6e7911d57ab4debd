"""molgen.training."""
