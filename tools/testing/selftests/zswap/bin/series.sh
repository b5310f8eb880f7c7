#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn this repository into a patch series against the base, as upstream
# would take it, and check it patch by patch.
#
# Usage: series.sh [--check]
#
# The split is defined by series/NN-*.txt, applied in order.  Each starts
# with directives naming what goes into that patch, then the commit message:
#   @ file PATH       the repository's PATH, as is
#   @ dir PATH        every file the repository has under PATH
#   @ patch FILE      a patch to upstream files (patches/*.patch), applied
#   @ kconfig SYMBOL  the hunk of Kconfig.patch that adds "config SYMBOL"
#   @ series-patch F  a patch applied in the series only, for an
#                     intermediate state (e.g. adapting a file that a later
#                     patch replaces); its text before "--- a/" is ignored
# Our MAINTAINERS entry comes with the first patch that adds one of our
# files (@ file, @ dir) and grows with the series: each patch carries the F:
# lines that match files present after it.  series/cover-letter holds the
# cover letter (subject line, blank line, text).
#
# The patches are committed on a branch of a worktree of the base
# ($BUILD/series-tree) with fixed dates, so the output is reproducible, and
# written by git format-patch to $BUILD/series/.  The series must consume
# every file the overlay manages and end in exactly the overlay tree.
#
# With --check, also print a PASS/FAIL line per check, for the test command:
#   - git am of the series onto a fresh base gives the same tree, and so
#     does quilt push -a with the series file;
#   - scripts/checkpatch.pl --strict is clean on every patch;
#   - the mm/ objects build after every patch (run config plus the KUnit
#     options, so that the tests are compiled too);
#   - every patch passes the KUnit suites present after it;
#   - W=1 and sparse (C=2) report nothing in the series' C files;
#   - scripts/kernel-doc -none reports nothing on them;
#   - the series' .rst files render with docutils without a warning.
. "$(dirname "$0")/common.sh"

check=
[ "${1:-}" = --check ] && check=1

if [ -n "$check" ]; then "$ZS_BIN/deps.sh" all; else "$ZS_BIN/deps.sh" build; fi || exit 1
"$ZS_BIN/base.sh" || exit 1
"$ZS_BIN/overlay.sh" || exit 1

out=$BUILD/series
tree=$BUILD/series-tree
manifest=$ZS_TREE/.git/zswap-overlay-manifest
base_git=(git -C "$ZS_TREE")

pass() { [ -n "$check" ] && echo "PASS series/$*"; return 0; }
fail() {
	if [ -n "$check" ]; then
		echo "FAIL series/$*"
		return 0
	fi
	zs_die "$*"
}

rm -rf "$out"
mkdir -p "$out"
if [ ! -d "$tree" ]; then
	"${base_git[@]}" worktree add -q --detach "$tree" base ||
		zs_die "cannot check out the base into $tree"
fi
cd "$tree" || exit 1
git checkout -q -f -B zswap-series base && git clean -qfdx ||
	zs_die "cannot reset $tree to the base"

