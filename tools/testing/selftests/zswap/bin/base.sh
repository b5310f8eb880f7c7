#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the pristine base tree: a git repository in the build folder whose one
# commit, tagged "base", is Debian's linux-source-6.1 (or the tree named by
# KDIR=).  The working tree of that repository is what overlay.sh patches, so
# "git diff base" in it is always exactly this series.  Done once; later
# calls only check the tree and print its version.
. "$(dirname "$0")/common.sh"

check_61()
{
	local v
	v=$(zs_tree_version "$1")
	[ -n "$v" ] || zs_die "$2: no kernel Makefile with a version in $1"
	case $v in
	6.1.*|6.1) ;;
	*) zs_die "$2 is Linux $v; this series applies to Linux 6.1.y only" ;;
	esac
}

if [ -d "$ZS_TREE/.git" ] && git -C "$ZS_TREE" rev-parse -q --verify base >/dev/null; then
	check_61 "$ZS_TREE" "$ZS_TREE"
	src=$(cat "$ZS_TREE/.git/zswap-base-source" 2>/dev/null)
	zs_log "base: Linux $(zs_tree_version "$ZS_TREE") ($src)"
	exit 0
fi

mkdir -p "$BUILD" || zs_die "cannot create build folder $BUILD"
tmp=$ZS_TREE.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
if [ -n "${KDIR:-}" ]; then
	kdir=$(cd "$KDIR" && pwd)
	check_61 "$kdir" "KDIR=$KDIR"
	[ -f "$kdir/mm/zswap.c" ] || zs_die "KDIR=$KDIR has no mm/zswap.c; not a kernel source tree"
	[ -f "$kdir/.config" ] || [ -f "$kdir/include/config/auto.conf" ] &&
		zs_die "KDIR=$KDIR has been configured in place; run 'make mrproper' there first"
	zs_log "copying base tree from $kdir"
	(cd "$kdir" && tar --exclude=.git -cf - .) | (cd "$tmp" && tar xf -) ||
		zs_die "copying $kdir failed"
	src="KDIR=$kdir"
else
	"$ZS_BIN/deps.sh" build || exit 1
	zs_log "unpacking $DEBIAN_TARBALL (once)"
	tar -C "$tmp" --strip-components=1 -xf "$DEBIAN_TARBALL" ||
		zs_die "unpacking $DEBIAN_TARBALL failed"
	src="Debian linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)"
	check_61 "$tmp" "$DEBIAN_TARBALL"
fi
zs_log "recording the base commit"
(
	cd "$tmp" &&
	git init -q &&
	git add -A -f . &&
	git -c user.name="zswap series" -c user.email="zswap@localhost" \
		commit -q -m "Linux $(zs_tree_version .) base ($src)" &&
	git tag base &&
	echo "$src" > .git/zswap-base-source
) || zs_die "could not record the base tree as a git repository in $tmp"
mv "$tmp" "$ZS_TREE" || zs_die "cannot move $tmp to $ZS_TREE"
zs_log "base: Linux $(zs_tree_version "$ZS_TREE") ($src)"
