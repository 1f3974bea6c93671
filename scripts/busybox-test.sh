#!/usr/bin/env bash
# Runs shell pipelines in Debian's arm64 busybox-static under ferry-user and
# the same pipelines in the host's amd64 busybox-static natively, and
# requires byte-identical stdout and the same exit status.
#
#   scripts/busybox-test.sh BUILD_DIR [--quick]
#
# --quick runs a single pipeline (for the sanitizer build).
# FERRY_RUNNER overrides the runner (default BUILD_DIR/ferry-user), e.g.
# FERRY_RUNNER=qemu-aarch64 to check the cases themselves.
# Prints "PASS busybox/<case>", "FAIL busybox/<case>: ..." or
# "SKIP busybox/<case>: ..." per case; exits non-zero if any case failed.
set -uo pipefail

usage() { echo "usage: $0 BUILD_DIR [--quick]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD_DIR=$(cd "$1" && pwd) || usage
QUICK=0
[ "${2:-}" = --quick ] && QUICK=1
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
RUNNER=${FERRY_RUNNER:-$BUILD_DIR/ferry-user}
CASE_TIMEOUT=${CASE_TIMEOUT:-600}

failed=0
result() {  # result PASS|FAIL|SKIP name [reason]
    echo "$1 busybox/$2${3:+: $3}"
    [ "$1" = FAIL ] && failed=1
    return 0
}

HOST_BUSYBOX=$(command -v busybox || true)
if [ -z "$HOST_BUSYBOX" ]; then
    result FAIL setup "no host busybox (apt-get install busybox-static)"
    exit 1
fi
if ! GUEST_BUSYBOX=$("$SCRIPTS/fetch-busybox.sh" "$BUILD_DIR"); then
    result FAIL setup "could not fetch busybox-static:arm64"
    exit 1
fi
if ! RUNNER=$(command -v "$RUNNER"); then
    result FAIL setup "runner ${FERRY_RUNNER:-$BUILD_DIR/ferry-user} not found"
    exit 1
fi
TIMEOUT=$(command -v timeout)
host_version=$("$HOST_BUSYBOX" 2>&1 | head -1)
guest_version=$("$RUNNER" "$GUEST_BUSYBOX" 2>&1 | head -1)
if [ "$host_version" != "$guest_version" ]; then
    echo "note: host '$host_version' vs guest '$guest_version'"
fi

# Inputs, generated once and kept.
WORK=$BUILD_DIR/busybox-test
mkdir -p "$WORK"
IN=$WORK/input.txt
[ -s "$IN" ] || "$SCRIPTS/gen-text.sh" "$IN" 2000000 7
[ -s "$IN.bz2" ] || { if command -v bzip2 >/dev/null; then bzip2 -9 -c "$IN"; else "$HOST_BUSYBOX" bzip2 -9 -c "$IN"; fi > "$IN.bz2"; }
if [ ! -s "$IN.xz" ] && command -v xz >/dev/null; then xz -6 -c "$IN" > "$IN.xz"; fi

# A PATH of applet links per side, so that anything the shell looks up on
# PATH is that side's busybox too (normally applets re-execute /proc/self/exe).
for side in guest host; do
    bin=$WORK/bin-$side
    [ -d "$bin" ] && continue
    mkdir -p "$bin"
    target=$GUEST_BUSYBOX
    [ $side = host ] && target=$HOST_BUSYBOX
    for applet in $("$HOST_BUSYBOX" --list); do ln -sf "$target" "$bin/$applet"; done
done

# run_case NAME COMMAND: runs COMMAND with `sh -c` on both sides, each in an
# empty directory of its own, with $IN pointing at the inputs.
run_case() {
    local name=$1 cmd=$2 side
    for side in guest host; do
        local dir=$WORK/run-$side/$name
        rm -rf "$dir" && mkdir -p "$dir"
        local -a argv=("$HOST_BUSYBOX" sh -c "$cmd")
        [ $side = guest ] && argv=("$RUNNER" "$GUEST_BUSYBOX" sh -c "$cmd")
        (cd "$dir" && env -i PATH="$WORK/bin-$side" HOME="$dir" LC_ALL=C TZ=UTC IN="$IN" \
            "$TIMEOUT" "$CASE_TIMEOUT" "${argv[@]}" > "$WORK/$name.$side.out" 2> "$WORK/$name.$side.err" < /dev/null)
        echo $? > "$WORK/$name.$side.status"
    done
    local gs hs
    gs=$(cat "$WORK/$name.guest.status") hs=$(cat "$WORK/$name.host.status")
    if [ "$gs" != "$hs" ]; then
        result FAIL "$name" "exit status $gs under ferry, $hs natively (stderr: $(head -c 200 "$WORK/$name.guest.err" | tr '\n' ' '))"
    elif ! cmp -s "$WORK/$name.guest.out" "$WORK/$name.host.out"; then
        result FAIL "$name" "stdout differs: diff $WORK/$name.guest.out $WORK/$name.host.out"
    elif [ ! -s "$WORK/$name.host.out" ]; then
        result FAIL "$name" "no output natively: the case itself is broken"
    else
        result PASS "$name"
    fi
}

if [ $QUICK = 1 ]; then
    run_case gzip-sha256 'gzip -9 -c < $IN | gunzip -c | sha256sum; gzip -1 -c < $IN | md5sum'
    exit $failed
fi

run_case sha256sum 'sha256sum < $IN; sha256sum $IN | cut -c1-64'
run_case md5sum 'md5sum < $IN; head -c 1000 $IN | md5sum'
run_case gzip-roundtrip 'gzip -c < $IN | gunzip -c | cmp - $IN && echo same'
run_case gzip-9-bytes 'gzip -9 -c < $IN | sha256sum; gzip -9 -c < $IN | wc -c'
run_case gzip-1-bytes 'gzip -1 -c < $IN | sha256sum'
run_case bunzip2 'bunzip2 -c < $IN.bz2 | sha256sum'
run_case bzip2-bytes 'head -c 300000 $IN | bzip2 -c | sha256sum'
if [ -s "$IN.xz" ]; then
    run_case unxz 'unxz -c < $IN.xz | sha256sum'
else
    result SKIP unxz "no host xz to make the input (apt-get install xz-utils)"
fi
run_case awk-words 'awk "{ for (i = 1; i <= NF; i++) count[tolower(\$i)]++ } END { for (w in count) print count[w], w }" $IN | sort -k1,1nr -k2 | head -40'
run_case awk-float 'awk "{ s += length(\$0) * 1.5; n++ } END { printf \"%.6f %d %e %g %.3f\\n\", s / n, n, s, s / 7, -s / 3 }" $IN;
    awk "BEGIN { x = 1; for (i = 1; i <= 36; i++) { x = x * 1.7 + 1 / i; printf \"%d %.8f %.6e %.4g %d\\n\", i, x, x / 3, 1 / x, x } }"'
run_case awk-fields 'awk -F" " "NF > 12 { print NR \":\" \$2 \":\" \$NF }" $IN | tail -50; awk "length > 70" $IN | wc -l'
run_case sed 'sed -e "s/\(ferry\|boat\)/[&]/g" -e "/^The/d" $IN | md5sum; sed -n "100,120p" $IN; sed "y/abc/XYZ/" $IN | tail -5'
run_case sort-uniq 'tr " " "\n" < $IN | sort | uniq -c | sort -k1,1nr -k2 | head -30; sort -u $IN | wc -l; sort -r -k3 $IN | md5sum'
run_case tar 'mkdir -p d/sub && cp $IN d/a && head -c 1000 $IN > d/sub/b && echo x > d/sub/c &&
    tar cf t.tar d && tar tf t.tar | sort && tar xOf t.tar d/sub/b | md5sum &&
    tar czf t.tgz d && mkdir out && tar xzf t.tgz -C out && cmp out/d/a $IN && echo extracted'
run_case find 'mkdir -p f/x/y f/z && touch f/x/1 f/x/y/2 f/z/3 f/z/.h && find f | sort && find f -type f -name "[0-9]" | sort && find f -type d | wc -l'
run_case printf 'printf "%s-%05d-%x-%o-%c|%10.3s|%-6s|%u\n" abc 42 255 8 Z truncated left 4294967295;
    printf "%e %.2f %g\n" 3.14159 2.71828 0.0001; printf "\x41\102\n"'
run_case shell-arith 'i=0; s=0; while [ $i -lt 3000 ]; do s=$(( (s * 31 + i) % 1000003 )); i=$((i + 1)); done;
    echo $s $(( 1 << 40 )) $(( -7 / 2 )) $(( -7 % 2 )) $(( 0x7fffffffffffffff + 1 )) $(( 3 > 2 && 2 > 3 ))'
run_case reexec-applets 'ls / > /dev/null; echo a b c | wc -w; seq 1 1000 | sort -rn | head -3;
    cat $IN | wc -c; sh -c "echo nested \$((6 * 7))"; busybox echo via-busybox'
run_case xargs-od 'seq 1 50 | xargs -n 7 echo | md5sum; head -c 64 $IN | od -A x -t x1z; head -c 64 $IN | hexdump -C'
run_case text-tools 'cut -d" " -f2,4 $IN | head -20; head -200 $IN | paste - - | tail -3; tr a-z A-Z < $IN | md5sum; wc $IN; grep -c ferry $IN; grep -n "^River" $IN | head'
run_case dd-head-tail 'dd if=$IN bs=4096 count=10 2>/dev/null | md5sum; tail -c 5000 $IN | md5sum; head -n 3 $IN; tail -n 2 $IN'
run_case exit-status 'false | true; echo "pipeline $?"; sh -c "exit 3"; echo "child $?"; (exit 7); echo "subshell $?"; sh -c "kill -TERM \$\$"; echo "killed $?"; exit 5'
run_case sigpipe 'yes ferry | head -3; seq 1 100000 | head -1'
run_case date 'date -u -d @1700000000 "+%Y-%m-%d %H:%M:%S %a %j"; date -u -d @0'

exit $failed
