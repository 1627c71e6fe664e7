"""Django's PostgreSQL backend, pointed at the embedded server it starts on first connect.

Starting the server lazily (here, not in settings) keeps imports free of side effects:
``manage.py check`` or ``ruff`` never start a database.
"""

import subprocess
from pathlib import Path

from django.db.backends.postgresql import base
from django.db.utils import OperationalError

from archive.db import server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        # EMBEDDED_NAME is the archive's own database; NAME changes to the test
        # database under pytest, which Django creates itself.
        try:
            connection = server.ensure_running(
                Path(self.settings_dict["PGDATA"]), self.settings_dict["EMBEDDED_NAME"]
            )
        except (OSError, RuntimeError, subprocess.SubprocessError) as error:
            # Said the way any unreachable server is said, so callers (the 503 page, the
            # ingest command) need to know one exception, not the embedded library's.
            raise OperationalError(
                f"the embedded database server did not start: {error}"
            ) from error
        params.update(host=connection.host, port=connection.port, user=connection.user)
        return params
