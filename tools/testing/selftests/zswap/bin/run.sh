#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The run command: build the patched kernel, boot it in QEMU with a swap
# disk and zswap on, push a seeded page mix well past RAM and print what
# zswap did.  Settings (environment):
#   ZPOOL (zbud), COMPRESSOR (lzo), MAX_POOL_PERCENT (20), MEM (256M),
#   DEMO_MB (twice RAM), SMP (2), SEED (1), APPEND (more kernel parameters)
. "$(dirname "$0")/common.sh"

ZPOOL=${ZPOOL:-zbud}
COMPRESSOR=${COMPRESSOR:-lzo}
MAX_POOL_PERCENT=${MAX_POOL_PERCENT:-20}
MEM=${MEM:-256M}
SMP=${SMP:-2}
SEED=${SEED:-1}
case $MAX_POOL_PERCENT$SMP$SEED${DEMO_MB:-0} in
*[!0-9]*) zs_die "MAX_POOL_PERCENT, SMP, SEED and DEMO_MB take whole numbers" ;;
esac

"$ZS_BIN/deps.sh" all || exit 1
bz=$("$ZS_BIN/build-kernel.sh" run) || exit 1
demo="zswap_demo+-s+$SEED"
[ -n "${DEMO_MB:-}" ] && demo="$demo+-m+$DEMO_MB"
append="zswap.enabled=1 zswap.zpool=$ZPOOL zswap.compressor=$COMPRESSOR"
append="$append zswap.max_pool_percent=$MAX_POOL_PERCENT ${APPEND:-}"
"$ZS_BIN/vm.sh" --kernel "$bz" --name run --smp "$SMP" --mem "$MEM" --swap 2048 \
	--append "$append" \
	--run "$demo" --timeout "${VM_TIMEOUT:-900}" --live
