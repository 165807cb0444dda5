#!/usr/bin/env bash
# Installs what pgroup and its tests need and is missing: runit, redis-server, lighttpd, perl, the
# daemons of the socket passing tests (nginx and gunicorn), and PostgreSQL for the seed tests and
# examples/postgres-per-test.
#   ./setup.sh               everything the test suite needs (./run-tests.sh)
#   ./setup.sh --quickstart  only what examples/quickstart needs: runit, redis-server, perl, java, maven
#                            (./run-quickstart.sh; a first run then skips PostgreSQL, nginx and the rest)
# Idempotent: it installs nothing that is already on PATH. Uses apt-get, dnf or brew.
set -euo pipefail

scope=all
case "${1:-}" in
  "") ;;
  --quickstart) scope=quickstart ;;
  *) echo "setup: unknown argument '$1' (usage: ./setup.sh [--quickstart])" >&2; exit 2 ;;
esac

# PostgreSQL's bin dir: Debian keeps initdb and postgres off PATH, in /usr/lib/postgresql/<v>/bin.
pg_bin() {
  local d
  for d in "${PG_BIN:-}" "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) \
    "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 1
}

need=()
command -v runsvdir >/dev/null 2>&1 || need+=(runit)
command -v redis-server >/dev/null 2>&1 || need+=(redis)
command -v perl >/dev/null 2>&1 || need+=(perl)
command -v java >/dev/null 2>&1 || need+=(java)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ "$scope" = all ]; then
  command -v lighttpd >/dev/null 2>&1 && [ -x "$(command -v lighttpd)" ] || [ -x /usr/sbin/lighttpd ] || need+=(lighttpd)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v gunicorn >/dev/null 2>&1 || need+=(gunicorn)
  pg_bin >/dev/null || need+=(postgresql)
fi

if [ ${#need[@]} -eq 0 ]; then
  if [ "$scope" = all ]; then
    echo "setup: runit, redis-server, lighttpd, perl, nginx, gunicorn, java, maven and PostgreSQL ($(pg_bin)) are installed"
  else
    echo "setup: runit, redis-server, perl, java and maven are installed (what the quickstart needs)"
  fi
  exit 0
fi
echo "setup: installing ${need[*]}"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
fi

# Package names differ per package manager.
pkgs_for() {
  local manager=$1; shift
  local out=()
  for n in "$@"; do
    case "$manager:$n" in
      apt:redis) out+=(redis-server) ;;
      apt:java) out+=(openjdk-17-jdk-headless) ;;
      apt:nginx) out+=(nginx-light) ;;
      dnf:gunicorn) out+=(python3-gunicorn) ;;
      dnf:java) out+=(java-17-openjdk-devel) ;;
      dnf:postgresql) out+=(postgresql-server) ;;
      brew:java) out+=(openjdk@17) ;;
      brew:postgresql) out+=(postgresql@16) ;;
      *) out+=("$n") ;;
    esac
  done
  echo "${out[@]}"
}

if command -v apt-get >/dev/null 2>&1; then
  # Debian starts redis-server, lighttpd and nginx as system services on install where it can.
  # pgroup starts its own instances on leased ports; a policy-rc.d that says "no" (exit 101, the
  # Debian convention) keeps the packages from starting theirs, and is removed afterwards.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && added_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $(pkgs_for apt "${need[@]}") >/dev/null
  if [ -n "$added_policy" ]; then $sudo rm -f "$policy"; fi
elif command -v dnf >/dev/null 2>&1; then
  $sudo dnf install -y -q $(pkgs_for dnf "${need[@]}")
elif command -v brew >/dev/null 2>&1; then
  brew install $(pkgs_for brew "${need[@]}")
else
  echo "setup: cannot install ${need[*]}: no apt-get, dnf or brew found." >&2
  echo "setup: install runit (runsvdir, runsv, sv, svlogd), redis-server, lighttpd, perl, nginx and gunicorn by hand." >&2
  exit 1
fi

for tool in runsvdir sv svlogd redis-server perl java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup: $tool is still missing after the install" >&2; exit 1; }
done
if [ "$scope" = quickstart ]; then
  echo "setup: done (quickstart; ./setup.sh installs the rest of what the test suite needs)"
  exit 0
fi
command -v gunicorn >/dev/null 2>&1 || { echo "setup: gunicorn is still missing after the install" >&2; exit 1; }
[ -x "$(command -v nginx || echo /usr/sbin/nginx)" ] || { echo "setup: nginx is still missing after the install" >&2; exit 1; }
pg_bin >/dev/null || { echo "setup: PostgreSQL (initdb, postgres) is still missing after the install" >&2; exit 1; }
echo "setup: PostgreSQL is in $(pg_bin) (pg.sh of examples/postgres-per-test finds it; PG_BIN overrides)"
# Debian installs redis-server, lighttpd and nginx as system services; in a container nothing starts them,
# and pgroup never needs them running: it starts its own instances.
echo "setup: done"
