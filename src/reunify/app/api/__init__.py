"""The JSON API for other systems, under ``/api/`` (django-ninja), with token authentication and the one policy."""
