"""Reunification casework: one case per separated family, its steps, deadlines, contacts and decisions."""
