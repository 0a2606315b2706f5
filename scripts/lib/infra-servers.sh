# shellcheck shell=bash
# Starts, stops and reports nats-server and FerretDB for scripts/infra.
# Source this file after infra-common.sh and infra-install.sh, with the settings of scripts/infra.

# URLs chosen by start_nats and start_ferretdb, written to $ENV_FILE by start_all.
STARTED_NATS_URL=
STARTED_MONGODB_URI=
BINARIES_CHECKED=0

ensure_installed() {
  if ((BINARIES_CHECKED == 0)); then
    install_all
    BINARIES_CHECKED=1
  fi
}

# Launches a server in its own session, so that it outlives this script and a Ctrl-C in the
# terminal, and appends its output to the log. The child writes its own pid before exec, and
# this waits up to 5 seconds for that pid file, so that later steps can always find the process.
launch() {
  local pid_file=$1 log_file=$2 attempt
  shift 2
  rm -f "$pid_file"
  printf '=== %s: %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$*" >>"$log_file"
  # shellcheck disable=SC2016 # The variables expand in the inner bash.
  setsid --fork bash -c 'printf "%s\n" "$$" >"$0.tmp" && mv "$0.tmp" "$0"; exec "$@"' \
    "$pid_file" "$@" </dev/null >>"$log_file" 2>&1
  for ((attempt = 0; attempt < 50; attempt++)); do
    [[ -s $pid_file ]] && return 0
    sleep 0.1
  done
  die "no pid file $pid_file appeared 5 s after launching $1; see $log_file"
}

# Waits until the launched server accepts TCP connections on 127.0.0.1:port. On a timeout or
# an early exit, stops the server, prints the log tail and exits.
wait_until_listening() {
  local name=$1 binary=$2 pid_file=$3 log_file=$4 port=$5 deadline pid
  deadline=$((SECONDS + INFRA_START_TIMEOUT))

  while ((SECONDS < deadline)); do
    if tcp_accepts 127.0.0.1 "$port"; then
      return 0
    fi
    if [[ -f $pid_file ]] && ! running_pid "$pid_file" "$binary" >/dev/null; then
      rm -f "$pid_file"
      log_tail "$log_file"
      die "$name exited during startup; see $log_file"
    fi
    sleep 0.2
  done

  if pid=$(running_pid "$pid_file" "$binary"); then
    terminate_pid "$pid"
  fi
  rm -f "$pid_file"
  log_tail "$log_file"
  die "$name did not accept connections on 127.0.0.1:$port within ${INFRA_START_TIMEOUT} s" \
    "(INFRA_START_TIMEOUT); see $log_file"
}

# Succeeds when a server that this script started is running. Exits when it runs with other
# settings than requested, because a running server cannot change its port or backend.
already_running() {
  local name=$1 binary=$2 state=$3 pid recorded
  pid=$(running_pid "$DATA_DIR/$name.pid" "$binary") || return 1
  recorded=$(cat "$DATA_DIR/$name.state" 2>/dev/null || true)
  if [[ $recorded != "$state" ]]; then
    die "$name is already running (pid $pid) with '$recorded', not '$state';" \
      "run scripts/infra stop first"
  fi
  log "$name is already running (pid $pid, $state)"
}

# Exits when a process that this script did not start listens on the port.
ensure_port_free() {
  local name=$1 port=$2 variable=$3
  if tcp_accepts 127.0.0.1 "$port"; then
    die "port $port for $name is already in use by a process that scripts/infra did not start;" \
      "set $variable to a free port, or INFRA_REUSE=1 to use that server"
  fi
}

# Exits unless the server at url accepts connections. For NATS, also checks the INFO greeting.
check_reused_server() {
  local name=$1 url=$2 host_port host port greeting
  host_port=$(url_host_port "$url")
  if [[ -z $host_port ]]; then
    warn "cannot read host and port from the $name URL, so it is used unchecked"
    return 0
  fi
  read -r host port <<<"$host_port"
  tcp_accepts "$host" "$port" || die "INFRA_REUSE=1 but nothing accepts connections at $host:$port"
  if [[ $name == nats ]]; then
    greeting=$(tcp_read_greeting "$host" "$port" || true)
    [[ $greeting == INFO* ]] || die "the server at $host:$port did not send a NATS INFO greeting"
    [[ $greeting == *'"jetstream":true'* ]] ||
      warn "the NATS server at $host:$port does not report JetStream as enabled"
  fi
}

