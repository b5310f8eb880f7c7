#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test parse-console.sh on the canned logs in ../testdata: each row of
# testdata/expected names a console log, an output log, the exit status the
# verdict must have and a line it must print (a kernel splat must be named).
. "$(dirname "$0")/common.sh"

data=$ZS_TESTDIR/testdata
fails=0
while read -r console output status want; do
	case $console in ''|'#'*) continue ;; esac
	name="parse-console/${console%.log}+${output%.log}"
	got=$("$ZS_BIN/parse-console.sh" "$data/$console" "$data/$output" canned 2>/dev/null)
	rc=$?
	if [ "$rc" -ne "$status" ]; then
		echo "FAIL $name: exit status $rc, want $status"
		fails=$((fails + 1))
	elif ! grep -qF -- "$want" <<<"$got"; then
		echo "FAIL $name: verdict does not say '$want'"
		fails=$((fails + 1))
	else
		echo "PASS $name"
	fi
done < "$data/expected"
[ $fails -eq 0 ]
