#!/bin/sh
# One-shot (temporalio/admin-tools): our namespace and the search attributes operators filter payments on
# (workflows/search-attributes.ts). Idempotent: whatever exists already is left as it is.
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "${TEMPORAL_ADDRESS}"; do echo 'waiting for Temporal'; sleep 3; done
temporal operator namespace describe -n "$NS" --address "${TEMPORAL_ADDRESS}" >/dev/null 2>&1 ||
  temporal operator namespace create -n "$NS" --retention 30d --address "${TEMPORAL_ADDRESS}"
for attribute in PaymentKind:Keyword PaymentStatus:Keyword PaymentReference:Keyword PaymentAmountCentavos:Int PaymentAttention:Keyword; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  temporal operator search-attribute create -n "$NS" --name "$name" --type "$type" --address "${TEMPORAL_ADDRESS}" ||
    echo "search attribute $name exists"
done
echo "namespace $NS and search attributes ready"
