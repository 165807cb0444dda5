#!/bin/sh
# What the README promises: eval "$(pgroup env ID)", then talk to the exported port.
# Usage: env-ping.sh PGROUP ID
set -eu
eval "$("$1" env "$2")"
echo "id $PGROUP_ID"
echo "manifest $PGROUP_MANIFEST"
redis-cli -p "$PGROUP_REDIS_MAIN_PORT" PING