start_nats() {
  local state="port $NATS_PORT" log_file="$DATA_DIR/nats-server.log"

  if already_running nats-server "$NATS_BIN" "$state"; then
    STARTED_NATS_URL="nats://127.0.0.1:$NATS_PORT"
    return 0
  fi
  if ((INFRA_REUSE == 1)); then
    if [[ -n ${NATS_URL:-} ]]; then
      check_reused_server nats "$NATS_URL"
      log "reusing NATS at NATS_URL from the environment"
      STARTED_NATS_URL=$NATS_URL
      return 0
    fi
    if tcp_accepts 127.0.0.1 "$NATS_PORT"; then
      check_reused_server nats "nats://127.0.0.1:$NATS_PORT"
      log "reusing the NATS server already listening on 127.0.0.1:$NATS_PORT"
      STARTED_NATS_URL="nats://127.0.0.1:$NATS_PORT"
      return 0
    fi
  fi
  ensure_port_free nats-server "$NATS_PORT" NATS_PORT
  ensure_installed

  mkdir -p "$DATA_DIR/nats"
  log "starting nats-server on 127.0.0.1:$NATS_PORT with JetStream in $DATA_DIR/nats"
  launch "$DATA_DIR/nats-server.pid" "$log_file" \
    "$NATS_BIN" -js -sd "$DATA_DIR/nats" -a 127.0.0.1 -p "$NATS_PORT"
  wait_until_listening nats-server "$NATS_BIN" "$DATA_DIR/nats-server.pid" "$log_file" "$NATS_PORT"
  printf '%s\n' "$state" >"$DATA_DIR/nats-server.state"
  log "nats-server is running (pid $(<"$DATA_DIR/nats-server.pid"), log $log_file)"
  STARTED_NATS_URL="nats://127.0.0.1:$NATS_PORT"
}

# Prints the value of --postgresql-url with its password replaced by ***.
redact_url() {
  sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"
}

