"""Persons: which records are the same person, with stable ids, human decisions and a review queue."""
