#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs: Debian's static busybox, init.sh as /init and
# the statically linked selftest programs, built from the overlaid tree
# (refreshed first).
# Prints the path of the cpio archive.
. "$(dirname "$0")/common.sh"

"$ZS_BIN/deps.sh" vm || exit 1
# The programs come from the overlaid tree, also for vanilla kernels: bring
# it up to date with the repository first.
"$ZS_BIN/overlay.sh" || exit 1
out=$BUILD/selftests
mkdir -p "$out" || zs_die "cannot create $out"
make -s -C "$ZS_TREE/tools/testing/selftests/zswap" OUTPUT="$out" >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; zs_die "building the selftest programs failed"; }
grep -E 'warning:' "$out/build.log" >&2

root=$BUILD/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp} || zs_die "cannot create $root"
cp /bin/busybox "$root/bin/busybox"
cp "$ZS_TESTDIR/init.sh" "$root/init"
chmod 755 "$root/init"
for p in "$out"/*; do
	[ -x "$p" ] && [ -f "$p" ] && cp "$p" "$root/bin/"
done
# The same files make the same archive, byte for byte: fixed times, owner
# and inode numbers.  The kernel's unpacker hashes inode numbers, so a
# fresh numbering alone changes the instructions a boot takes, and with
# them a benchmark run under icount (bin/bench.sh).
find "$root" -exec touch -h -d 2026-01-01T00:00:00Z {} + ||
	zs_die "cannot set the times of $root"
(cd "$root" && find . | LC_ALL=C sort |
	cpio -o -H newc --quiet --reproducible -R 0:0) > "$BUILD/initramfs.cpio" ||
	zs_die "cannot write $BUILD/initramfs.cpio"
echo "$BUILD/initramfs.cpio"
