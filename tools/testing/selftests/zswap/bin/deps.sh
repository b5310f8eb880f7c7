#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that the host has what building and booting the series needs.  As
# root, install what is missing from Debian's archive; otherwise print the
# exact command and fail.
#
# Usage: deps.sh [build|vm|docs|deb|all]   (default all; deb is not in all)
. "$(dirname "$0")/common.sh"

what=${1:-all}
case $what in
build | vm | docs | deb | all) ;;
*) zs_die "usage: deps.sh [build|vm|docs|deb|all]" ;;
esac
# command-or-file -> Debian package
declare -A need=(
	[gcc]=gcc [make]=make [flex]=flex [bison]=bison [bc]=bc [perl]=perl
	[python3]=python3 [ccache]=ccache [xz]=xz-utils [git]=git
	[/usr/include/gelf.h]=libelf-dev [/usr/include/openssl/ssl.h]=libssl-dev
	[/usr/lib/x86_64-linux-gnu/libc.a]=libc6-dev
)
if [ "$what" = vm ] || [ "$what" = all ]; then
	need[qemu-system-x86_64]=qemu-system-x86
	need[cpio]=cpio
	need[/bin/busybox]=busybox-static
	need[/usr/share/qemu/qboot.rom]=qemu-system-data
	# modules_install indexes the modules boot's modules with depmod
	need[/usr/sbin/depmod]=kmod
	# the benchmark's W7 links SQLite statically into the guest's program
	need[/usr/lib/x86_64-linux-gnu/libsqlite3.a]=libsqlite3-dev
fi
# The series' hygiene checks: Documentation/*.rst must render without
# warnings with plain docutils, sparse runs on the C files, and checkpatch
# checks SPDX tags with scripts/spdxcheck.py, which needs ply and GitPython.
if [ "$what" = docs ] || [ "$what" = all ]; then
	need[rst2html]=python3-docutils
	need[sparse]=sparse
	need[/usr/lib/python3/dist-packages/ply]=python3-ply
	need[/usr/lib/python3/dist-packages/git]=python3-git
	# the series tier applies the series with quilt, as Debian's packaging does
	need[quilt]=quilt
fi
# Debian's own kernel configs: the debian-amd64 tier and make deb.
if [ "$what" = deb ] || [ "$what" = all ]; then
	need[/usr/src/linux-config-6.1/config.amd64_none_amd64.xz]=linux-config-6.1
fi
# make deb: the kernel's bindeb-pkg runs dpkg-buildpackage under fakeroot.
if [ "$what" = deb ]; then
	need[dpkg-buildpackage]=dpkg-dev
	need[fakeroot]=fakeroot
	need[rsync]=rsync
	need[cpio]=cpio
fi
[ -z "${KDIR:-}" ] && need[$DEBIAN_TARBALL]=linux-source-6.1

missing=()
for k in "${!need[@]}"; do
	case $k in
	/*) [ -e "$k" ] || missing+=("${need[$k]}") ;;
	*) command -v "$k" >/dev/null 2>&1 || missing+=("${need[$k]}") ;;
	esac
done
# The guest needs a statically linked busybox; Debian's "busybox" package
# installs a dynamic one at the same path.
if { [ "$what" = vm ] || [ "$what" = all ]; } && [ -e /bin/busybox ] &&
   ! LC_ALL=C file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
	if command -v file >/dev/null 2>&1; then
		missing+=(busybox-static)
	else
		missing+=(file)
	fi
fi
command -v file >/dev/null 2>&1 || missing+=(file)

[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
	zs_die "missing packages: ${missing[*]}; install them with:" \
		"sudo apt-get install --no-install-recommends ${missing[*]}"
fi
zs_log "installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 ||
	zs_die "apt-get install ${missing[*]} failed"
