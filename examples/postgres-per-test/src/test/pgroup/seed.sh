# The seed: a data dir with the schema and the fixture rows, made once per machine. $1 is the
# seed dir (each group gets a copy of what is written there), $2 a port leased while this runs.
set -eu
seed=$1
port=$2
here=$(dirname "$0")
pg() { sh "$here/pg.sh" "$@"; }

# 1 MB WAL segments: the copy each group gets is then about 25 MB smaller than with the default 16.
pg initdb -D "$seed/data" -U postgres -A trust --no-sync --wal-segsize=1 -E UTF8 --locale=C
# A temporary server on the leased port, TCP only (a socket path under the seed dir may be too long).
pg pg_ctl -D "$seed/data" -w -l "$seed/seed-server.log" \
  -o "-p $port -k '' -c listen_addresses=127.0.0.1 -c fsync=off" start
trap 'pg pg_ctl -D "$seed/data" -w -m fast stop' EXIT
pg psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -f "$here/schema.sql"
pg pg_ctl -D "$seed/data" -w -m fast stop
trap - EXIT
rm -f "$seed/seed-server.log"
# The bin dir the data dir was made with, for pg.sh in every group.
pg --bindir > "$seed/pg-bin"
