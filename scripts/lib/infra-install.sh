# shellcheck shell=bash
# Builds nats-server and FerretDB from the Go module proxy into $TOOLS_BIN.
# Source this file after infra-common.sh, with REPO_ROOT, TOOLS_BIN and VERSIONS_FILE set.

readonly NATS_SERVER_MODULE=github.com/nats-io/nats-server/v2
readonly NATS_SERVER_VERSION=v2.15.3
readonly FERRETDB_MODULE=github.com/FerretDB/FerretDB
readonly FERRETDB_VERSION=v1.24.2

# Folder for build copies and captured output. It is created in the main shell, because
# functions called through $(...) run in subshells whose variable changes are lost.
INFRA_TEMP_ROOT=

create_temp_root() {
  INFRA_TEMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/qbsync-infra.XXXXXX")
  trap remove_temp_root EXIT
}

remove_temp_root() {
  if [[ -n $INFRA_TEMP_ROOT ]]; then
    rm -rf "$INFRA_TEMP_ROOT"
  fi
}

make_temp_dir() {
  mktemp -d "$INFRA_TEMP_ROOT/XXXXXX"
}

# Runs a command in a folder with its output captured. On failure, prints the exact command,
# the folder and the output, then exits with the command's status.
run_step() {
  local dir=$1 output status=0
  shift
  output=$(make_temp_dir)/output.log
  (cd "$dir" && "$@") >"$output" 2>&1 || status=$?
  if ((status != 0)); then
    printf 'infra: error: command failed with exit status %s\n' "$status" >&2
    printf '  in:      %s\n' "$dir" >&2
    printf '  command:' >&2
    printf ' %q' "$@" >&2
    printf '\n  output:\n' >&2
    sed 's/^/    /' "$output" >&2
    if [[ $dir == "$INFRA_TEMP_ROOT"/* ]]; then
      printf '  (scripts/infra removes %s when it exits)\n' "$INFRA_TEMP_ROOT" >&2
    fi
    exit "$status"
  fi
}

recorded_version() {
  local name=$1
  [[ -f $VERSIONS_FILE ]] || return 0
  awk -v name="$name" '$1 == name { print $2 }' "$VERSIONS_FILE"
}

record_version() {
  local name=$1 version=$2 updated="$VERSIONS_FILE.tmp.$$"
  if [[ -f $VERSIONS_FILE ]]; then
    awk -v name="$name" '$1 != name' "$VERSIONS_FILE" >"$updated"
  fi
  printf '%s %s\n' "$name" "$version" >>"$updated"
  mv -f "$updated" "$VERSIONS_FILE"
}

# Succeeds when the binary exists and .tools/versions records the expected version for it.
# Otherwise prints why it needs installing.
needs_install() {
  local name=$1 version=$2 recorded
  recorded=$(recorded_version "$name")
  if [[ ! -x $TOOLS_BIN/$name ]]; then
    log "$name is missing from $TOOLS_BIN, installing $version"
    return 0
  fi
  if [[ $recorded != "$version" ]]; then
    log "$name in $TOOLS_BIN is ${recorded:-of unknown version}, installing $version"
    return 0
  fi
  log "$name $version is already installed in $TOOLS_BIN"

  return 1
}

# Moves a built binary into $TOOLS_BIN. It is copied next to its final path and then renamed,
# so that a parallel reader (the @qbsync/testing library) never reads a partly written file.
place_binary() {
  local built=$1 name=$2 staged="$TOOLS_BIN/.$2.tmp.$$"
  cp "$built" "$staged"
  mv -f "$staged" "$TOOLS_BIN/$name"
}

# Checks that `binary --version` prints the expected version, which also proves it starts.
verify_binary_version() {
  local binary=$1 version=$2 output
  output=$("$binary" --version 2>&1) || {
    printf '%s\n' "$output" >&2
    die "$binary --version failed, so the build is unusable"
  }
  [[ $output == *"$version"* ]] || {
    printf '%s\n' "$output" >&2
    die "$binary --version does not report $version"
  }
}

install_nats_server() {
  local gobin

  needs_install nats-server "$NATS_SERVER_VERSION" || return 0
  gobin=$(make_temp_dir)
  run_step "$REPO_ROOT" env GOBIN="$gobin" go install "$NATS_SERVER_MODULE@$NATS_SERVER_VERSION"
  verify_binary_version "$gobin/nats-server" "$NATS_SERVER_VERSION"
  place_binary "$gobin/nats-server" nats-server
  record_version nats-server "$NATS_SERVER_VERSION"
  log "installed nats-server $NATS_SERVER_VERSION into $TOOLS_BIN"
}

# Prints the module cache folder of module@version, downloading it through the Go module proxy.
go_module_dir() {
  local module_version=$1 json status=0
  json=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$module_version" 2>&1) || status=$?
  if ((status != 0)); then
    printf '%s\n' "$json" >&2
    die "go mod download -json $module_version failed with exit status $status"
  fi
  # Node is already required by the project, whereas jq and python3 may be missing.
  node -e '
    const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (info.Error || !info.Dir) {
      console.error(info.Error || "go mod download printed no Dir");
      process.exit(1);
    }
    console.log(info.Dir);
  ' <<<"$json" || die "cannot read the module folder from go mod download -json $module_version"
}

# `go install .../cmd/ferretdb@version` builds a binary that panics at start, because the module
# zip lacks the generated build/version/version.txt that FerretDB embeds. So this builds from a
# writable copy of the module with that file written, as `bin/task gen-version` would.
install_ferretdb() {
  local module_dir work_dir

  needs_install ferretdb "$FERRETDB_VERSION" || return 0
  module_dir=$(go_module_dir "$FERRETDB_MODULE@$FERRETDB_VERSION")
  work_dir=$(make_temp_dir)
  cp -R "$module_dir" "$work_dir/src"
  chmod -R u+w "$work_dir/src"
  printf '%s\n' "$FERRETDB_VERSION" >"$work_dir/src/build/version/version.txt"

  log "building ferretdb $FERRETDB_VERSION (this can take a few minutes when the Go build cache is empty)"
  run_step "$work_dir/src" go build -trimpath -o "$work_dir/ferretdb" ./cmd/ferretdb
  verify_binary_version "$work_dir/ferretdb" "$FERRETDB_VERSION"
  place_binary "$work_dir/ferretdb" ferretdb
  record_version ferretdb "$FERRETDB_VERSION"
  log "installed ferretdb $FERRETDB_VERSION into $TOOLS_BIN"
}

install_all() {
  # Go's official tarball installs to /usr/local/go, which a non-login shell may not have on PATH.
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  fi

  command -v go >/dev/null || die "go is not on PATH; install Go to build nats-server and FerretDB"
  command -v node >/dev/null || die "node is not on PATH; install Node.js 20 or later"
  mkdir -p "$TOOLS_BIN"
  create_temp_root
  install_nats_server
  install_ferretdb
  install_xmllint
}

# The QuickBooks Desktop tests validate every generated qbXML message with xmllint against
# Intuit's schema. It comes from Debian's libxml2-utils package.
install_xmllint() {
  command -v xmllint >/dev/null && return 0

  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing xmllint (Debian package libxml2-utils)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libxml2-utils >/dev/null ||
      die "apt-get install libxml2-utils failed; install xmllint another way and run again"
  else
    die "xmllint is missing: run 'apt-get install libxml2-utils' as root, then run again"
  fi
}
