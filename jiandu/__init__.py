"""jiandu: the command line and shared settings."""
