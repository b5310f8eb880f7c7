#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# merge-maintainers.awk OURS BASE: print BASE's MAINTAINERS with every entry
# of OURS put in its sorted place (titles compared case-insensitively, as the
# file is kept; "THE REST" stays last).  An entry with the same title as one
# of the base's replaces it.  An entry is a paragraph whose second line is a
# "X:<tab>" field.
function is_entry(p,   l) {
	split(p, l, "\n")
	return l[2] ~ /^[A-Z]:\t/
}
function key(p,   l) {
	split(p, l, "\n")
	return l[1] == "THE REST" ? "\377" : toupper(l[1])
}
function out(p) { printf "%s%s", (printed++ ? "\n\n" : ""), p }
BEGIN { RS = "" }
FNR == NR { if (is_entry($0)) { ours[++n] = $0; done[n] = 0 } next }
{
	if (is_entry($0)) {
		k = key($0)
		for (i = 1; i <= n; i++) {
			if (done[i])
				continue
			if (key(ours[i]) < k) {
				out(ours[i]); done[i] = 1
			} else if (key(ours[i]) == k) {
				out(ours[i]); done[i] = 1; next
			}
		}
	}
	out($0)
}
END {
	for (i = 1; i <= n; i++)
		if (!done[i])
			out(ours[i])
	printf "\n"
}