# Reproducible commits: one identity and the date of the repository's HEAD.
name=$(git -C "$ZS_REPO" config user.name || echo "zswap series")
email=$(git -C "$ZS_REPO" config user.email || echo "zswap@localhost")
date=$(git -C "$ZS_REPO" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$date

# The hunks of Kconfig.patch that add the given symbols, as a patch.
kconfig_hunks()
{
	awk -v syms=" $* " '
		/^(---|\+\+\+) / && !hunk { print; next }
		/^@@ / { flush(); hunk = $0 "\n"; keep = 0; next }
		{ hunk = hunk $0 "\n" }
		/^\+config / { if (index(syms, " " $2 " ")) keep = 1 }
		function flush() { if (keep) printf "%s", hunk; hunk = "" }
		END { flush() }' "$ZS_REPO/Kconfig.patch"
}

# Our MAINTAINERS entry with the F: lines that match something in the tree.
maintainers_entry()
{
	local line pat

	while IFS= read -r line; do
		if [[ $line == F:* ]]; then
			pat=${line#F:}
			pat=${pat#"${pat%%[![:space:]]*}"}
			if [[ $pat == *[*?[]* ]]; then
				compgen -G "$tree/$pat" >/dev/null || continue
			else
				[ -e "$tree/$pat" ] || continue
			fi
		fi
		printf '%s\n' "$line"
	done < "$ZS_REPO/MAINTAINERS"
}

consumed=$out/.consumed
: > "$consumed"
syms=()
n=0
ours=
for spec in "$ZS_REPO"/series/[0-9]*.txt; do
	n=$((n + 1))
	while read -r at kind arg; do
		[ "$at" = @ ] || break
		case $kind in
		file|dir)
			ours=1
			files=$(cd "$ZS_REPO" && git ls-files -co --exclude-standard -- "$arg")
			[ -n "$files" ] || zs_die "$spec: nothing in the repository at $arg"
			for f in $files; do
				[ -f "$ZS_REPO/$f" ] || continue
				mkdir -p "$(dirname "$f")"
				cp "$ZS_REPO/$f" "$f"
				chmod --reference="$ZS_REPO/$f" "$f"
				echo "$f" >> "$consumed"
			done
			;;
		patch)
			patch -p1 -s -f --no-backup-if-mismatch -r - < "$ZS_REPO/$arg" >/dev/null ||
				zs_die "$spec: $arg does not apply"
			echo "$arg" >> "$consumed"
			;;
		series-patch)
			patch -p1 -s -f --no-backup-if-mismatch -r - < "$ZS_REPO/$arg" >/dev/null ||
				zs_die "$spec: $arg does not apply"
			;;
		kconfig)
			syms+=("$arg")
			git show base:mm/Kconfig > mm/Kconfig
			kconfig_hunks "${syms[@]}" |
				patch -p1 -s -f --no-backup-if-mismatch -r - >/dev/null ||
				zs_die "$spec: the Kconfig.patch hunks for ${syms[*]} do not apply"
			grep -q "^config $arg\$" mm/Kconfig ||
				zs_die "$spec: Kconfig.patch has no hunk adding config $arg"
			;;
		*) zs_die "$spec: unknown directive '@ $kind'" ;;
		esac
	done < "$spec"
	# The entry comes with the first patch that adds a file of ours, so
	# that the fixes before it touch nothing but the code they fix.
	if [ -n "$ours" ]; then
		git show base:MAINTAINERS | "$ZS_BIN/merge-maintainers.awk" \
			<(maintainers_entry) - > MAINTAINERS.new &&
			mv MAINTAINERS.new MAINTAINERS
	fi
	git add -A -f .
	sed '/^@ /d' "$spec" | git commit -q -s --cleanup=strip -F - ||
		zs_die "$spec: nothing to commit"
done
for p in "$ZS_REPO"/patches/*.patch; do
	[ -f "$p" ] || continue
	grep -qxF "patches/$(basename "$p")" "$consumed" ||
		zs_die "patches/$(basename "$p") is in no patch of the series"
done
[ "${#syms[@]}" -eq "$(grep -c '^+config ' "$ZS_REPO/Kconfig.patch")" ] ||
	zs_die "some option of Kconfig.patch is in no patch of the series"

# The series must end in the overlay tree: every managed file, same content.
bad=
while read -r f; do
	cmp -s "$f" "$ZS_TREE/$f" || bad="$bad $f"
done < "$manifest"
for f in $(git diff --name-only base HEAD); do
	grep -qxF "$f" "$manifest" || bad="$bad $f"
done
if [ -z "$bad" ]; then
	pass "ends-in-overlay-tree"
else
	fail "ends-in-overlay-tree: differs from the overlay in:$bad"
fi

cover=$ZS_REPO/series/cover-letter
git format-patch -q --cover-letter --base=base -o "$out" base..HEAD ||
	zs_die "git format-patch failed"
if [ -f "$cover" ]; then
	c=$(ls "$out"/0000-*.patch)
	subject=$(head -1 "$cover")
	awk -v subject="$subject" -v cover="$cover" '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
		/\*\*\* BLURB HERE \*\*\*/ {
			skip = 1
			while ((getline l < cover) > 0)
				if (skip) { if (l == "") skip = 0 } else print l
			next
		}
		{ print }' "$c" > "$c.new" && mv "$c.new" "$c"
