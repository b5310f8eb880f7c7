#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a kernel flavour and print the path of its bzImage.
#
# Usage: build-kernel.sh FLAVOUR [patched|vanilla|shrink]
#   FLAVOUR is a fragment in ../configs/ (run, debug, modules, bench); it is
#   merged with ../config onto tinyconfig.  "vanilla" builds the untouched
#   base from a separate checkout of the base commit, with the same config;
#   "shrink" builds that base plus bench/shrink-until-accept.patch of this
#   repository (the benchmark's kernel C, not part of the series) from a
#   checkout of its own.
# Object folders are $BUILD/obj-<tree>-<flavour>[-vanilla|-shrink]; ccache
# is used.
. "$(dirname "$0")/common.sh"

flavour=${1:?usage: build-kernel.sh FLAVOUR [patched|vanilla|shrink]}
kind=${2:-patched}
frag=$ZS_TESTDIR/configs/$flavour.config
[ -f "$frag" ] || zs_die "no kernel config fragment $frag"

"$ZS_BIN/deps.sh" build || exit 1
"$ZS_BIN/base.sh" || exit 1

# Make the files bench/shrink-until-accept.patch touches in tree $1 the
# base's plus that patch, writing only a file whose content changes (so
# make rebuilds only what changed, and nothing on a second call).
apply_shrink()
{
	local p=$ZS_REPO/bench/shrink-until-accept.patch stage f
	[ -f "$p" ] || zs_die "no $p"
	stage=$(mktemp -d) || return 1
	for f in $(sed -n 's#^+++ [^/]*/\([^\t ]*\).*#\1#p' "$p"); do
		mkdir -p "$stage/$(dirname "$f")"
		git -C "$1" show "base:$f" > "$stage/$f" ||
			{ rm -rf "$stage"; zs_die "$p: no $f in the base"; }
	done
	if ! patch -d "$stage" -p1 -s -f --no-backup-if-mismatch -r - < "$p" >/dev/null; then
		rm -rf "$stage"
		zs_die "$p does not apply to the base (Linux $(zs_tree_version "$1"))"
	fi
	(cd "$stage" && find . -type f | sed 's#^\./##') | while read -r f; do
		cmp -s "$stage/$f" "$1/$f" || cp "$stage/$f" "$1/$f"
	done
	rm -rf "$stage"
}

case $kind in
patched)
	"$ZS_BIN/overlay.sh" || exit 1
	src=$ZS_TREE
	obj=$BUILD/obj-$(basename "$ZS_TREE")-$flavour
	;;
vanilla|shrink)
	src=$ZS_TREE-$kind
	if [ ! -d "$src" ]; then
		git -C "$ZS_TREE" worktree add -q --detach "$src" base ||
			zs_die "cannot check out the base into $src"
	fi
	[ $kind = shrink ] && { apply_shrink "$src" || exit 1; }
	obj=$BUILD/obj-$(basename "$ZS_TREE")-$flavour-$kind
	;;
*) zs_die "unknown kind '$kind' (patched, vanilla or shrink)" ;;
esac
mkdir -p "$obj"

export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# A fixed version string (it is also mixed into the guest's random pool):
# a rebuild gives the same kernel, and the benchmark the same runs.
export KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-2026-01-01}"
export KBUILD_BUILD_USER=zswap KBUILD_BUILD_HOST=series KBUILD_BUILD_VERSION=1
mk=(make -s -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")

# (Re)configure only when the fragments changed.
want=$(cat "$ZS_TESTDIR/config" "$frag" | md5sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.zswap-config" 2>/dev/null)" != "$want" ]; then
	zs_log "configuring $flavour ($kind) in $obj"
	"${mk[@]}" tinyconfig >"$obj/config.log" 2>&1 &&
	(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
		"$ZS_TESTDIR/config" "$frag") >>"$obj/config.log" 2>&1 &&
	"${mk[@]}" olddefconfig >>"$obj/config.log" 2>&1 ||
		{
			tail -20 "$obj/config.log" >&2
			zs_die "configuring $flavour failed (log: $obj/config.log)"
		}
	# Every option asked for must be in force, unless this tree lacks it.
	bad=
	for opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' "$ZS_TESTDIR/config" "$frag"); do
		line=$(grep -h "^$opt=" "$ZS_TESTDIR/config" "$frag" | tail -1)
		grep -qx -- "$line" "$obj/.config" && continue
		grep -rqs --include='Kconfig*' \
			"^[[:space:]]*\(menu\)\?config ${opt#CONFIG_}\$" "$src" || continue
		bad="$bad $line"
	done
	[ -z "$bad" ] ||
		zs_die "config $flavour: not in force after olddefconfig:$bad (missing dependency?)"
	echo "$want" > "$obj/.zswap-config"
fi

zs_log "building $flavour kernel ($kind, Linux $(zs_tree_version "$src")) with $JOBS jobs"
start=$(date +%s)
"${mk[@]}" bzImage >"$obj/build.log" 2>&1 &
pid=$!
# A progress line every 30 s: a cold build takes minutes.
n=0
while kill -0 $pid 2>/dev/null; do
	sleep 1
	n=$((n + 1))
	[ $((n % 30)) -eq 0 ] && kill -0 $pid 2>/dev/null &&
		zs_log "  still building $flavour:" \
			"$(find "$obj" -name '*.o' | wc -l) objects, ${n}s"
done
if ! wait $pid; then
	grep -E 'error|Error' "$obj/build.log" | head -20 >&2
	zs_die "building $flavour kernel failed (log: $obj/build.log)"
fi
grep -E 'warning:' "$obj/build.log" >&2
# A modular kernel (configs/modules.config): its modules, installed with
# depmod's index, as an initramfs of their own ($obj/modules.cpio) for the
# guest to append to the selftests' (the kernel unpacks both).
if grep -qx CONFIG_MODULES=y "$obj/.config"; then
	rm -rf "$obj/modroot"
	{ "${mk[@]}" modules && "${mk[@]}" INSTALL_MOD_PATH="$obj/modroot" INSTALL_MOD_STRIP=1 \
		DEPMOD=/usr/sbin/depmod modules_install; } \
		>>"$obj/build.log" 2>&1 ||
		zs_die "building $flavour modules failed (log: $obj/build.log)"
	(cd "$obj/modroot" && find lib | LC_ALL=C sort | cpio -o -H newc --quiet) \
		> "$obj/modules.cpio" || zs_die "cannot pack $obj/modroot"
	kos=$(cd "$obj/modroot" && find lib -name '*.ko' | sed 's#.*/##' | paste -sd' ')
	zs_log "$flavour modules: $kos"
fi
zs_log "built $flavour kernel in $(( $(date +%s) - start ))s"
echo "$obj/arch/x86/boot/bzImage"
