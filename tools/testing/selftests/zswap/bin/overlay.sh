#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay this repository over the base tree made by base.sh:
#   - our kernel files (mm/, include/, Documentation/, the zswap selftests)
#     replace or join the base's;
#   - Kconfig.patch and patches/*.patch are applied to the base's files;
#   - our MAINTAINERS entry is merged into the base's MAINTAINERS, sorted.
# The expected content of every managed file is computed from the base and
# this repository alone, in a staging folder, and only files whose content
# differs are written: re-running is idempotent, and after one file is edited
# only that file gets a new mtime, so make rebuilds only what changed.  A file
# that left the repository is restored from the base.  This repository is
# only read.
. "$(dirname "$0")/common.sh"

[ -d "$ZS_TREE/.git" ] || zs_die "no base tree at $ZS_TREE; run base.sh (make base) first"
cd "$ZS_REPO" || exit 1

stage=$BUILD/.stage-$(basename "$ZS_TREE")
rm -rf "$stage"
mkdir -p "$stage"

dirs="mm include Documentation tools/testing/selftests/zswap"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files -co --exclude-standard -- $dirs)
else
	files=$(find $dirs -type f 2>/dev/null)
fi
for f in $files; do
	[ -f "$f" ] || continue	# deleted but not yet committed
	mkdir -p "$stage/$(dirname "$f")"
	cp "$f" "$stage/$f"
done

# Patches to upstream files: applied to the base's version of each file they
# touch, never to the working tree, so applying is idempotent by construction.
for p in Kconfig.patch patches/*.patch; do
	[ -f "$p" ] || continue
	for f in $(sed -n 's#^+++ [^/]*/\([^\t ]*\).*#\1#p' "$p"); do
		[ -e "$stage/$f" ] && continue
		mkdir -p "$stage/$(dirname "$f")"
		git -C "$ZS_TREE" show "base:$f" > "$stage/$f" 2>/dev/null || rm -f "$stage/$f"
	done
	# A hunk that does not apply fails the whole overlay: the tree is only
	# written below, once every patch applied, so nothing lands half-way.
	if ! log=$(patch -d "$stage" -p1 -f --no-backup-if-mismatch -r - < "$p" 2>&1); then
		hunks=$(awk '/^patching file /{ f = $3 }
			/FAILED|can.t find/{ printf "%s: %s; ", f, $0 }' <<<"$log")
		zs_die "$p does not apply to the base (Linux $(zs_tree_version "$ZS_TREE")):" \
			"$hunks the tree is left as it was"
	fi
done

if [ -f MAINTAINERS ]; then
	git -C "$ZS_TREE" show base:MAINTAINERS |
		"$ZS_BIN/merge-maintainers.awk" MAINTAINERS - > "$stage/MAINTAINERS" ||
		zs_die "merging MAINTAINERS failed"
fi

# Write what changed.
manifest=$ZS_TREE/.git/zswap-overlay-manifest
(cd "$stage" && find . -type f | sed 's#^\./##' | LC_ALL=C sort) > "$manifest.new"
changed=0
while read -r f; do
	if ! cmp -s "$stage/$f" "$ZS_TREE/$f"; then
		mkdir -p "$ZS_TREE/$(dirname "$f")"
		cp "$stage/$f" "$ZS_TREE/$f"
		chmod --reference="$stage/$f" "$ZS_TREE/$f"
		changed=$((changed + 1))
	fi
done < "$manifest.new"
# Restore what we no longer manage.
if [ -f "$manifest" ]; then
	LC_ALL=C comm -23 "$manifest" "$manifest.new" | while read -r f; do
		if git -C "$ZS_TREE" cat-file -e "base:$f" 2>/dev/null; then
			git -C "$ZS_TREE" checkout -q base -- "$f"
		else
			rm -f "$ZS_TREE/$f"
		fi
	done
fi
mv "$manifest.new" "$manifest"
rm -rf "$stage"
zs_log "overlay: $(wc -l < "$manifest") files managed, $changed updated," \
	"on Linux $(zs_tree_version "$ZS_TREE")"
