"""Finding people: a summary per person for lists and pages, and a term index for fuzzy search."""
