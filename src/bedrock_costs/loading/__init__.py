"""Loading files into the build: log files and the CUR export, listed, compared with what is
stored and checked from their bytes (docs/architecture.md, "Loading")."""
