"""Custody and separations over the linked persons: where everyone was, and who was separated from whom."""
