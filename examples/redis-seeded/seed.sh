# The seed: a dump.rdb holding the keys of keys.txt. $1 is the seed dir, $2 a port leased while
# this runs, for a temporary server that is shut down (saving) before the seed exits.
set -eu
seed=$1
port=$2
here=$(dirname "$0")
redis-server --port "$port" --bind 127.0.0.1 --dir "$seed" --dbfilename dump.rdb --save "" --appendonly no \
  --daemonize yes --pidfile "$seed/seed.pid" --logfile "$seed/seed.log"
# The server answers once it has loaded: wait for it, with a deadline of 10 s.
i=0
until redis-cli -p "$port" ping >/dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -lt 200 ] || { echo "the seed's redis-server did not answer"; cat "$seed/seed.log"; exit 1; }
  sleep 0.05
done
# One command per line of keys.txt, e.g. SET greeting hello.
redis-cli -p "$port" < "$here/keys.txt" >/dev/null
redis-cli -p "$port" shutdown save
# shutdown returns when the server exits, and the dump is written by then; the rest is not needed.
rm -f "$seed/seed.pid" "$seed/seed.log"
test -s "$seed/dump.rdb"
