#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the zswap series tooling.  Sourced, not run.
#
# Environment (all optional):
#   BUILD  build folder, default <repo>/build
#   KDIR   a plain 6.1.y tree to use as base instead of Debian's package
#   JOBS   parallel make jobs, default nproc

ZS_BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ZS_TESTDIR=$(dirname "$ZS_BIN")
ZS_REPO=$(cd "$ZS_TESTDIR/../../../.." && pwd)
BUILD=${BUILD:-$ZS_REPO/build}
JOBS=${JOBS:-$(nproc)}
DEBIAN_TARBALL=${DEBIAN_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

zs_log() { printf '[zswap] %s\n' "$*" >&2; }
zs_die() { printf '[zswap] error: %s\n' "$*" >&2; exit 1; }

# Name of the patched tree and its base, keyed by where the base comes from.
zs_tree_name()
{
	if [ -n "${KDIR:-}" ]; then
		local k
		k=$(cd "$KDIR" 2>/dev/null && pwd) || zs_die "KDIR=$KDIR: no such directory"
		echo "linux-kdir-$(printf '%s' "$k" | md5sum | cut -c1-8)"
	else
		echo linux
	fi
}
ZS_TREE=$BUILD/$(zs_tree_name)

# Kernel version (e.g. 6.1.192) from a tree's top Makefile, without running make.
zs_tree_version()
{
	awk -F' *= *' '
		$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } $1 == "EXTRAVERSION" { e = $2 }
		END { if (v != "") printf "%s.%s.%s%s\n", v, p, s, e }' "$1/Makefile" 2>/dev/null
}
