"""Reserved for the custody layer of the pipeline (see ARCHITECTURE.md)."""
