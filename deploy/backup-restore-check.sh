#!/usr/bin/env bash
# Prove the backup procedure: dump the database DATABASE_URL names with pg_dump, restore the dump into a
# fresh database with pg_restore, and compare the row count of every table. Exits non-zero on any difference.
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/quito_ga deploy/backup-restore-check.sh [dump-file]
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"

: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
source_db="${DATABASE_URL##*/}"
server="${DATABASE_URL%/*}"
restored_db="${source_db}_restore_check"
dump="${1:-$(mktemp -d)/${source_db}-$(date +%Y%m%dT%H%M%S).dump}"

counts() {
  # One line "table count" per table of the public schema, sorted.
  psql "$1" -At -c "SELECT table_name FROM information_schema.tables
                    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name" |
    while read -r table; do
      printf '%s %s\n' "$table" "$(psql "$1" -At -c "SELECT count(*) FROM \"$table\"")"
    done
}

echo "Backing up $source_db to $dump"
pg_dump --format=custom --no-owner --file="$dump" "$DATABASE_URL"

echo "Restoring into a fresh database $restored_db"
psql "$server/postgres" -q -c "DROP DATABASE IF EXISTS \"$restored_db\" WITH (FORCE)" -c "CREATE DATABASE \"$restored_db\""
trap 'psql "$server/postgres" -q -c "DROP DATABASE IF EXISTS \"$restored_db\" WITH (FORCE)"' EXIT
pg_restore --no-owner --exit-on-error --dbname="$server/$restored_db" "$dump"

before=$(counts "$DATABASE_URL")
after=$(counts "$server/$restored_db")
tables=$(printf '%s\n' "$before" | wc -l)
rows=$(printf '%s\n' "$before" | awk '{ sum += $2 } END { print sum }')
if [ "$before" != "$after" ]; then
  echo "MISMATCH between the database and its restored backup:"
  diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") || true
  exit 1
fi
echo "OK: $tables tables and $rows rows identical after restore ($(du -h "$dump" | cut -f1) dump)"
