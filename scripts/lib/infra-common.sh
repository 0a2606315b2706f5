# shellcheck shell=bash
# Logging, process and TCP helpers shared by scripts/infra. Source this file, do not run it.

log() {
  printf 'infra: %s\n' "$*"
}

warn() {
  printf 'infra: warning: %s\n' "$*" >&2
}

die() {
  printf 'infra: error: %s\n' "$*" >&2
  exit 1
}

# Succeeds when something accepts TCP connections on host:port within 2 seconds.
tcp_accepts() {
  local host=$1 port=$2
  # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash, which gets host and port.
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# Prints the first line a server sends after accepting a connection (NATS sends `INFO {...}`).
tcp_read_greeting() {
  local host=$1 port=$2
  # shellcheck disable=SC2016 # The variables expand in the inner bash.
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"; IFS= read -r line <&3; printf "%s\n" "$line"' \
    "$host" "$port" 2>/dev/null
}

# Reads a pid file and prints the pid when that process is alive and its command line
# contains the expected binary path, so that a recycled pid is never taken for our server.
running_pid() {
  local pid_file=$1 binary=$2 pid command_line
  [[ -f $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  command_line=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $command_line == *"$binary"* ]] || return 1
  printf '%s\n' "$pid"
}

# Sends SIGTERM, waits up to 10 seconds, then sends SIGKILL.
terminate_pid() {
  local pid=$1 attempt
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((attempt = 0; attempt < 100; attempt++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  warn "process $pid did not exit 10 s after SIGTERM, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# Prints the last lines of a log file, indented, for error messages.
log_tail() {
  local file=$1 lines=${2:-30}
  if [[ -s $file ]]; then
    printf -- '--- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/  /' >&2
  else
    printf '(log %s is empty)\n' "$file" >&2
  fi
}

# Prints "host port" of the first server in a nats:// or mongodb:// URL, dropping
# credentials, the path and the query. Prints nothing for URLs without an explicit port.
url_host_port() {
  local url=$1 authority
  authority=${url#*://}
  authority=${authority%%/*}
  authority=${authority%%\?*}
  authority=${authority##*@}
  authority=${authority%%,*}
  if [[ $authority =~ ^([^:]+):([0-9]+)$ ]]; then
    printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  fi
}

# Prints KEY=value for an env file, single-quoting values that contain shell syntax.
env_line() {
  local key=$1 value=$2
  if [[ $value =~ ^[A-Za-z0-9_./:@%+=,?-]*$ ]]; then
    printf '%s=%s\n' "$key" "$value"
  else
    printf "%s='%s'\n" "$key" "${value//\'/\'\\\'\'}"
  fi
}
