#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build installable Debian packages of the patched kernel with the kernel's
# own bindeb-pkg and one of Debian's configs (package linux-config-6.1),
# then unpack the image package into a scratch root and check what it
# installs.  Not part of the test command: it builds a whole kernel.
#
# Usage: deb.sh
#   DEB_CONFIG   cloud-amd64 (the default, smaller) or amd64
#   DEB_DEBUG_INFO=1 keeps Debian's debug info (and the -dbg package); by
#                default it is turned off, which halves the build
# Debian's cloud-amd64 config has no zswap: the amd64 config's zswap, zpool
# and frontswap options are applied to it (zs_debian_config).
# The packages carry the local version -zswap-$DEB_CONFIG, so they install
# beside Debian's own kernel (6.1.0-N-$DEB_CONFIG).  They are written to
# $BUILD/deb-$DEB_CONFIG/.
. "$(dirname "$0")/common.sh"

flavour=${DEB_CONFIG:-cloud-amd64}
case $flavour in
amd64 | cloud-amd64) ;;
*) zs_die "DEB_CONFIG is cloud-amd64 or amd64, not '$flavour'" ;;
esac
"$ZS_BIN/deps.sh" deb || exit 1
"$ZS_BIN/base.sh" && "$ZS_BIN/overlay.sh" || exit 1
cfg=/usr/src/linux-config-6.1/config.amd64_none_$flavour.xz
[ -f "$cfg" ] || zs_die "no $cfg (apt-get install linux-config-6.1)"

obj=$BUILD/obj-$(basename "$ZS_TREE")-deb-$flavour
out=$BUILD/deb-$flavour
rm -rf "$out" "$obj/debian"
mkdir -p "$obj" "$out"
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# LOCALVERSION set, if empty, keeps setlocalversion from adding a "+" for
# the base tree's uncommitted overlay; the config carries the local version.
mk=(make -C "$ZS_TREE" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc"
    LOCALVERSION= -j"$JOBS")
log=$out/build.log

zs_debian_config "$flavour" "$obj/.config" &&
	"$ZS_TREE/scripts/config" --file "$obj/.config" \
		--set-str LOCALVERSION "-zswap-$flavour" -d LOCALVERSION_AUTO &&
	"${mk[@]}" -s olddefconfig > "$log" 2>&1 || zs_die "configuring failed (log: $log)"
rel=$("${mk[@]}" -s kernelrelease 2>/dev/null)
zs_log "deb: building linux-image-$rel with Debian's $flavour config (log: $log)"

s=$(date +%s)
rm -f "$BUILD"/linux-*.deb "$BUILD"/linux-upstream_*
"${mk[@]}" bindeb-pkg >> "$log" 2>&1 || zs_die "bindeb-pkg failed (log: $log)"
mv "$BUILD"/linux-*.deb "$BUILD"/linux-upstream_* "$out"/ 2>/dev/null
zs_log "deb: bindeb-pkg took $(( $(date +%s) - s ))s"

# Unpack the image package into a scratch root and check it.
img=
for p in "$out"/linux-image-"$rel"_*.deb; do
	case $p in *-dbg_*) ;; *) [ -f "$p" ] && img=$p && break ;; esac
done
[ -n "$img" ] || zs_die "no linux-image-$rel package in $out"
root=$out/root
rm -rf "$root"
dpkg -x "$img" "$root" || zs_die "dpkg -x $img failed"
bad=
for f in "boot/vmlinuz-$rel" "boot/config-$rel" "boot/System.map-$rel" \
	 "lib/modules/$rel/kernel/mm/z3fold.ko" "lib/modules/$rel/kernel/mm/zsmalloc.ko"; do
	[ -f "$root/$f" ] || bad="$bad $f"
done
for o in CONFIG_ZSWAP=y CONFIG_FRONTSWAP=y CONFIG_ZBUD=y CONFIG_Z3FOLD=m CONFIG_ZSMALLOC=m \
	 CONFIG_ZSWAP_ZPOOL_DEFAULT=\"zbud\" CONFIG_LOCALVERSION=\"-zswap-$flavour\"; do
	grep -qxF "$o" "$root/boot/config-$rel" 2>/dev/null || bad="$bad $o"
done
grep -qx '# CONFIG_ZSWAP_EXCLUSIVE_LOADS_DEFAULT_ON is not set' "$root/boot/config-$rel" ||
	bad="$bad ZSWAP_EXCLUSIVE_LOADS_DEFAULT_ON"
zs_log "deb: packages in $out:"
for p in "$out"/*.deb; do
	zs_log "  $(basename "$p") ($(du -h "$p" | cut -f1)):" \
		"$(dpkg-deb -f "$p" Package Version | paste -sd' ')"
done
if [ -n "$bad" ]; then
	zs_die "deb: $(basename "$img") lacks:$bad"
fi
zs_log "deb: $(basename "$img") installs /boot/vmlinuz-$rel and the zpool modules," \
	"with zswap, zbud built in and z3fold, zsmalloc as modules"
