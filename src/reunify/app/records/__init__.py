"""Deliveries, records with their versions, and quarantined rows: the bottom layer of the pipeline."""
