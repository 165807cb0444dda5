#!/usr/bin/env bash
# Makes a container engine available to pgroup's container tests: installs Docker when dockerd is
# missing, starts a daemon when none answers, and builds the two test images locally (there is no
# registry access on the machines CI runs on, so nothing is pulled).
#
# Idempotent: each step is skipped when its result is already there. Called by run-tests.sh, not by
# setup.sh or run-quickstart.sh: the quickstart does not need Docker.
#
# A daemon this script starts keeps running after it (the tests need it, and a CI machine ends with
# its session). Its pid is in $PGROUP_DOCKERD_DIR/dockerd.pid (default /tmp/pgroup-dockerd); stop it
# with:  ./setup-docker.sh --stop
set -euo pipefail

state_dir=${PGROUP_DOCKERD_DIR:-/tmp/pgroup-dockerd}
pid_file=$state_dir/dockerd.pid
log_file=$state_dir/dockerd.log

say() { echo "setup-docker: $*"; }
die() { echo "setup-docker: $*" >&2; exit 1; }

sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    pid=$(cat "$pid_file")
    $sudo kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "dockerd $pid did not exit within 30 s"
    rm -f "$pid_file"
    say "stopped dockerd $pid"
  else
    say "no dockerd started by this script is running"
  fi
  exit 0
fi

# waits until "$@" succeeds, for at most $1 tenths of a second; polls rather than sleeping a fixed time
wait_for() {
  local tenths=$1; shift
  for _ in $(seq 1 "$tenths"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  "$@" >/dev/null 2>&1
}

# 1. the daemon's binaries. A docker client alone (as in /usr/local/bin here) cannot run containers.
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "cannot install ${need[*]}: no apt-get. Install Docker (dockerd) and busybox by hand."
  say "installing ${need[*]}"
  # Debian would start dockerd as a system service; the policy keeps it from doing so, this script
  # starts its own daemon with the options that work in a container.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && added_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ -n "$added_policy" ]; then $sudo rm -f "$policy"; fi
fi
command -v dockerd >/dev/null 2>&1 || die "dockerd is still missing after the install"

# 2. the daemon. vfs works on any filesystem (overlay does not nest in every container), and
# iptables is not available where the tests run; -p then works through docker-proxy.
if docker info >/dev/null 2>&1; then
  say "a docker daemon answers"
else
  mkdir -p "$state_dir"
  say "starting dockerd (log: $log_file, pid: $pid_file)"
  # setsid: the daemon outlives this script and the shell that ran it, and no terminal signal reaches it
  $sudo setsid dockerd --storage-driver=vfs --iptables=false >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  if ! wait_for 600 docker info; then
    tail -n 20 "$log_file" >&2 || true
    die "dockerd did not answer 'docker info' within 60 s; its log is $log_file"
  fi
  say "dockerd $(cat "$pid_file") answers"
fi

# 3. the test images, built from files on this machine
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

if ! docker image inspect pgroup-test/busybox >/dev/null 2>&1; then
  busybox_bin=$(command -v busybox || echo /bin/busybox)
  mkdir -p "$workdir/busybox/bin" "$workdir/busybox/tmp"
  cp "$busybox_bin" "$workdir/busybox/bin/busybox"
  # the applets as links, so an image command such as ["sh", "-c", ...] works
  for applet in $("$busybox_bin" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$workdir/busybox/bin/$applet"
  done
  tar -C "$workdir/busybox" -c . | docker import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - pgroup-test/busybox >/dev/null
  say "built pgroup-test/busybox"
fi

if ! docker image inspect pgroup-test/redis:7 >/dev/null 2>&1; then
  redis_bin=$(readlink -f "$(command -v redis-server)")
  root=$workdir/redis
  mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/data" "$root/bin"
  # redis picks its mode from its own name: /usr/bin/redis-server links to redis-check-rdb
  cp "$redis_bin" "$root/usr/local/bin/redis-server"
  cp "$(command -v busybox || echo /bin/busybox)" "$root/bin/busybox"
  ln -sf busybox "$root/bin/sh"
  for lib in $(ldd "$redis_bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/local/bin:/bin' --change 'WORKDIR /data' \
    --change 'CMD ["redis-server", "--protected-mode", "no"]' - pgroup-test/redis:7 >/dev/null
  say "built pgroup-test/redis:7"
fi

# 4. -p 127.0.0.1:HOST:CTR on the default bridge: the container tests reach containers only that way
if ! docker run --rm --name pgroup-setup-probe -p 127.0.0.1::6379 pgroup-test/busybox true >/dev/null 2>"$workdir/probe.err"; then
  cat "$workdir/probe.err" >&2
  die "'docker run -p 127.0.0.1::6379' fails with this daemon; see $log_file"
fi
say "docker run -p 127.0.0.1:HOST:CTR works; images: pgroup-test/busybox, pgroup-test/redis:7"
