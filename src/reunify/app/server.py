"""``reunify serve``: the application under gunicorn, static files collected and served by WhiteNoise."""

from __future__ import annotations

import os
import sys
from typing import Any


def default_workers() -> int:
    """Gunicorn's rule of thumb (2 x cores + 1), capped so a laptop demo does not start dozens."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def prepare() -> None:
    """Bring the schema up to date and collect static files (fingerprinted, compressed) before serving."""
    from django.core.management import call_command
    from django.db import connections

    from reunify.app.bootstrap import migrate

    migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()  # never hand an open connection to forked workers


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    """Run gunicorn in this process until interrupted."""
    from gunicorn.app.base import BaseApplication

    prepare()
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "sync",
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": "-",
        "errorlog": "-",
        "forwarded_allow_ips": os.environ.get("REUNIFY_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "proc_name": "reunify",
    }
    if os.path.isdir("/dev/shm"):
        options["worker_tmp_dir"] = "/dev/shm"

    class ReunifyServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn >= 25 opens a control socket in $HOME; one server per user at a time is too few.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from reunify.app.wsgi import application

            return application

    print(f"serving Reunify on http://{host}:{port}/ with {options['workers']} workers", file=sys.stderr)
    ReunifyServer().run()
