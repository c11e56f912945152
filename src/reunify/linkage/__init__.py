"""Reserved for the linkage layer of the pipeline (see ARCHITECTURE.md)."""
