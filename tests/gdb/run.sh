#!/bin/bash
# The GDB stub, driven by gdb-multiarch in batch mode:
# - ferry-system -S -gdb tcp::PORT on a bare-metal program with symbols
#   (tests/gdb/kernel.c): break kernel_main, continue, PC/SP/cpsr, stepi,
#   x/4i, a read watchpoint, a write watchpoint (old and new values), Ctrl-C
#   on the spinning guest, set var, detach: the guest runs on to its
#   semihosting exit; the same session start over a Unix socket;
# - ferry-user -g PORT on a static program (tests/gdb/process.c): break,
#   finish, info registers, watch a global, run to the exit; a fault stops
#   before the guest sees it (bt), then kills it or reaches its handler;
# - bad input: a port in use, a malformed packet and a bad checksum.
#   tests/gdb/run.sh BUILD_DIR
set -u
BUILD=$(realpath "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
SYSTEM=$HERE/../system
OUT=$BUILD/tests-gdb
GDB=$(command -v gdb-multiarch || true)
rm -rf "$OUT" && mkdir -p "$OUT"
failures=0

fail() { echo "FAIL $*"; failures=$((failures + 1)); }
# expect NAME FILE REGEX: FILE has a line matching REGEX (grep -E)
expect() {
    if grep -Eq -- "$3" "$2"; then echo "PASS $1"; else fail "$1: no /$3/ in $2"; fi
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits (up to 10 s) until something listens on TCP port $1, without connecting.
wait_listening() {
    local hex i
    hex=$(printf ':%04X ' "$1")
    for i in $(seq 100); do
        grep -q "$hex.* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# start_system NAME OPTIONS...: ferry-system runs kernel.elf in the background
# (pid in $ferry), its serial output in $OUT/NAME.serial.
start_system() {
    local name=$1
    shift
    timeout 60 "$BUILD/ferry-system" -M virt -cpu cortex-a53 -nographic -nic none -semihosting \
        -serial "file:$OUT/$name.serial" -kernel "$OUT/kernel.elf" "$@" \
        </dev/null >"$OUT/$name.out" 2>"$OUT/$name.err" &
    ferry=$!
}

[ -n "$GDB" ] || { fail "gdb: gdb-multiarch is not installed (make deps installs it)"; exit 1; }

aarch64-linux-gnu-gcc -ffreestanding -nostdlib -nostartfiles -static -O2 -g -mgeneral-regs-only -mstrict-align \
    -Wall -Werror -Wl,--build-id=none -Wl,--no-warn-rwx-segments -I "$SYSTEM" -T "$SYSTEM/link.ld" \
    "$SYSTEM/start.S" "$SYSTEM/vectors.S" "$SYSTEM/lib.c" "$HERE/kernel.c" -o "$OUT/kernel.elf" ||
    { fail "gdb: cannot build kernel.elf"; exit 1; }
aarch64-linux-gnu-gcc -static -O1 -g -Wall -Werror "$HERE/process.c" -o "$OUT/process" ||
    { fail "gdb: cannot build process"; exit 1; }
aarch64-linux-gnu-gcc -static -O1 -g -Wall -Werror "$HERE/crash.c" -o "$OUT/crash" ||
    { fail "gdb: cannot build crash"; exit 1; }

# ---- ferry-system -S -gdb tcp::PORT ----------------------------------------------
port=$(free_port)
sed "s/@PORT@/$port/" "$HERE/system.gdb.in" >"$OUT/system.gdb"
start_system system -S -gdb "tcp::$port"
wait_listening "$port" || fail "system: ferry-system does not listen on $port"
# --foreground: timeout then passes our SIGINT to gdb alone, not to its whole
# process group as well (a second Ctrl-C makes gdb give up on the target).
timeout --foreground 60 "$GDB" -nx -batch -x "$OUT/system.gdb" "$OUT/kernel.elf" >"$OUT/system.log" 2>&1 &
gdb=$!
# Ctrl-C once the guest spins (and gdb has resumed it after the watchpoints).
for i in $(seq 300); do
    grep -q spinning "$OUT/system.serial" 2>/dev/null && grep -q RUNNING "$OUT/system.log" && break
    sleep 0.1
done
sleep 0.5
kill -INT "$gdb" 2>/dev/null
wait "$gdb"
wait "$ferry"
status=$?
log=$OUT/system.log
expect "system: cpsr at reset shows EL1h with DAIF masked" "$log" '^cpsr +0x3c5 +\[ .*EL=1.*\]'
expect "system: break kernel_main" "$log" '^Breakpoint 1, .*kernel_main'
expect "system: pc in kernel_main" "$log" '^kernel_main( \+ [0-9]+)? in section \.text'
expect "system: sp at the top of the stack" "$log" '^SP_NEAR_STACK_TOP=1$'
expect "system: CurrentEL system register" "$log" '^CURRENT_EL=1$'
expect "system: stepi then x/4i" "$log" '^=> 0x[0-9a-f]+ <kernel_main\+[0-9]+>:'
expect "system: read watchpoint" "$log" '^Value = 7$'
expect "system: write watchpoint old value" "$log" '^Old value = 0$'
expect "system: write watchpoint new value" "$log" '^New value = 7$'
expect "system: second write" "$log" '^New value = 14$'
expect "system: Ctrl-C stops the spinning guest" "$log" 'received signal SIGINT'
expect "system: variable read after Ctrl-C" "$log" '^SPIN=1$'
expect "system: detach" "$log" 'Detaching from program|detached'
expect "system: the guest ran on after detach" "$OUT/system.serial" '^done$'
[ "$status" = 0 ] && echo "PASS system: semihosting exit 0 after detach" ||
    fail "system: ferry-system exited $status (see $OUT/system.err)"

# ---- ferry-system over a Unix socket -------------------------------------------------
sock=$OUT/gdb.sock
start_system unix -S -gdb "unix:$sock,server"
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
timeout 30 "$GDB" -nx -batch -ex "target remote $sock" -ex 'break kernel_main' -ex continue -ex 'set var spin = 0' \
    -ex 'x/x 0x7000000000' -ex kill "$OUT/kernel.elf" >"$OUT/unix.log" 2>&1
wait "$ferry"
status=$?
expect "unix socket: break kernel_main" "$OUT/unix.log" '^Breakpoint 1, .*kernel_main'
expect "unix socket: memory nothing maps is an error reply" "$OUT/unix.log" 'Cannot access memory at address 0x7000000000$'
[ "$status" = 0 ] && echo "PASS unix socket: k ends ferry-system" || fail "unix socket: ferry-system exited $status after k"

# ---- ferry-system -gdb without -S: a debugger attaches to the running guest --------------------
port=$(free_port)
start_system attach -gdb "tcp::$port"
wait_listening "$port" || fail "attach: ferry-system does not listen on $port"
for i in $(seq 100); do grep -q spinning "$OUT/attach.serial" 2>/dev/null && break; sleep 0.1; done
timeout 30 "$GDB" -nx -batch -ex "target remote :$port" -ex 'printf "SPIN=%d\n", spin' -ex 'set var spin = 0' \
    -ex detach "$OUT/kernel.elf" >"$OUT/attach.log" 2>&1
wait "$ferry"
status=$?
expect "attach: the running guest stops in its loop" "$OUT/attach.log" '^kernel_main .* at .*kernel\.c:17$'
expect "attach: variables read" "$OUT/attach.log" '^SPIN=1$'
expect "attach: the guest ran on after detach" "$OUT/attach.serial" '^done$'
[ "$status" = 0 ] && echo "PASS attach: semihosting exit 0" || fail "attach: ferry-system exited $status"

# ---- ferry-user -g PORT ------------------------------------------------------------------
port=$(free_port)
sed "s/@PORT@/$port/" "$HERE/process.gdb.in" >"$OUT/process.gdb"
timeout 60 "$BUILD/ferry-user" -g "$port" "$OUT/process" >"$OUT/process.out" 2>"$OUT/process.err" &
ferry=$!
wait_listening "$port" || fail "user: ferry-user does not listen on $port"
timeout 60 "$GDB" -nx -batch -x "$OUT/process.gdb" "$OUT/process" >"$OUT/process.log" 2>&1
wait "$ferry"
status=$?
log=$OUT/process.log
expect "user: break add" "$log" '^Breakpoint 1, add \(a=0, b=(b@entry=)?1\)'
expect "user: finish returns a + b" "$log" '^Value returned is \$1 = 1$'
expect "user: info registers shows x0" "$log" '^x0 +0x1 +1$'
expect "user: info registers shows cpsr" "$log" '^cpsr +0x[0-9a-f]+ +\['
expect "user: watch a global, old value" "$log" '^Old value = 0$'
expect "user: watch a global, new value" "$log" '^New value = 1$'
expect "user: the program exits" "$log" 'exited normally'
expect "user: the program's output" "$OUT/process.out" '^total=6$'
[ "$status" = 0 ] && echo "PASS user: exit status 0" || fail "user: ferry-user exited $status"

# ---- ferry-user -g: a fault stops before the guest sees its signal ------------------------
# debug_crash NAME [ARG]: runs crash under gdb: continue (to the SIGSEGV), bt, continue.
debug_crash() {
    local name=$1 port
    shift
    port=$(free_port)
    # In a subshell, which keeps the status and the shell's "Segmentation fault" note to itself.
    (timeout 60 "$BUILD/ferry-user" -g "$port" "$OUT/crash" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
     echo $? >"$OUT/$name.status") 2>/dev/null &
    ferry=$!
    wait_listening "$port" || fail "$name: ferry-user does not listen on $port"
    timeout 60 "$GDB" -nx -batch -ex "target remote :$port" -ex continue -ex bt -ex continue \
        "$OUT/crash" >"$OUT/$name.log" 2>&1
    wait "$ferry"
    status=$(cat "$OUT/$name.status")
}
debug_crash crash
log=$OUT/crash.log
expect "user fault: gdb sees the SIGSEGV" "$log" '^Program received signal SIGSEGV'
expect "user fault: at the faulting function" "$log" ' in crash \(p=(p@entry=)?0x10\) at .*crash\.c'
expect "user fault: bt" "$log" '^#1 +0x[0-9a-f]+ in main '
expect "user fault: passed on, it kills the process" "$log" '^Program terminated with signal SIGSEGV'
[ "$status" = $((128 + 11)) ] && echo "PASS user fault: ferry-user dies of SIGSEGV" ||
    fail "user fault: ferry-user exited $status, expected $((128 + 11))"
debug_crash crash-handled handle
expect "user fault: passed on to the guest's handler" "$OUT/crash-handled.out" '^handled$'
expect "user fault: the handler's exit" "$OUT/crash-handled.log" 'exited with code 03'
[ "$status" = 3 ] && echo "PASS user fault: exit status 3 from the handler" ||
    fail "user fault: ferry-user exited $status, expected 3"

# ---- bad input -----------------------------------------------------------------------------
port=$(free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); time.sleep(5)' "$port" &
holder=$!
wait_listening "$port"
for program in system user; do
    if [ $program = system ]; then
        timeout 10 "$BUILD/ferry-system" -M virt -nographic -kernel "$OUT/kernel.elf" -gdb "tcp::$port" \
            </dev/null >/dev/null 2>"$OUT/in-use.$program.err"
    else
        timeout 10 "$BUILD/ferry-user" -g "$port" "$OUT/process" >/dev/null 2>"$OUT/in-use.$program.err"
    fi
    status=$?
    if [ $status = 1 ] && [ "$(wc -l <"$OUT/in-use.$program.err")" = 1 ] && grep -q "in use" "$OUT/in-use.$program.err"; then
        echo "PASS bad input: port in use ($program)"
    else
        fail "bad input: port in use ($program): status $status, stderr: $(head -c 300 "$OUT/in-use.$program.err")"
    fi
done
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

port=$(free_port)
timeout 30 "$BUILD/ferry-user" -g "$port" "$OUT/process" >/dev/null 2>"$OUT/malformed.err" &
ferry=$!
wait_listening "$port"
python3 - "$port" >"$OUT/malformed.log" 2>&1 <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def packet(body):
    return b"$" + body + b"#" + b"%02x" % (sum(body) % 256)
def reply():
    data = b""
    while True:
        c = s.recv(1)
        if not c:
            return data
        data += c
        if data == b"-" or (b"#" in data and len(data) - data.index(b"#") == 3):
            return data
s.sendall(b"$g#00")                      # bad checksum
print("badsum", s.recv(1).decode())
s.sendall(packet(b"mzz,qq"))             # malformed m packet
print("malformed", reply().decode())
s.sendall(packet(b"m400000,4"))          # still answering
print("after", reply().decode())
s.sendall(packet(b"k"))
s.close()
PY
wait "$ferry"
status=$?
expect "bad input: bad checksum gets a NAK" "$OUT/malformed.log" '^badsum -$'
expect "bad input: malformed packet gets an error reply" "$OUT/malformed.log" '^malformed \+?\$E[0-9a-f]{2}#'
expect "bad input: the stub answers after it" "$OUT/malformed.log" '^after \+?\$[0-9a-f]{8}#'
expect "bad input: one warning line for the malformed packet" "$OUT/malformed.err" 'malformed packet'
[ "$status" = 0 ] && echo "PASS bad input: k after bad packets ends ferry-user" || fail "bad input: ferry-user exited $status"

[ $failures = 0 ]
