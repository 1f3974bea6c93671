#!/usr/bin/env python3
"""-nographic console on a terminal: input reaches the PL011, Ctrl-A A sends a
Ctrl-A, Ctrl-A X quits with status 0, and the terminal's mode is restored.
usage: console.py FERRY_SYSTEM UART_ECHO_ELF"""
import os, pty, select, sys, termios, time

ferry, elf = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(ferry, [ferry, "-M", "virt", "-cpu", "cortex-a53", "-nographic", "-kernel", elf])
before = termios.tcgetattr(fd)
seen = b""

def read_until(marker, seconds=10):
    global seen
    deadline = time.time() + seconds
    while marker not in seen and time.time() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return marker in seen

def fail(why):
    print(f"FAIL console: {why}; output {seen[-200:]!r}")
    sys.exit(1)

if not read_until(b"ready"):
    fail("no 'ready' from the guest")
if termios.tcgetattr(fd)[3] & termios.ICANON:
    fail("the terminal is not in raw mode while the guest runs")
os.write(fd, b"a")
if not read_until(b"rx 0x0000000000000061"):
    fail("typed 'a' did not reach the UART")
os.write(fd, b"\x01a")
if not read_until(b"rx 0x0000000000000001"):
    fail("Ctrl-A A did not send a Ctrl-A")
os.write(fd, b"\x01x")
status = None
for _ in range(100):
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = os.waitstatus_to_exitcode(st)
        break
    time.sleep(0.1)
if status is None:
    os.kill(pid, 9)
    fail("Ctrl-A X did not quit")
if status != 0:
    fail(f"Ctrl-A X exit status {status}")
if termios.tcgetattr(fd) != before:
    fail("the terminal mode was not restored")
print("ok   console: input, Ctrl-A A, Ctrl-A X, terminal restored")
