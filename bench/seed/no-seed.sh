# For bench/seed.sh: what a group does without a seed. Every group runs the example's seed.sh
# itself (initdb, a temporary server, the schema), then execs the server. $1 process dir, $2 port,
# the rest postgres's arguments.
set -eu
here=$(dirname "$0")
dir=$1
port=$2
shift 2
sh "$here/seed.sh" "$dir" "$port" >/dev/null
exec sh "$here/pg.sh" postgres -D "$dir/data" -p "$port" "$@"
