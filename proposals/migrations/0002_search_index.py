from django.db import migrations

# The expression is exactly the one SearchVector("search_text", config="spanish") generates, so that
# PostgreSQL uses this index for Proposal.objects.search(). SQLite searches the same column with LIKE.
CREATE = (
    "CREATE INDEX IF NOT EXISTS proposal_search_gin ON proposals_proposal "
    "USING gin (to_tsvector('spanish'::regconfig, COALESCE(search_text, '')))"
)
DROP = "DROP INDEX IF EXISTS proposal_search_gin"


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP))]