fi
# A quilt series file beside the patches, so that they also apply with
# quilt (QUILT_PATCHES=$out quilt push -a), e.g. in Debian's kernel source
# package, whose patches quilt manages.
(cd "$out" && ls [0-9]*.patch | grep -v '^0000-cover-letter') > "$out/series"
zs_log "series: $n patches, a cover letter and a quilt series file in $out"
git log --oneline base..HEAD | sed 's/^/[zswap]   /' >&2
[ -n "$check" ] || exit 0

# git am onto a fresh base reproduces the tree.
am=$BUILD/series-am
[ -d "$am" ] || "${base_git[@]}" worktree add -q --detach "$am" base
if (cd "$am" && git am --abort >/dev/null 2>&1; git checkout -q -f --detach base &&
	git clean -qfdx && git am -q $(ls "$out"/[0-9]*.patch | grep -v '/0000-cover-letter')) &&
	[ "$(git -C "$am" rev-parse 'HEAD^{tree}')" = "$(git rev-parse 'HEAD^{tree}')" ]; then
	pass "git-am-reproduces-tree"
else
	fail "git-am-reproduces-tree"
	git -C "$am" am --abort >/dev/null 2>&1
fi

# quilt push -a onto a fresh base reproduces the tree too.
if command -v quilt >/dev/null &&
   (cd "$am" && git checkout -q -f --detach base && git clean -qfdx &&
	QUILT_PATCHES=$out QUILT_PC=.pc quilt push -a -q >/dev/null &&
	rm -rf .pc && git add -A -f . &&
	[ "$(git write-tree)" = "$(git -C "$tree" rev-parse 'HEAD^{tree}')" ]); then
	pass "quilt-reproduces-tree"
else
	fail "quilt-reproduces-tree"
fi
(cd "$am" && git reset -q --hard && git clean -qfdx)

# checkpatch --strict on every patch.
for p in "$out"/00*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	# spdxcheck.py needs Debian's python3 (with ply), not another first in PATH
	# The base is a tarball without history: checkpatch cannot look up the
	# commits that Fixes: tags name.
	log=$(PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --quiet \
		--show-types --ignore UNKNOWN_COMMIT_ID "$p" 2>&1)
	if [ -z "$log" ]; then
		pass "checkpatch/$(basename "$p")"
	else
		fail "checkpatch/$(basename "$p"):" \
			"$(grep -cE '^(ERROR|WARNING|CHECK)' <<<"$log") reports"
		echo "$log" | head -30 >&2
	fi
done

