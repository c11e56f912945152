"""The Django project around the core: storage, pages, API. One Django app per concern."""
