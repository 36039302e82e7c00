"""Shared-data providers: where an exempted material comes from. See base.py for the interface."""
