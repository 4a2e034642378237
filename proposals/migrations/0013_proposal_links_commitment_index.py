from django.db import migrations

# A commitment's page lists the latest proposals linked to it (`ProposalQuerySet.shaping`): with the links indexed
# by (commitment, proposal), the database walks the commitment's links from the newest proposal backwards and stops
# after a page, instead of reading and sorting every link. The many-to-many's table is Django's own (no through
# model to declare `Meta.indexes` on), so the index is plain SQL, the same on PostgreSQL and SQLite.
INDEX = "proposal_links_commitment_proposal"


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0012_call_proposal_counts"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON proposals_proposal_commitments (commitment_id, proposal_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]
