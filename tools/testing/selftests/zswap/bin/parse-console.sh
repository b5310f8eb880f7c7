#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Verdict of one guest run, from what the guest printed.
#
# Usage: parse-console.sh CONSOLE_LOG OUTPUT_LOG [NAME]
#   CONSOLE_LOG  kernel console (ttyS0): any kernel splat fails the run,
#                naming the line;
#   OUTPUT_LOG   program output (ttyS1): TAP lines and init.sh's
#                "zswaptest: exit PROG RC" and "zswaptest: done" lines.
# Prints one "PASS|FAIL|SKIP name[: reason]" line per result and exits 1 if
# any result failed.  A run that did not reach "zswaptest: done" fails.

console=${1:?usage: parse-console.sh CONSOLE_LOG OUTPUT_LOG [NAME]}
output=${2:?usage: parse-console.sh CONSOLE_LOG OUTPUT_LOG [NAME]}
name=${3:-guest}

# Kernel reports that fail a run wherever they appear: one extended regular
# expression a line in splat-patterns.
splats=$(paste -sd'|' "$(dirname "$0")/splat-patterns")

awk -v name="$name" -v splats="$splats" '

FILENAME == ARGV[1] {
	if ($0 ~ splats) {
		nsplat++
		if (nsplat <= 5)
			printf "FAIL %s: kernel splat at %s:%d: %s\n", name, FILENAME, FNR, $0
	}
	next
}
# Program output.
{ sub(/\r$/, "") }
/^zswaptest: run / { prog = $3; next }
/^zswaptest: exit / {
	tapped = ntap[$3] > 0
	if ($4 != 0 && !tapfail[$3])
		printf "FAIL %s/%s: exit status %s\n", name, $3, $4
	else if (!tapped)
		printf "%s %s/%s\n", ($4 == 0 ? "PASS" : "FAIL"), name, $3
	if ($4 != 0)
		failed++
	prog = ""
	next
}
/^zswaptest: done/ { done = 1; next }
/^zswaptest: error/ { printf "FAIL %s: %s\n", name, $0; failed++; next }
# The diagnostics of a test, kept from its "#  RUN" line: the first failed
# expectation becomes the reason of its FAIL line, and its last 20
# lines go to stderr so that a CI log shows what the test saw.
# Without a failed expectation (a test that counts its own failures), the
# reason is its last line of log.  The 6.1 harness prints a skipped test as
# "ok N # SKIP why", without its name: that comes from its "#  RUN" line.
/^#  RUN / {
	ndiag = 0; nexp = 0; reason = ""; lastlog = ""
	runname = $0
	sub(/^#  RUN +/, "", runname)
	sub(/ \.\.\.$/, "", runname)
	next
}
/^# / {
	diag[++ndiag] = $0
	if ($0 ~ /^# [^ :]+:[0-9]+:[^:]*:Expected /) {
		if (!nexp++) {
			reason = substr($0, 3)
			sub(/:[^:]*:Expected /, ": Expected ", reason)
		}
	} else if ($0 ~ /^# [^ :]+:[0-9]+:[^:]*:/) {
		# "file.c:144:test:what" -> "file.c:144: what"
		match($0, /^# [^ :]+:[0-9]+:/)
		lastlog = substr($0, 3, RLENGTH - 2)
		rest = substr($0, RSTART + RLENGTH)
		sub(/^[^:]*:/, "", rest)
		lastlog = lastlog " " rest
	}
	next
}
/^(not )?ok [0-9]+ / {
	line = $0
	ok = (line ~ /^ok/)
	sub(/^(not )?ok [0-9]+ /, "", line)
	skip = (line ~ /# *SKIP/)
	sub(/ *#.*/, "", line)
	if (line == "")
		line = runname
	if (reason == "")
		reason = lastlog
	ntap[prog]++
	if (skip)
		printf "SKIP %s/%s/%s\n", name, prog, line
	else if (ok)
		printf "PASS %s/%s/%s\n", name, prog, line
	else {
		if (nexp > 1)
			reason = reason " (and " nexp - 1 " more)"
		printf "FAIL %s/%s/%s%s\n", name, prog, line,
		       reason == "" ? "" : ": " reason
		for (i = (ndiag > 20 ? ndiag - 19 : 1); i <= ndiag; i++)
			printf "[zswap]   %s/%s/%s %s\n", name, prog, line,
			       diag[i] > "/dev/stderr"
		tapfail[prog] = 1
		failed++
	}
}
END {
	if (nsplat > 5)
		printf "FAIL %s: %d more kernel splat lines\n", name, nsplat - 5
	if (!done) {
		printf "FAIL %s: guest did not finish", name
		printf " (no \"zswaptest: done\": hang, crash or timeout)\n"
		failed++
	}
	exit (failed || nsplat) ? 1 : 0
}' "$console" "$output"
