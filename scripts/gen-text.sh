#!/usr/bin/env bash
# Writes a deterministic English-like text of about BYTES bytes to OUT:
# words drawn from a fixed vocabulary by a Park-Miller generator seeded with
# SEED, lines of varying length, some numbers and punctuation. Same bytes on
# every machine (integer arithmetic only, exact in awk's doubles).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 OUT BYTES SEED" >&2; exit 2; }
OUT=$1 BYTES=$2 SEED=$3
AWK="awk"
command -v busybox >/dev/null && AWK="busybox awk"
$AWK -v target="$BYTES" -v seed="$SEED" '
function rand31() { state = (state * 16807) % 2147483647; return state }
BEGIN {
    n = split("the of and to a in is it that was for on are with as his they be at one " \
              "have this from or had by hot word but what some we can out other were all " \
              "there when up use your how said an each she which do their time if will way " \
              "about many then them write would like so these her long make thing see him " \
              "two has look more day could go come did number sound no most people my over " \
              "know water than call first who may down side been now find ferry river boat " \
              "crossing bank translator block register branch memory guest host cache", words, " ")
    state = seed % 2147483646 + 1
    size = 0
    while (size < target) {
        len = 4 + rand31() % 14
        line = ""
        for (i = 0; i < len; i++) {
            r = rand31()
            if (r % 23 == 0) w = r % 100000
            else w = words[1 + r % n]
            if (i == 0) w = toupper(substr(w, 1, 1)) substr(w, 2)
            line = line (i ? " " : "") w
        }
        r = rand31() % 4
        line = line (r == 0 ? "." : r == 1 ? "," : r == 2 ? "!" : ";")
        print line
        size += length(line) + 1
    }
}' > "$OUT"
