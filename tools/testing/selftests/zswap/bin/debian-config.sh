#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the series with one of Debian's own kernel configs (package
# linux-config-6.1), as the distribution would, and print a PASS/FAIL line
# per check, for the test command:
#   - the config gives zswap, frontswap and zbud built in, z3fold and
#     zsmalloc as modules, and this series' options their defaults;
#   - mm/ builds, and W=1 and sparse (C=2) report nothing in the series'
#     C files;
#   - the zpool modules build and modpost links them.
# A whole Debian kernel takes hours on 2 cores, so this builds
# modules_prepare, mm/ and the zpool modules only.  Debug info is turned off
# (it changes no code, only the DWARF beside it, and doubles the time).
# Debian's cloud-amd64 config has no zswap; zs_debian_config gives it the
# amd64 config's zswap options.
#
# Usage: debian-config.sh
# DEB_CONFIG selects the config: amd64 (the default) or cloud-amd64.
. "$(dirname "$0")/common.sh"

flavour=${DEB_CONFIG:-amd64}
cfgdir=/usr/src/linux-config-6.1
name=debian-$flavour

pass() { echo "PASS $name/$*"; }
fail() { echo "FAIL $name/$*"; }

case $flavour in
amd64 | cloud-amd64) ;;
*) zs_die "DEB_CONFIG is amd64 or cloud-amd64, not '$flavour'" ;;
esac
"$ZS_BIN/deps.sh" all || exit 1
"$ZS_BIN/base.sh" && "$ZS_BIN/overlay.sh" || exit 1
cfg=$cfgdir/config.amd64_none_$flavour.xz
[ -f "$cfg" ] || zs_die "no $cfg (apt-get install linux-config-6.1)"

obj=$BUILD/obj-$(basename "$ZS_TREE")-$name
mkdir -p "$obj"
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export KBUILD_BUILD_TIMESTAMP=2026-01-01 KBUILD_BUILD_USER=zswap KBUILD_BUILD_HOST=debian
mk=(make -s -C "$ZS_TREE" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")
log=$obj/build.log

want=$(cat "$cfg" "$cfgdir/config.amd64_none_amd64.xz" | md5sum | cut -d' ' -f1)
if [ "$(cat "$obj/.zswap-config" 2>/dev/null)" != "$want" ] || [ ! -f "$obj/.config" ]; then
	zs_log "$name: configuring $obj from $cfg"
	DEB_DEBUG_INFO=0 zs_debian_config "$flavour" "$obj/.config" &&
	"${mk[@]}" olddefconfig > "$log" 2>&1 &&
	echo "$want" > "$obj/.zswap-config" || zs_die "$name: configuring failed (log: $log)"
fi

# What a distribution gets from this series' Kconfig with its config.
bad=
for o in ZSWAP=y FRONTSWAP=y ZPOOL=y ZBUD=y Z3FOLD=m ZSMALLOC=m \
	 'ZSWAP_EXCLUSIVE_LOADS_DEFAULT_ON is not set'; do
	case $o in
	*=*) grep -qx "CONFIG_$o" "$obj/.config" || bad="$bad $o" ;;
	*) grep -qx "# CONFIG_$o" "$obj/.config" || bad="$bad ${o%% *}:default" ;;
	esac
done
if [ -z "$bad" ]; then
	pass "config: ZSWAP=y ZBUD=y Z3FOLD=m ZSMALLOC=m"
else
	fail "config: not as Debian ships it:$bad"
fi

s=$(date +%s)
if "${mk[@]}" modules_prepare >> "$log" 2>&1 && "${mk[@]}" mm/ >> "$log" 2>&1; then
	pass "builds-mm"
else
	fail "builds-mm (log: $log)"
	grep -E 'error|warning' "$log" | head -10 >&2
fi
zs_log "$name: modules_prepare and mm/ in $(( $(date +%s) - s ))s"

# W=1 and sparse on the series' C files, as the series tier does.
cfiles=$(git -C "$ZS_TREE" diff --name-only base -- '*.c' | grep -v '^tools/')
objs=$(for f in $cfiles; do echo "${f%.c}.o"; done)
(cd "$ZS_TREE" && touch $cfiles)
# shellcheck disable=SC2086
w=$("${mk[@]}" W=1 C=2 $objs 2>&1 | grep -E 'warning|error' |
	grep -F -e "$(echo "$cfiles" | sed 's#.*/##')" -e 'mm/tests/')
if [ -z "$w" ]; then
	pass "w1-and-sparse-clean"
else
	fail "w1-and-sparse-clean: $(wc -l <<<"$w") warnings"
	echo "$w" | head -20 >&2
fi
(cd "$ZS_TREE" && touch $cfiles)

# The zpool modules, through modpost.  There is no vmlinux to resolve their
# imports against (and no Module.symvers), which modpost reports once (its
# three "vmlinux.o is missing" lines) and for each import (or by the count
# it suppressed); anything else it says is a finding.
s=$(date +%s)
mods="mm/z3fold.ko mm/zsmalloc.ko"
# shellcheck disable=SC2086
if m=$("${mk[@]}" $mods 2>&1); then
	expected='Module\.symvers is missing|vmlinux\.o is missing'
	expected+='|may not have dependencies|many unresolved symbol warnings'
	expected+='|suppressed [0-9]+ unresolved symbol|undefined!$'
	expected+='|^make|Skipping BTF'
	w=$(grep -vE "$expected" <<<"$m")
	missing=$(for k in $mods; do [ -f "$obj/$k" ] || echo "$k"; done)
	if [ -z "$w" ] && [ -z "$missing" ]; then
		pass "builds-zpool-modules: $mods"
	else
		fail "builds-zpool-modules: ${missing:+missing $missing; }$(wc -l <<<"$w")" \
			"modpost reports"
		echo "$w" | head -10 >&2
	fi
else
	fail "builds-zpool-modules"
	echo "$m" | grep -E 'error|warning|ERROR|WARNING' | head -10 >&2
fi
zs_log "$name: $mods in $(( $(date +%s) - s ))s"
