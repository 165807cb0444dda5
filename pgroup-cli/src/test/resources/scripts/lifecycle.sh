#!/bin/sh
# The whole lifecycle as a script would drive it: create, start --wait, status, stop, terminate.
# Usage: lifecycle.sh PGROUP DEFINITION_DIR
set -eu
pgroup=$1
id=$("$pgroup" create "$2")
echo "created $id"
"$pgroup" start "$id" --wait --timeout 30s
echo "== started"
"$pgroup" status "$id"
"$pgroup" stop "$id"
echo "== stopped"
"$pgroup" status "$id"
"$pgroup" terminate "$id"
echo "== terminated"
