"""The command line: the only place that prints, exits or changes process-wide settings."""
