from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.db import server


class Command(BaseCommand):
    help = "Stop or inspect the embedded PostgreSQL server (used without DATABASE_URL)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["stop", "status"])

    def handle(self, *args, action: str, **options):
        database = settings.DATABASES["default"]
        if "PGDATA" not in database:
            raise CommandError("DATABASE_URL is set: the archive uses that server, not its own.")
        pgdata = Path(database["PGDATA"])
        if action == "stop":
            stopped = server.stop(pgdata)
            self.stdout.write("Stopped PostgreSQL." if stopped else "PostgreSQL was not running.")
        else:
            info = server.status(pgdata)
            if info is None:
                self.stdout.write(f"PostgreSQL is not running ({pgdata}).")
            else:
                self.stdout.write(
                    f"PostgreSQL is running: pid {info.pid}, socket {info.socket_dir}"
                )
