"""The real application for browser work: Debian's Chromium, ``reunify serve`` and a database the pipeline filled.

Shared by the browser tests (``conftest.py`` beside this file), the screenshot
script (``bench/screenshots.py``) and the page-load benchmark
(``bench/pages.py``), so the three see the same application started the same
way a deployment starts it.

Why the real server rather than Django's live server: gunicorn with its forked
workers, WhiteNoise's fingerprinted static files, the content security policy
and cookies as a browser receives them are part of what the pages must get
right, and only ``reunify serve`` has all of them.

Why the database is built by the ``reunify`` commands in child processes: it is
the pipeline a user runs (synth -> ingest -> link, which also rebuilds
separations, the search index and opens the cases), and the server is another
process that needs a database of its own, never the test run's.

Run as a module (``python -m tests.app.web.browser.live world --password P``)
with ``REUNIFY_DATABASE_URL`` set, it creates the demo users and team with that
password and prints, as JSON, the facts the tests and scripts look for: which
case the demo caseworker works, the child's name, where the parent is, a tie
awaiting review, the quarantined rows by feed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[4]

#: Debian's Chromium (apt package ``chromium``); ``./run test`` installs it. Playwright never downloads one.
CHROMIUM = os.environ.get("REUNIFY_CHROMIUM", "/usr/bin/chromium")
#: As root in a container Chromium's sandbox cannot start; /dev/shm is often too small for its shared memory.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


def chromium_unavailable() -> str | None:
    """Why the browser work cannot run here, or None when Chromium and Playwright are both present."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        can_install = shutil.which("apt-get") is not None and os.geteuid() == 0
        how = (
            "run ./run test, which installs it"
            if can_install
            else "it cannot be installed here (no apt-get as root)"
        )
        return f"Chromium is missing at {CHROMIUM} (Debian package chromium): {how}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing: pip install -e '.[dev]'"
    return None


