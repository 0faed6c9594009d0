#!/usr/bin/env python3
"""measure-start.py: time one program from exec until it says it is ready.

Used by bench/startup.sh; plain standard library only.

    measure-start.py [--ready PREFIX] [--settle S] [--tracefs] [--timeout S] -- CMD [ARG]...

Starts CMD with its stdout on a pipe and its stderr in a temporary file, and
waits for a stdout line starting with PREFIX (the readiness line). Then:

  * reads VmHWM and VmRSS from /proc/PID/status (peak and current RSS of the
    main process at readiness),
  * sleeps --settle seconds and reads VmRSS again (steady-state RSS),
  * sends SIGINT, drains stdout and reaps the process with wait4().

wait4() gives ru_maxrss: the kernel folds the peak RSS of every descendant the
process reaped into it, so it is the RSS of the largest single process of the
whole tree (for tcptop: the compiler child when it had to compile). It gives
the CPU time of the whole tree too. Caveat: exec() also folds in the peak RSS
of the memory the process had before it, i.e. this Python's (vfork) or its
fork's copy, so ru_maxrss is never below this script's own peak RSS. That is
printed too (self_maxrss_kb): a tree maximum not above it says only "no
process of the tree was bigger than this script".

--tracefs runs CMD in a private mount namespace with tracefs mounted on
/sys/kernel/tracing (what `unshare -m sh -c 'mount -t tracefs ...'` does).
This script moves itself into that namespace before it starts the clock, so
the set-up is not timed and CMD is spawned the same way (vfork) as without
the option. The host's mounts are untouched.

Prints one line on stdout, the figures in this order:

    wall_ms hwm_kb rss_kb steady_kb tree_maxrss_kb cpu_ms self_maxrss_kb

Whatever CMD wrote on stderr is passed on to our stderr, prefixed with
"note: ". Exit status: 0 on success, 1 when CMD exited or timed out before
it was ready.
"""

import argparse
import ctypes
import os
import resource
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time

CLONE_NEWNS = 0x00020000
MS_REC = 0x4000
MS_PRIVATE = 0x40000


def mount_tracefs_privately():
    """Moves this process into a mount namespace of its own, with tracefs on
    /sys/kernel/tracing. Returns None, or what failed."""
    libc = ctypes.CDLL(None, use_errno=True)
    steps = (
        ("unshare(CLONE_NEWNS)", lambda: libc.unshare(CLONE_NEWNS)),
        ("make / private", lambda: libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None)),
        ("mount tracefs", lambda: libc.mount(b"nodev", b"/sys/kernel/tracing", b"tracefs", ctypes.c_ulong(0), None)),
    )
    for what, call in steps:
        if call() != 0:
            return f"{what}: {os.strerror(ctypes.get_errno())}"
    return None


def proc_status(pid):
    """VmHWM and VmRSS of pid, in kB (0 when the process is gone)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out.get("VmHWM", 0), out.get("VmRSS", 0)


def wait_ready(fd, prefix, deadline):
    """Reads fd until a line starts with prefix. Returns the monotonic time at
    which that line arrived, or None on EOF or timeout."""
    buf = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        now = time.monotonic()
        if not chunk:
            return None
        buf += chunk
        lines = buf.split(b"\n")
        buf = lines.pop()          # the incomplete last line, if any
        if any(line.startswith(prefix) for line in lines):
            return now


def drain(fd, deadline):
    """Reads fd to EOF (or deadline) so the child never blocks on a full pipe."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready or not os.read(fd, 65536):
            return


def stop(pid, fd, grace):
    """SIGINT, drain, wait; SIGKILL after grace seconds. Returns the rusage."""
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    drain(fd, time.monotonic() + grace)
    for _ in range(int(grace * 20)):
        wpid, _, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            return ru
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return os.wait4(pid, 0)[2]


def main():
    ap = argparse.ArgumentParser(description="time a program until its readiness line")
    ap.add_argument("--ready", default="", help="prefix of the readiness line on stdout (default: any line)")
    ap.add_argument("--settle", type=float, default=0.0, help="seconds to wait after readiness before the steady-state RSS")
    ap.add_argument("--tracefs", action="store_true", help="run in a private mount namespace with tracefs mounted")
    ap.add_argument("--timeout", type=float, default=60.0, help="give up when not ready after this many seconds")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")

    if args.tracefs:
        problem = mount_tracefs_privately()
        if problem:
            print(f"measure-start: cannot mount tracefs privately: {problem}", file=sys.stderr)
            return 1

    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        except OSError as e:
            print(f"measure-start: cannot run {cmd[0]}: {e.strerror}", file=sys.stderr)
            return 1
        fd = proc.stdout.fileno()
        ready_at = wait_ready(fd, args.ready.encode(), start + args.timeout)
        hwm = rss = steady = 0
        if ready_at is not None:
            hwm, rss = proc_status(proc.pid)
            steady = rss
            if args.settle > 0:
                time.sleep(args.settle)
                _, steady = proc_status(proc.pid)
        ru = stop(proc.pid, fd, grace=10.0)
        proc.returncode = 0          # reaped by hand above; keep Popen quiet
        proc.stdout.close()
        err.seek(0)
        for line in err.read().decode(errors="replace").splitlines():
            if line.strip():
                print(f"note: {os.path.basename(cmd[0])}: {line.strip()}", file=sys.stderr)

    if ready_at is None:
        print(f"measure-start: {shlex.join(cmd)}: exited or timed out before printing a line "
              f"starting with {args.ready!r}", file=sys.stderr)
        return 1
    cpu_ms = (ru.ru_utime + ru.ru_stime) * 1000
    self_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{(ready_at - start) * 1000:.2f} {hwm} {rss} {steady} {ru.ru_maxrss} {cpu_ms:.1f} {self_maxrss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
