"""Reserved for the rules layer of the pipeline (see ARCHITECTURE.md)."""
