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

# zs_debian_config FLAVOUR DOTCONFIG: write Debian's config for FLAVOUR
# (amd64 or cloud-amd64, from linux-config-6.1) to DOTCONFIG, debug info
# off unless DEB_DEBUG_INFO=1.  Debian's cloud-amd64 config leaves zswap
# out (CONFIG_ZSWAP is not set); for it, the zswap, zpool and frontswap
# options of Debian's amd64 config are applied on top, so every flavour
# carries zswap as Debian's main kernel does.  Run make olddefconfig after.
zs_debian_config()
{
	local dir=/usr/src/linux-config-6.1 flavour=$1 out=$2 line n opts=()

	[ -f "$dir/config.amd64_none_$flavour.xz" ] ||
		zs_die "no $dir/config.amd64_none_$flavour.xz (apt-get install linux-config-6.1)"
	xzcat "$dir/config.amd64_none_$flavour.xz" > "$out" || return 1
	if [ "${DEB_DEBUG_INFO:-0}" != 1 ]; then
		opts+=(-d DEBUG_INFO -e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
		       -d DEBUG_INFO_BTF -d DEBUG_INFO_BTF_MODULES)
	fi
	if [ "$flavour" != amd64 ]; then
		while read -r line; do
			case $line in
			"# CONFIG_"*" is not set")
				n=${line#\# CONFIG_}; opts+=(-d "${n%% *}") ;;
			CONFIG_*=y) n=${line#CONFIG_}; opts+=(-e "${n%%=*}") ;;
			CONFIG_*=m) n=${line#CONFIG_}; opts+=(-m "${n%%=*}") ;;
			CONFIG_*=\"*\")
				n=${line#CONFIG_}; line=${n#*=}
				opts+=(--set-str "${n%%=*}" "${line//\"/}") ;;
			CONFIG_*=*) n=${line#CONFIG_}; opts+=(--set-val "${n%%=*}" "${n#*=}") ;;
			esac
		done < <(xzcat "$dir/config.amd64_none_amd64.xz" |
			 grep -E '^(# )?CONFIG_(ZSWAP|ZPOOL|ZBUD|Z3FOLD|ZSMALLOC|FRONTSWAP)')
	fi
	[ ${#opts[@]} -eq 0 ] || "$ZS_TREE/scripts/config" --file "$out" "${opts[@]}"
}