# Creates the PostgreSQL database named in POSTGRES_URL when psql exists and it is missing.
ensure_postgres_database() {
  local authority path database query maintenance_url exists
  if ! command -v psql >/dev/null; then
    warn "psql is not on PATH, so the database in POSTGRES_URL must already exist"
    return 0
  fi

  authority=${POSTGRES_URL#*://}
  path=
  if [[ $authority == */* ]]; then
    path=${authority#*/}
    authority=${authority%%/*}
  fi
  database=${path%%\?*}
  query=
  if [[ $path == *\?* ]]; then
    query="?${path#*\?}"
  fi
  if [[ ! $database =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]]; then
    warn "database name '$database' in POSTGRES_URL is not a plain identifier, so it is not created"
    return 0
  fi

  maintenance_url="${POSTGRES_URL%%://*}://$authority/postgres$query"
  exists=$(psql "$maintenance_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'") ||
    die "cannot connect to PostgreSQL at $(redact_url "$maintenance_url"); check POSTGRES_URL"
  if [[ $exists != 1 ]]; then
    log "creating PostgreSQL database $database"
    psql "$maintenance_url" -qc "CREATE DATABASE \"$database\"" >/dev/null ||
      die "CREATE DATABASE $database failed at $(redact_url "$maintenance_url")"
  fi
}

start_ferretdb() {
  local state="port $FERRETDB_PORT, backend $DATABASE_BACKEND" log_file="$DATA_DIR/ferretdb.log"
  local -a backend_args

  if already_running ferretdb "$FERRETDB_BIN" "$state"; then
    STARTED_MONGODB_URI="mongodb://127.0.0.1:$FERRETDB_PORT/$MONGODB_DATABASE"
    return 0
  fi
  if ((INFRA_REUSE == 1)); then
    if [[ -n ${MONGODB_URI:-} ]]; then
      check_reused_server mongodb "$MONGODB_URI"
      log "reusing MongoDB at MONGODB_URI from the environment"
      STARTED_MONGODB_URI=$MONGODB_URI
      return 0
    fi
    if tcp_accepts 127.0.0.1 "$FERRETDB_PORT"; then
      log "reusing the server already listening on 127.0.0.1:$FERRETDB_PORT as MongoDB"
      STARTED_MONGODB_URI="mongodb://127.0.0.1:$FERRETDB_PORT/$MONGODB_DATABASE"
      return 0
    fi
  fi
  ensure_port_free ferretdb "$FERRETDB_PORT" FERRETDB_PORT
  ensure_installed

  mkdir -p "$DATA_DIR/ferretdb-state"
  if [[ $DATABASE_BACKEND == postgres ]]; then
    ensure_postgres_database
    backend_args=(--handler=postgresql)
    log "starting ferretdb on 127.0.0.1:$FERRETDB_PORT with PostgreSQL at" \
      "$(redact_url "$POSTGRES_URL")"
  else
    mkdir -p "$DATA_DIR/ferretdb"
    backend_args=(--handler=sqlite "--sqlite-url=file:$DATA_DIR/ferretdb/")
    log "starting ferretdb on 127.0.0.1:$FERRETDB_PORT with SQLite in $DATA_DIR/ferretdb"
  fi

  # FerretDB reads a FERRETDB_<FLAG> variable for each flag. The PostgreSQL URL goes through
  # one, so that a password in it does not appear in the process list.
  (
    if [[ $DATABASE_BACKEND == postgres ]]; then
      export FERRETDB_POSTGRESQL_URL=$POSTGRES_URL
    fi
    launch "$DATA_DIR/ferretdb.pid" "$log_file" \
      "$FERRETDB_BIN" "${backend_args[@]}" \
      "--state-dir=$DATA_DIR/ferretdb-state" \
      "--listen-addr=127.0.0.1:$FERRETDB_PORT" \
      --telemetry=disable --debug-addr=- --log-level=warn
  )
  wait_until_listening ferretdb "$FERRETDB_BIN" "$DATA_DIR/ferretdb.pid" "$log_file" \
    "$FERRETDB_PORT"
  printf '%s\n' "$state" >"$DATA_DIR/ferretdb.state"
  log "ferretdb is running (pid $(<"$DATA_DIR/ferretdb.pid"), log $log_file)"
  STARTED_MONGODB_URI="mongodb://127.0.0.1:$FERRETDB_PORT/$MONGODB_DATABASE"
}

write_env_file() {
  local staged="$ENV_FILE.tmp.$$"
  {
    printf '# Written by scripts/infra start. Load it with: set -a; . %s; set +a\n' "$ENV_FILE"
    env_line NATS_URL "$STARTED_NATS_URL"
    env_line MONGODB_URI "$STARTED_MONGODB_URI"
  } >"$staged"
  mv -f "$staged" "$ENV_FILE"
}

start_all() {
  mkdir -p "$DATA_DIR"
  start_nats
  start_ferretdb
  write_env_file
  log "wrote $ENV_FILE"
  sed -n '/^[A-Z]/s/^/  /p' "$ENV_FILE"
}

stop_server() {
  local name=$1 binary=$2 pid
  if pid=$(running_pid "$DATA_DIR/$name.pid" "$binary"); then
    log "stopping $name (pid $pid)"
    terminate_pid "$pid"
  else
    log "no $name started by scripts/infra is running"
  fi
  rm -f "$DATA_DIR/$name.pid" "$DATA_DIR/$name.state"
}

# Stops both servers in parallel, because each can take a few seconds to shut down.
stop_all() {
  stop_server nats-server "$NATS_BIN" &
  stop_server ferretdb "$FERRETDB_BIN" &
  wait
  if [[ -f $ENV_FILE ]]; then
    rm -f "$ENV_FILE"
    log "removed $ENV_FILE"
  fi
}

# Prints one line per server and returns 1 when the URL in the env file does not accept
# connections.
report_server() {
  local name=$1 binary=$2 key=$3 url pid host_port host port
  url=$(sed -n "s/^$key=//p" "$ENV_FILE" 2>/dev/null | tr -d "'")
  if pid=$(running_pid "$DATA_DIR/$name.pid" "$binary"); then
    printf '%-11s running, pid %s, %s\n' "$name" "$pid" "$(cat "$DATA_DIR/$name.state")"
  else
    printf '%-11s not started by scripts/infra\n' "$name"
  fi
  if [[ -z $url ]]; then
    printf '%-11s no %s in %s\n' "" "$key" "$ENV_FILE"
    return 1
  fi
  host_port=$(url_host_port "$url")
  if [[ -z $host_port ]]; then
    printf '%-11s %s=%s (not checked)\n' "" "$key" "$url"
    return 0
  fi
  read -r host port <<<"$host_port"
  if tcp_accepts "$host" "$port"; then
    printf '%-11s %s=%s accepts connections\n' "" "$key" "$url"
  else
    printf '%-11s %s=%s does not accept connections\n' "" "$key" "$url"
    return 1
  fi
}

show_status() {
  local healthy=0
  report_server nats-server "$NATS_BIN" NATS_URL || healthy=1
  report_server ferretdb "$FERRETDB_BIN" MONGODB_URI || healthy=1
  printf 'installed: %s\n' "$(tr '\n' ' ' <"$VERSIONS_FILE" 2>/dev/null || printf 'nothing')"

  return "$healthy"
}