def launch_chromium(playwright: Any, **options: Any) -> Any:
    """Debian's Chromium, headless, with the flags a root container needs; never a downloaded browser."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *options.pop("args", [])], **options
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``reunify`` child process: its own database and var folder, no test settings."""
    env = dict(os.environ, REUNIFY_DATABASE_URL=database_url, REUNIFY_VAR_DIR=str(var_dir), **extra)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def reunify(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run one ``reunify`` command to completion; its output when it fails is the error's message."""
    done = subprocess.run(
        [sys.executable, "-m", "reunify.cli", *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"reunify {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


# --------------------------------------------------------------------------- databases


@contextlib.contextmanager
def scratch_database(workdir: Path, like: str = "") -> Iterator[str]:
    """An empty database of the kind ``like`` names (SQLite when empty), dropped or removed afterwards.

    On PostgreSQL it is a database of its own on the same server, so the
    server under test never shares tables with the test run or another engineer.
    """
    if not like.startswith("postgres"):
        path = workdir / f"live_{uuid.uuid4().hex[:8]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = f"reunify_live_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(like, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{like.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(like, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class World:
    """A database the pipeline filled, its var folder, the demo users' common password and the facts found in it.

    The var folder belongs with the database: ``reunify link`` stores its
    trained model there, and the person page explains matches with it.
    """

    database_url: str
    var_dir: Path
    password: str
    facts: dict[str, Any] = field(default_factory=dict)


def build_world(
    database_url: str,
    workdir: Path,
    *,
    families: int = 100,
    seed: int = 2018,
    noise: float = 1.0,
    broken_rate: float = 0.02,
    scenario: Path | None = None,
    password: str | None = None,
) -> World:
    """Fill ``database_url`` with the real pipeline: synth (unless ``scenario``), ingest, link, demo users.

    ``reunify link`` also rebuilds separations, the search index and opens one
    case per separated family; the demo users and team come from
    ``reunify.app.demo.demo_people``, the function ``reunify demo`` calls.
    """
    var_dir = workdir / "var"
    env = command_env(database_url, var_dir)
    if scenario is None:
        scenario = workdir / "scenario"
        reunify(
            ["synth", "--families", str(families), "--seed", str(seed), "--out", str(scenario), "--force",
             "--noise", str(noise), "--broken-rate", str(broken_rate)],
            env, workdir,
        )  # fmt: skip
    reunify(["ingest", str(scenario)], env, workdir)
    reunify(["link"], env, workdir)
    password = password or f"live-{uuid.uuid4().hex[:12]}"
    done = subprocess.run(
        [sys.executable, "-m", "tests.app.web.browser.live", "world", "--password", password],
        env=env, cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"creating the demo users failed:\n{done.stdout}\n{done.stderr}")
    return World(database_url, var_dir, password, json.loads(done.stdout))


# --------------------------------------------------------------------------- the server


class LiveServer:
    """``reunify serve`` on a free port, in a process group of its own; ``stop`` ends exactly that group."""

    def __init__(self, world: World, workdir: Path, *, workers: int = 2, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"serve_{self.port}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reunify.cli",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            cwd=workdir,
            env=command_env(world.database_url, world.var_dir, **env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, within_seconds: float = 180) -> None:
        """Wait until /healthz answers 200; a server that exits first fails with its log."""
        deadline = time.monotonic() + within_seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"reunify serve exited ({self.process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"reunify serve did not answer /healthz in {within_seconds}s:\n{self.log()}"
                )
            time.sleep(0.3)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def __enter__(self) -> LiveServer:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign in through the form, as a person does, and wait for the page it leads to."""
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")


def misspell(name: str) -> str:
    """The name with its longest word mistyped: two inner letters swapped, as a hurried caseworker types."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    middle = len(word) // 2
    swapped = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    if swapped.lower() == word.lower():  # a doubled letter: replace one instead
        swapped = word[:middle] + ("x" if word[middle].lower() != "x" else "z") + word[middle + 1 :]
    words[longest] = swapped
    return " ".join(words)


# --------------------------------------------------------------------------- facts (run inside Django)

#: An auditor no test signs in as, for the lockout test to lock.
SPARE_USER = "spare.auditor"


def _facts() -> dict[str, Any]:
    """What the browser tests look for in the world, read with the models (never with the pages under test)."""
    from django.db.models import Count

    from reunify.app.accounts.services import DEMO_USERS
    from reunify.app.cases.models import Case, CaseStep
    from reunify.app.custody.selectors import person_custody
    from reunify.app.demo import DEMO_TEAM
    from reunify.app.people.models import Tie
    from reunify.app.records.models import QuarantinedRow
    from reunify.app.search.models import PersonSummary

    def summary(public_id: str) -> PersonSummary | None:
        return PersonSummary.objects.filter(public_id=public_id).first()

    facts: dict[str, Any] = {"users": {spec["role"]: spec["username"] for spec in DEMO_USERS}}
    team_cases = Case.objects.filter(team__name=DEMO_TEAM, status=Case.OPEN).order_by("case_id")
    for case in team_cases:
        child = summary(case.child_person_id)
        parents = [p for p in case.parents.filter(present=True).order_by("parent_person_id")]
        open_steps = list(
            case.steps.exclude(status__in=[CaseStep.DONE, CaseStep.NOT_APPLICABLE])
            .order_by("position")
            .values_list("kind", flat=True)
        )
        if child is None or not parents or not open_steps:
            continue
        family_word = max(child.display_name.split(), key=len)
        if len(family_word) < 5 or summary(parents[0].parent_person_id) is None:
            continue
        where = person_custody(parents[0].parent_person_id).location
        if where is None or not where.facility:
            continue  # the test checks that the page names where the parent is
        facts["team_case"] = {
            "case_id": case.case_id,
            "child_id": child.public_id,
            "child_name": child.display_name,
            "parent_id": parents[0].parent_person_id,
            "parent_name": summary(parents[0].parent_person_id).display_name,
            "first_open_step": open_steps[0],
            "parent_location": {
                "status": where.status,
                "agency": where.agency,
                "facility": where.facility,
                "state": where.state,
            },
        }
        break
    # Many cases and names, for the page-load benchmark to vary what it asks for.
    facts["sample_cases"] = [
        {"case_id": case.case_id, "child_name": summary.display_name}
        for case in team_cases[:60]
        if (summary := PersonSummary.objects.filter(public_id=case.child_person_id).first()) is not None
    ]
    # The state monitor's view: a case concerning a child in their state, and one that does not.
    from django.contrib.auth import get_user_model

    from reunify.app.accounts import policy

    monitor = get_user_model().objects.get(username=facts["users"]["state_monitor"])
    in_state = out_of_state = None
    for case in Case.objects.order_by("case_id").iterator():
        allowed = policy.allows(monitor, "case.view", case)
        in_state = in_state or (case.case_id if allowed else None)
        out_of_state = out_of_state or (None if allowed else case.case_id)
        if in_state and out_of_state:
            break
    facts["state_cases"] = {"state": policy.access_of(monitor).state, "in": in_state, "out": out_of_state}
    other = Case.objects.exclude(team__name=DEMO_TEAM).filter(status=Case.OPEN).order_by("case_id").first()
    facts["other_case"] = other.case_id if other else None
    # A candidate tie of another family than the caseworker's, so confirming it never moves that case.
    tie = (
        Tie.objects.filter(status=Tie.CANDIDATE)
        .exclude(child__public_id=facts.get("team_case", {}).get("child_id", ""))
        .order_by("-probability", "child__public_id", "parent__public_id")
        .first()
    )
    facts["review_tie"] = (
        {"parent_id": tie.parent.public_id, "child_id": tie.child.public_id, "status": tie.status}
        if tie
        else None
    )
    by_feed = QuarantinedRow.objects.values("delivery__feed").annotate(n=Count("id"))
    facts["quarantine_by_feed"] = {row["delivery__feed"]: row["n"] for row in by_feed}
    files: dict[str, set[str]] = {}
    for row in QuarantinedRow.objects.select_related("delivery"):
        files.setdefault(row.delivery.feed, set()).add(row.delivery.file_name)
    facts["quarantine_files"] = {feed: sorted(names) for feed, names in files.items()}
    facts["children_names"] = sorted(
        PersonSummary.objects.filter(is_child=True)
        .order_by("public_id")
        .values_list("display_name", flat=True)[:50]
    )
    facts["cases"] = Case.objects.count()
    return facts


def _world_command(password: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reunify.app.settings")
    django.setup()
    from reunify.app.accounts.services import user_create
    from reunify.app.demo import demo_people

    demo_people(password)
    # An account of its own for the lockout test, so locking it never locks out a role other tests use.
    user_create(None, SPARE_USER, password, "auditor", validate=False)
    print(json.dumps(_facts(), indent=2, default=str))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description="Demo users with one password, then the world's facts as JSON."
    )
    parser.add_argument("command", choices=["world"])
    parser.add_argument("--password", required=True)
    _world_command(parser.parse_args().password)
