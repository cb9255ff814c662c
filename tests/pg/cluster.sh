#!/bin/sh
# cluster: a throwaway PostgreSQL cluster for the tests, in a directory of its own.
#
#   tests/pg/cluster.sh start DIR    make DIR (it must not exist), initdb a cluster in
#                                    DIR/data, start it listening on a Unix socket in DIR
#                                    only (no TCP), and print the URL of its "postgres"
#                                    database: postgresql://urne@/postgres?host=DIR
#   tests/pg/cluster.sh restart DIR  stop it (fast: its sessions are cut) and start it
#                                    again with the same options
#   tests/pg/cluster.sh halt DIR     stop it (fast) and leave it stopped, DIR kept
#   tests/pg/cluster.sh resume DIR   start a halted cluster again, same options
#   tests/pg/cluster.sh stop DIR     stop it (immediately) and remove DIR; a DIR with no
#                                    running cluster is removed all the same
#
# PostgreSQL refuses to run as root, and the tests may run as root: then the cluster
# runs as an unprivileged account (URNE_PG_USER, default `nobody`) through runuser, and
# DIR belongs to it. Its superuser is "urne", trusted on the socket, which only DIR's
# owner and root can reach (DIR is 0700): the tests connect as root, with no password.
# The server is Debian's (/usr/lib/postgresql/*/bin, the highest version installed;
# `make deps` installs the postgresql package), so no test is skipped for want of one.
# Callers stop it in a trap (tests/pg/run.sh), so that a failing test leaves nothing.
set -eu

pg_bin() {
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    echo "cluster.sh: no PostgreSQL server in /usr/lib/postgresql/*/bin: run make deps" >&2
    return 1
}

# Run a command as the cluster's owner (as is, when not root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "${URNE_PG_USER:-nobody}" -- "$@"
    else
        "$@"
    fi
}

start() {
    dir=$1
    bin=$(pg_bin)
    mkdir -m 0700 "$dir"
    [ "$(id -u)" = 0 ] && chown "${URNE_PG_USER:-nobody}" "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U urne --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
    run_server "$dir" "$bin" || return 1
    echo "postgresql://urne@/postgres?host=$dir"
}

# Start the server of the cluster in DIR (made by start).
run_server() {
    dir=$1
    bin=$2
    # fsync off: a throwaway cluster needs no durability, and the tests run faster.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c full_page_writes=off \
-c synchronous_commit=off -c max_connections=200" start >/dev/null ||
        { cat "$dir/server.log" >&2; return 1; }
}

# Stop the server (fast: its sessions are cut), keeping DIR for resume.
halt() {
    dir=$1
    bin=$(pg_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
        { cat "$dir/server.log" >&2; return 1; }
}

restart() {
    dir=$1
    bin=$(pg_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null ||
        { cat "$dir/server.log" >&2; return 1; }
}

stop() {
    dir=$1
    [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        bin=$(pg_bin)
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
start) start "$2" ;;
restart) restart "$2" ;;
halt) halt "$2" ;;
resume) run_server "$2" "$(pg_bin)" ;;
stop) stop "$2" ;;
*) echo "usage: cluster.sh start|restart|halt|resume|stop DIR" >&2; exit 2 ;;
esac
