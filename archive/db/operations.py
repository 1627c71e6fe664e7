"""Migration operations Django does not provide."""

from __future__ import annotations

from django.db import migrations


class ReplaceGeneratedColumn(migrations.AlterField):
    """AlterField for a stored generated column: drop it and add it again, in one statement.

    PostgreSQL before 17 cannot change a generated column's expression, and Django refuses
    to try. Adding the column computes every row's value in one rewrite of the table;
    ``storage`` (``MAIN``, ``EXTERNAL`` …) is set in the same statement, so the values are
    written where they are meant to live instead of waiting for a second rewrite. Indexes
    on the column are dropped with it: remove them before this operation and add them back
    after. Backwards, the column is rebuilt from the earlier state's expression.
    """

    def __init__(self, model_name: str, name: str, field, storage: str = "", **kwargs) -> None:
        super().__init__(model_name, name, field, **kwargs)
        self.storage = storage

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        if self.storage:
            kwargs["storage"] = self.storage
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._rebuild(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self._rebuild(app_label, schema_editor, to_state)

    def _rebuild(self, app_label, schema_editor, state) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=False)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(field.column)
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        storage = f", ALTER COLUMN {column} SET STORAGE {self.storage}" if self.storage else ""
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} {definition}{storage}", params or None
        )

    def describe(self) -> str:
        return f"Rebuild generated column {self.name} on {self.model_name}"
