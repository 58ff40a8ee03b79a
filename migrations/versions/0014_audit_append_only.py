"""the audit trail is append-only in the database itself (issue 14)

Until now only the portal's models refused to change an audit event; raw SQL could. Triggers now
refuse every UPDATE and DELETE on audit_event, on PostgreSQL (a plpgsql function) and on SQLite
(RAISE(ABORT)). Both answer with an integrity error whose message says "append-only". Events
already in the table stay exactly as they are.

What this does not stop: the table's owner can still drop the triggers or the table, and on
PostgreSQL TRUNCATE fires no row trigger (the tests' cleanup between tests relies on that). Against
someone with the owner's rights, a deployment runs the portal as a role granted only SELECT and
INSERT on audit_event.

On SQLite a later migration that rebuilds audit_event (batch_alter_table copies the table) drops
these triggers: such a migration must create them again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

MESSAGE = "audit_event is append-only: an audit event cannot be changed or deleted"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # OR REPLACE: dropping the tables (as the tests do, to start a reused database afresh)
        # leaves the function behind.
        op.execute(f"""
            CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END
            $$
        """)
        op.execute("""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """)
    else:
        for change in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_event_no_{change.lower()} BEFORE {change} ON audit_event
                BEGIN
                    SELECT RAISE(ABORT, '{MESSAGE}');
                END
            """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
