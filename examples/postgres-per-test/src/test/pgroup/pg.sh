# Runs a PostgreSQL program ($1) with the rest as its arguments. Debian keeps initdb and postgres
# off PATH, in /usr/lib/postgresql/<version>/bin; pg_config knows where. exec keeps the pid, so
# runit supervises the server itself.
program=$1
shift
for dir in "${PG_BIN:-}" "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin /usr/local/bin /opt/homebrew/bin; do
  if [ -n "$dir" ] && [ -x "$dir/$program" ]; then
    exec "$dir/$program" "$@"
  fi
done
echo "pg.sh: $program not found: install PostgreSQL (./setup.sh does), or set PG_BIN" >&2
exit 127
