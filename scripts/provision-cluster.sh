#!/usr/bin/env bash
# Provisions what `npm run cluster` runs beyond npm's packages, once per machine, cached under .tools/cluster/:
#   temporal-server and temporal-sql-tool (with the server's SQL schemas), and the Temporal UI server, built from
#   the Go module proxy at the versions pinned in deploy/temporal/versions.env. A second run finds them and exits.
# PostgreSQL is Debian's package: installed with apt-get when it is missing and we are root (CI), else named.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../deploy/temporal/versions.env
. "$ROOT/deploy/temporal/versions.env"
DEST="$ROOT/.tools/cluster/temporal-${TEMPORAL_SERVER_VERSION}-ui-${TEMPORAL_UI_SERVER_VERSION}"

ensure_postgres() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo 'Installing PostgreSQL (Debian package postgresql) ...'
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    # The package starts a system cluster on 5432; the cluster profile runs its own under DATA_DIR.
    service postgresql stop >/dev/null 2>&1 || true
    return
  fi
  echo 'PostgreSQL is missing: install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)' >&2
  echo 'or put its bin directory (initdb, pg_ctl, postgres) on PATH.' >&2
  exit 1
}

build_temporal() {
  if [ -x "$DEST/bin/temporal-server" ] && [ -x "$DEST/bin/temporal-sql-tool" ] && [ -x "$DEST/bin/temporal-ui-server" ] &&
    [ -d "$DEST/schema/postgresql/v12" ]; then
    return
  fi
  local go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  if [ ! -x "$go" ] && ! command -v "$go" >/dev/null 2>&1; then
    echo "Go is missing: the cluster profile builds temporal-server ${TEMPORAL_SERVER_VERSION}, temporal-sql-tool and" >&2
    echo "the UI server ${TEMPORAL_UI_SERVER_VERSION} from the Go module proxy. Install Go 1.21 or newer (it fetches" >&2
    echo "${TEMPORAL_GO_TOOLCHAIN} itself), or set GO to its path, then run: bash scripts/provision-cluster.sh" >&2
    exit 1
  fi
  echo "Building Temporal server ${TEMPORAL_SERVER_VERSION} and UI server ${TEMPORAL_UI_SERVER_VERSION} into ${DEST#"$ROOT"/} (once; minutes on a cold machine) ..."
  local started=$SECONDS work="$DEST.partial"
  rm -rf "$work"
  mkdir -p "$work/server" "$work/ui" "$work/bin"
  export GOTOOLCHAIN="$TEMPORAL_GO_TOOLCHAIN" GOFLAGS=-modcacherw CGO_ENABLED=0
  GOBIN="$work/server" "$go" install "go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}" \
    "go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}"
  GOBIN="$work/ui" "$go" install "github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_SERVER_VERSION}"
  mv "$work/server/server" "$work/bin/temporal-server"
  mv "$work/server/sql" "$work/bin/temporal-sql-tool"
  mv "$work/ui/server" "$work/bin/temporal-ui-server"
  # The schema files ship in the server module, not in the binaries: keep the ones this version migrates to.
  local module
  module="$("$go" env GOMODCACHE)/go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}"
  mkdir -p "$work/schema"
  cp -R "$module/schema/postgresql" "$work/schema/"
  chmod -R u+w "$work/schema"
  rm -rf "$work/server" "$work/ui" "$DEST"
  mv "$work" "$DEST"
  echo "Built in $((SECONDS - started)) s."
}

ensure_postgres
build_temporal
echo "$DEST"
