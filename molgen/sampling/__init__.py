"""molgen.sampling."""
