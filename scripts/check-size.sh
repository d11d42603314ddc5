#!/bin/sh
# The structure rules of docs/architecture.md, checked: no kernel .c file
# over 800 lines and no function over 80 (from its opening line to its
# closing brace, kernel style: a function's body opens with "{" alone in
# column 0 and ends with "}" alone in column 0).  One TAP line per file;
# prints the offenders.
#   check-size.sh [FILE...]   (default: kernel/*.c kernel/raft/*.c)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1
MAX_FILE=800
MAX_FUNC=80
files=${*:-$(ls kernel/*.c kernel/raft/*.c)}
n=0 failed=0
for f in $files; do
	n=$((n + 1))
	lines=$(wc -l <"$f")
	long=$(awk -v max="$MAX_FUNC" '
		!start && /^[A-Za-z_].*[^;:]$/ && !/^(struct|enum|union|static const|const)[^(]*=/ { head = FNR; name = $0 }
		/^\{$/ { start = head ? head : FNR }
		/^\}/ && start {
			if (FNR - start + 1 > max) {
				sub(/\(.*/, "", name); sub(/.* \**/, "", name)
				printf "%s (%d lines) ", name, FNR - start + 1
			}
			start = 0; head = 0
		}' "$f")
	if [ "$lines" -gt "$MAX_FILE" ] || [ -n "$long" ]; then
		failed=$((failed + 1))
		echo "not ok $n - size $f"
		[ "$lines" -gt "$MAX_FILE" ] && echo "# $f: $lines lines (at most $MAX_FILE)"
		[ -n "$long" ] && echo "# $f: functions over $MAX_FUNC lines: $long"
	else
		echo "ok $n - size $f"
	fi
done
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
