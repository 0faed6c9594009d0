#!/bin/sh
# The source tree's layering (docs/ARCHITECTURE.md), checked on this build:
# - no include cycle and no call cycle between modules (a module: X.c and
#   X.h; calls read from the built objects' symbol tables with nm);
# - each folder includes only the folders below it (the table in
#   ARCHITECTURE.md);
# - a --disable-bpf build compiles nothing of src/bpf/.
exec python3 - "${top_srcdir:-${srcdir:-.}}" "${top_builddir:-.}" <<'PY'
import os, re, subprocess, sys
src = os.path.join(os.path.abspath(sys.argv[1]), "src")
build = os.path.abspath(sys.argv[2])
bad = []

# Which folders each folder may include (and call into). tcptop.c is main.
ALLOWED = {
    "core":   {"core", "config"},
    "config": {"config", "core"},
    "ui":     {"ui", "core", "config"},
    "pcap":   {"pcap", "core", "config", "linux", "darwin"},   # Attribution.h, implemented per OS
    "linux":  {"linux", "core", "pcap"},
    "darwin": {"darwin", "core", "pcap"},
    "bpf":    {"bpf", "core", "config", "linux"},
    "export": {"export", "core", "config"},                    # reaches the loop through Monitor's hook
    "":       {"", "core", "config", "ui", "pcap", "bpf", "export"},
}

def folder(module):
    return module.split("/")[0] if "/" in module else ""

# ---- includes ---------------------------------------------------------------
inc = {}
for root, _, files in os.walk(src):
    for f in files:
        if not re.search(r"\.(c|h|cpp)$", f):
            continue
        path = os.path.join(root, f)
        mod = os.path.relpath(path, src).rsplit(".", 1)[0]
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m or m.group(1) == "config.h" or m.group(1).startswith("../"):
                continue
            target = m.group(1).rsplit(".", 1)[0]
            if target != mod:
                inc.setdefault(mod, set()).add(target)
            if folder(target) not in ALLOWED.get(folder(mod), set()) and not (f == "tcptop.c" and root == src):
                bad.append("%s includes %s: %s/ may not use %s/" % (os.path.relpath(path, src), m.group(1),
                           folder(mod) or "src", folder(target)))

# ---- calls (symbols defined and used by each built object) ------------------
def objects():
    """The members of libtcptop.a, each with the object file built for it."""
    lib = os.path.join(build, "libtcptop.a")
    members = subprocess.run(["ar", "t", lib], capture_output=True, text=True).stdout.split()
    for member in members:
        if not member.startswith("libtcptop_a-"):
            continue
        name = member[len("libtcptop_a-"):-2]
        found = [os.path.join(r, member) for r, _, fs in os.walk(os.path.join(build, "src")) if member in fs]
        # linux/ and darwin/ share names; a build has one: the newest object
        found.sort(key=os.path.getmtime)
        if found:
            rel = os.path.relpath(os.path.dirname(found[-1]), os.path.join(build, "src"))
            yield found[-1], (name if rel == "." else rel + "/" + name)

defs, uses = {}, {}
for obj, mod in objects():
    out = subprocess.run(["nm", "-g", obj], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            uses.setdefault(mod, set()).add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCV":
            defs[parts[2]] = mod
if not defs:
    bad.append("no objects found under %s/src: build first" % build)
calls = {}
for mod, syms in uses.items():
    for s in syms:
        if s in defs and defs[s] != mod:
            calls.setdefault(mod, {}).setdefault(defs[s], s)
for mod, targets in calls.items():
    for t, sym in targets.items():
        if folder(t) not in ALLOWED.get(folder(mod), set()):
            bad.append("%s calls %s (%s): %s/ may not use %s/" % (mod, sym, t, folder(mod) or "src", folder(t)))

def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1
        stack.append(v); on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out

for comp in cycles({m: set(t) for m, t in inc.items()}):
    bad.append("include cycle: " + " <-> ".join(comp))
for comp in cycles({m: set(t) for m, t in calls.items()}):
    detail = ", ".join("%s->%s (%s)" % (a, b, calls[a][b]) for a in comp for b in comp if b in calls.get(a, {}))
    bad.append("call cycle: " + detail)

# ---- the --disable-bpf build ------------------------------------------------
config_h = open(os.path.join(build, "config.h")).read()
if not re.search(r"^#define HAVE_BPF 1", config_h, re.M):
    built = [m for _, m in objects() if folder(m) == "bpf"]
    if built:
        bad.append("--disable-bpf build compiled src/bpf/: " + ", ".join(built))

for b in bad:
    print("layering: " + b)
print("layering: %d modules, %d include edges, %d call edges: %s" % (
    len(set(inc) | set(calls)), sum(len(v) for v in inc.values()), sum(len(v) for v in calls.values()),
    "bad" if bad else "ok"))
sys.exit(1 if bad else 0)
PY