# Every patch builds the mm/ objects, tests included.
obj=$BUILD/obj-series
mkdir -p "$obj"
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export KBUILD_BUILD_TIMESTAMP=2026-01-01 KBUILD_BUILD_USER=zswap KBUILD_BUILD_HOST=series
mk=(make -s O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")
extra="CONFIG_KUNIT=y CONFIG_ZBUD_KUNIT_TEST=y CONFIG_ZSWAP_KUNIT_TEST=y"
git checkout -q --detach HEAD
if [ ! -f "$obj/.config.want" ]; then
	zs_log "series: configuring $obj"
	{ "${mk[@]}" tinyconfig &&
	  scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
		"$ZS_TESTDIR/config" "$ZS_TESTDIR/configs/run.config" &&
	  "${mk[@]}" olddefconfig && cp "$obj/.config" "$obj/.config.want" &&
	  printf '%s\n' $extra >> "$obj/.config.want"; } > "$obj/config.log" 2>&1 ||
		zs_die "series: configuring failed (log: $obj/config.log)"
fi
for c in $(git rev-list --reverse base..zswap-series); do
	git checkout -q --detach "$c"
	s=$(date +%s)
	subj=$(git log -1 --format=%s "$c")
	cp "$obj/.config.want" "$obj/.config"
	if "${mk[@]}" olddefconfig > "$obj/build.log" 2>&1 &&
	   "${mk[@]}" mm/ >> "$obj/build.log" 2>&1; then
		pass "builds/$(git log -1 --format=%f "$c" | cut -c1-60)"
	else
		fail "builds/$(git log -1 --format=%f "$c" | cut -c1-60)"
		grep -E 'error|warning' "$obj/build.log" | head -10 >&2
	fi
	zs_log "series: built mm/ after '$subj' in $(( $(date +%s) - s ))s"
done
git checkout -q zswap-series

# Every patch passes the KUnit suites present after it (mm/tests/*.kunitconfig),
# under the final tree's mm/tests/.kunitconfig less the options of suites not
# there yet, so that one build directory serves every patch and kbuild only
# rebuilds what a patch changed.  A patch reuses an earlier run's verdict if
# it leaves the kernel code (all but Documentation/, tools/ and MAINTAINERS)
# as that run found it, or if it runs the same suites and leaves every file
# that their objects were compiled from (the object that includes
# mm/tests/<suite>-kunit.h, its source and every header kbuild recorded in
# its .cmd file) and every Kconfig and Makefile as they were: the suites
# then run the same code, built with the same options, and the patch
# changed only code that they do not test.  So a zswap patch does not
# rerun the zbud suite.  The checkout and its build directory sit side by side
# under $BUILD/series-kunit as the kunit tier's do under $BUILD, so that
# ccache (CCACHE_BASEDIR=$BUILD) sees the same relative paths and serves
# every object that the series does not change from the kunit tier's build.
# Newest patch first: its configuration is the kunit tier's, and each older
# one differs from it in a test option or a few files.
ktree=$BUILD/series-kunit/$(basename "$ZS_TREE")
kobj=$BUILD/series-kunit/obj-$(basename "$ZS_TREE")-kunit
mkdir -p "$kobj"
[ -e "$ktree/.git" ] || "${base_git[@]}" worktree add -q --detach "$ktree" base ||
	zs_die "cannot check out the base into $ktree"
declare -A kunit_verdict=() suite_deps=()
# The files that the objects of suites $2 were compiled from, and every
# Kconfig and Makefile (which set the options they are built with), as
# commit $1 has them, with the suites' names: a verdict key.  Fails if a
# suite has not been built yet.
suite_key()
{
	local s deps=()

	for s in $2; do
		[ -n "${suite_deps[$s]:-}" ] || return 1
		# shellcheck disable=SC2206
		deps+=(${suite_deps[$s]})
	done
	{
		echo "suites: $2"
		git ls-tree "$1" -- "${deps[@]}"
		git ls-tree -r "$1" | grep -E $'\t(.*/)?(Kconfig|Makefile)[^/]*$' |
			grep -vE $'\t(Documentation|tools)/'
	} | sha1sum
}
# Record, after a build, what the object of each suite $1 was compiled from
suite_record()
{
	local s cmd

	for s in $1; do
		cmd=$(grep -lF "mm/tests/$s-kunit.h" "$kobj"/mm/.*.o.cmd 2>/dev/null | head -1)
		[ -n "$cmd" ] || continue
		suite_deps[$s]=$(sed -n 's#^source_[^ ]* := ##p; s#^  \([^ ]*\).*#\1#p' "$cmd" |
			sed -n "s#^\.\./$(basename "$ktree")/##p" | sort -u | tr '\n' ' ')
	done
}
# The test command's kunit tier ran the final tree's suites just before
# (ZS_KUNIT_TIER_PASSED=1): the newest patches, with the same kernel code,
# take its verdict.
if [ "${ZS_KUNIT_TIER_PASSED:-}" = 1 ]; then
	kunit_verdict[$(git ls-tree zswap-series | grep -vwE 'Documentation|tools|MAINTAINERS' |
		sha1sum)]=pass
fi
cd "$ktree" || exit 1
for c in $(git rev-list base..zswap-series); do
	git checkout -q -f --detach "$c" && git clean -qfdx ||
		zs_die "cannot check out '$(git log -1 --format=%s "$c")' in $ktree"
	suites=$(cd mm/tests 2>/dev/null && ls ./*.kunitconfig 2>/dev/null |
		sed 's#^\./##; s#\.kunitconfig$##')
	[ -n "$suites" ] || continue
	name="kunit/$(git log -1 --format=%f "$c" | cut -c1-60)"
	key=$(git ls-tree "$c" | grep -vwE 'Documentation|tools|MAINTAINERS' | sha1sum)
	names=${suites//$'\n'/ }
	skey=$(suite_key "$c" "$names") || skey=none
	why=
	if [ -n "${kunit_verdict[$key]:-}" ]; then
		why="kernel code as already run"
	elif [ -n "${kunit_verdict[$skey]:-}" ]; then
		why="the suites' code as already run"
		key=$skey
	fi
	if [ -n "${kunit_verdict[$key]:-}" ]; then
		if [ "${kunit_verdict[$key]}" = pass ]; then
			pass "$name: $(echo $suites) ($why)"
		else
			fail "$name: $(echo $suites) ($why, which failed)"
		fi
		continue
	fi
	git show zswap-series:mm/tests/.kunitconfig | while IFS= read -r l; do
		if [[ $l =~ ^CONFIG_([A-Z0-9_]+)_KUNIT_TEST= ]]; then
			grep -qxF "${BASH_REMATCH[1],,}" <<<"$suites" || continue
		fi
		printf '%s\n' "$l"
	done > "$kobj/kunitconfig"
	s=$(date +%s)
	python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig="$kobj/kunitconfig" --build_dir="$kobj" --jobs="$JOBS" \
		--make_options CC="ccache gcc" --qemu_args="-smp 2" \
		--timeout="${KUNIT_TIMEOUT:-1200}" > "$kobj/kunit.log" 2>&1
	rc=$?
	cases=$(grep -cE '^\[[0-9:]+\] \[PASSED\] ' "$kobj/kunit.log")
	bad=$(grep -cE '^\[[0-9:]+\] \[(FAILED|CRASHED)\] ' "$kobj/kunit.log")
	splat=$(grep -cE "$(paste -sd'|' "$ZS_BIN/splat-patterns")" "$kobj/test.log" 2>/dev/null)
	if [ $rc -eq 0 ] && [ "$bad" -eq 0 ] && [ "${splat:-0}" -eq 0 ] && [ "$cases" -gt 0 ]; then
		# Only a build that passed has .cmd files that are this commit's
		suite_record "$suites"
		skey=$(suite_key "$c" "$names") && kunit_verdict[$skey]=pass
		kunit_verdict[$key]=pass
		pass "$name: $(echo $suites), $cases cases"
	else
		kunit_verdict[$key]=fail
		fail "$name: $(echo $suites): kunit.py status $rc, $bad failed, ${splat:-0} splats"
		cp "$kobj/kunit.log" "$out/kunit-$(git log -1 --format=%f "$c" | cut -c1-40).log"
		grep -E '\[(FAILED|CRASHED)\]|ERROR' "$kobj/kunit.log" | head -10 >&2
	fi
	zs_log "series: KUnit ($(echo $suites)) after '$(git log -1 --format=%s "$c")'" \
		"in $(( $(date +%s) - s ))s"
done
cd "$tree" || exit 1

# Warnings in the series' own C files: W=1 and sparse.
cfiles=$(git diff --name-only base HEAD -- '*.c' | grep -v '^tools/')
objs=$(for f in $cfiles; do echo "${f%.c}.o"; done)
touch $cfiles
# shellcheck disable=SC2086
log=$("${mk[@]}" W=1 C=2 $objs 2>&1 | grep -E 'warning|error' |
	grep -F -e "$(echo "$cfiles" | sed 's#.*/##')" -e 'mm/tests/')
if [ -z "$log" ]; then
	pass "w1-and-sparse-clean"
else
	fail "w1-and-sparse-clean: $(wc -l <<<"$log") warnings"
	echo "$log" | head -20 >&2
fi
touch $cfiles

# kernel-doc on the series' C files and headers.
# shellcheck disable=SC2046
log=$(scripts/kernel-doc -none $cfiles $(git diff --name-only base HEAD -- 'mm/tests/*.h') 2>&1)
if [ -z "$log" ]; then
	pass "kernel-doc-clean"
else
	fail "kernel-doc-clean: $(wc -l <<<"$log") warnings"
	echo "$log" | head -20 >&2
fi

# Our documentation renders without warnings (upstream .rst files we only
# patch use Sphinx directives that plain docutils does not know).
for f in $(cd "$ZS_REPO" && git ls-files -co --exclude-standard -- '*.rst'); do
	if ! command -v rst2html >/dev/null; then
		fail "docs/$f: rst2html missing (apt-get install python3-docutils)"
		continue
	fi
	log=$(rst2html --halt=5 --report=2 "$f" /dev/null 2>&1)
	if [ -z "$log" ]; then
		pass "docs/$f"
	else
		fail "docs/$f: $(wc -l <<<"$log") docutils warnings"
		echo "$log" | head -10 >&2
	fi
done
