#!/bin/sh
# Our namespace and the search attributes operators filter payments on (workflows/search-attributes.ts), then a
# check that each one is there with its type, then the `pix-payments` Nexus endpoint pointed at our worker's task
# queue (docs/NEXUS.md). Run by docker-compose (temporalio/admin-tools) and `npm run cluster`.
# Idempotent. A fresh server refuses search attributes for a moment after the namespace is created, so each one
# is retried until it is listed; anything still missing after the wait, or registered with another type, fails.
#   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE   the frontend and our namespace
#   TEMPORAL_TASK_QUEUE the workers' task queue, the Nexus endpoint's target (default pix-payments)
#   NEXUS_ENDPOINT      the Nexus endpoint's name (default pix-payments, what callers' workflows name)
#   TEMPORAL_CLI        the temporal CLI (default: on PATH)
#   SEARCH_ATTRIBUTES   Name:Type list; `npm run cluster` passes the workflows' own list, this default must match it
#                       (test/unit/deployment.test.ts checks)
#   SETUP_TIMEOUT_SECONDS  how long to wait for the server, the namespace and each attribute (default 120)
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
TEMPORAL_CLI="${TEMPORAL_CLI:-temporal}"
SEARCH_ATTRIBUTES="${SEARCH_ATTRIBUTES:-PaymentKind:Keyword PaymentStatus:Keyword PaymentReference:Keyword PaymentAmountCentavos:Int PaymentAttention:Keyword CallbackLifecycle:Keyword CallbackReference:Keyword CallbackEventTypes:KeywordList CallbackDelivery:KeywordList PaymentPspId:Keyword PaymentCreditedAt:Datetime PaymentDebitedAt:Datetime}"
TIMEOUT="${SETUP_TIMEOUT_SECONDS:-120}"
TASK_QUEUE="${TEMPORAL_TASK_QUEUE:-pix-payments}"
ENDPOINT="${NEXUS_ENDPOINT:-pix-payments}"
cli() { "$TEMPORAL_CLI" "$@" --address "${TEMPORAL_ADDRESS}"; }
fail() {
  echo "create-namespace: $*" >&2
  exit 1
}
# Runs "$@" once a second until it succeeds, or fails with the last output after TIMEOUT seconds.
retry() {
  what="$1"
  shift
  waited=0
  until out="$("$@" 2>&1)"; do
    waited=$((waited + 1))
    [ "$waited" -lt "$TIMEOUT" ] || fail "$what: still failing after ${TIMEOUT}s: $out"
    sleep 1
  done
}
listed() { cli operator search-attribute list -n "$NS" | grep -Eq "^[[:space:]]*$1[[:space:]]+$2[[:space:]]*$"; }
register() { listed "$1" "$2" || cli operator search-attribute create -n "$NS" --name "$1" --type "$2" >/dev/null; }

retry 'Temporal health' cli operator cluster health
cli operator namespace describe -n "$NS" >/dev/null 2>&1 || cli operator namespace create -n "$NS" --retention 30d
retry "namespace $NS" cli operator namespace describe -n "$NS"
for attribute in $SEARCH_ATTRIBUTES; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if cli operator search-attribute list -n "$NS" | grep -Eq "^[[:space:]]*$name[[:space:]]"; then
    listed "$name" "$type" || fail "search attribute $name exists with another type than $type (types cannot change)"
  fi
  retry "search attribute $name ($type)" register "$name" "$type"
  retry "search attribute $name ($type) listed" listed "$name" "$type"
done
# Endpoints are cluster-wide: created once, re-pointed if it exists (say, with another task queue).
if cli operator nexus endpoint get --name "$ENDPOINT" >/dev/null 2>&1; then
  cli operator nexus endpoint update --name "$ENDPOINT" --target-namespace "$NS" --target-task-queue "$TASK_QUEUE" >/dev/null
else
  cli operator nexus endpoint create --name "$ENDPOINT" --target-namespace "$NS" --target-task-queue "$TASK_QUEUE" \
    --description 'PIX payments (pix-agent). Contract: nexus/pix-payments-service.ts; guide: docs/NEXUS.md.' >/dev/null
fi
echo "namespace $NS ready with search attributes: $SEARCH_ATTRIBUTES; Nexus endpoint $ENDPOINT -> $NS/$TASK_QUEUE"
