# Runs a PostgreSQL program ($1) with the rest as its arguments. Debian keeps initdb and postgres
# off PATH, in /usr/lib/postgresql/<version>/bin; pg_config knows where. The seed records the dir it
# used in pg-bin, which every group's copy has in its process dir (the working dir): the server
# then is the version that made the data dir, and the start spawns no pg_config. exec keeps the
# pid, so runit supervises the server itself.
# pg.sh --bindir prints the dir it finds the programs in.
program=$1
shift
if [ "$program" = --bindir ]; then
  program=initdb
  print=1
fi
# Tried in order, each only if the one before did not have it: pg_config costs a spawn or two.
try() {
  if [ -n "$1" ] && [ -x "$1/$program" ]; then
    if [ -n "${print:-}" ]; then echo "$1"; exit 0; fi
    d=$1; shift; exec "$d/$program" "$@"
  fi
}
dir=${PG_BIN:-}
try "$dir" "$@"
recorded=""
[ -r pg-bin ] && read -r recorded < pg-bin
try "$recorded" "$@"
try "$(pg_config --bindir 2>/dev/null)" "$@"
for dir in /usr/lib/postgresql/*/bin /usr/local/bin /opt/homebrew/bin; do
  try "$dir" "$@"
done
echo "pg.sh: $program not found: install PostgreSQL (./setup.sh does), or set PG_BIN" >&2
exit 127
