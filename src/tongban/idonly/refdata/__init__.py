"""The reference data service (shared-data exchange stand-in). See app.py."""
