#!/usr/bin/env bash
# Why a seed's copy is never a tree of hard links: times cp -a against cp -al of the
# postgres-per-test seed, then writes through a hard-linked copy and shows the seed changed too.
# Needs root (postgres runs as user postgres). Usage: bench/seed-hardlinks.sh [copies] (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-5}
example=$PWD/examples/postgres-per-test/src/test/pgroup
bin=$(sh "$example/pg.sh" --bindir)
port=${PORT:-25997}
dir=$(mktemp -d)
chmod 0711 "$dir"
pgpid=""
cleanup() { [ -n "$pgpid" ] && kill "$pgpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
mkdir "$dir/seed" && chown postgres "$dir/seed"
chpst -u postgres sh "$example/seed.sh" "$dir/seed" "$port" >"$dir/seed.log" 2>&1
echo "seed: $(du -sh "$dir/seed" | cut -f1)"
for i in $(seq "$copies"); do
  s=$(date +%s%N); cp -a "$dir/seed" "$dir/copy$i"; e=$(date +%s%N); cp -al "$dir/seed" "$dir/link$i"; f=$(date +%s%N)
  echo "copy $i: cp -a $(( (e - s) / 1000000 )) ms, cp -al (hard links) $(( (f - e) / 1000000 )) ms"
done
before=$(cat "$dir"/seed/data/base/*/* | md5sum)
chpst -u postgres "$bin/postgres" -D "$dir/link1/data" -p "$port" -k '' -c listen_addresses=127.0.0.1 >"$dir/pg.log" 2>&1 &
pgpid=$!
for _ in $(seq 200); do "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q && break; sleep 0.05; done
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "INSERT INTO customer (name) VALUES ('through a link')" -c CHECKPOINT
kill "$pgpid"; wait "$pgpid" || true; pgpid=""
after=$(cat "$dir"/seed/data/base/*/* | md5sum)
if [ "$before" != "$after" ]; then
  echo "a write through the hard-linked copy changed the seed's own files: hard links are ruled out"
else
  echo "the seed's files did not change"
fi
