#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of raftlog-bench-plot.py: JSON lines of raftlog-bench in, an SVG
that parses, with one series per mode and size, its points at the right
place for their depth and figures, and the floor as a line; prefixes and
lines that are not JSON are skipped; no runs at all is an error."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

PLOT = sys.argv[1]
NS = "{http://www.w3.org/2000/svg}"
passed = failed = 0


def check(name, cond):
    global passed, failed
    print(("ok" if cond else "not ok") + " - " + name)
    if cond:
        passed += 1
    else:
        failed += 1


def run(inp, *args):
    return subprocess.run([sys.executable, PLOT, *args], input=inp,
                          capture_output=True, text=True)


def run_json(mode, depth, ops, p50, p99, size=256, dev="/dev/raftlog1"):
    return json.dumps({"device": dev, "mode": mode, "depth": depth,
                       "size": size, "ops_per_s": ops,
                       "latency_us": {"p50": p50, "p99": p99}})


lines = ["# a comment, not JSON", "# json " + run_json("floor", 1, 1000, 800, 4000),
         "garbage {not json"]
for d, ops in ((1, 200), (64, 6000), (1024, 11000)):
    lines.append("# json " + run_json("uring", d, ops, 4000 * d ** 0.5, 9000 * d ** 0.5))
    lines.append(run_json("write", d, ops / 2, 5000 * d ** 0.5, 9999 * d ** 0.5))
r = run("\n".join(lines) + "\n", "-t", "test figures")
check("exits 0 on raftlog-bench JSON lines", r.returncode == 0)
try:
    root = ET.fromstring(r.stdout)
except ET.ParseError:
    root = None
check("the output is well-formed SVG", root is not None and root.tag == NS + "svg")
if root is not None:
    series = [e for e in root.iter(NS + "polyline")]
    names = sorted({e.get("data-series") for e in series})
    check("two series (uring and write, 256 B), three lines each: throughput, p50, p99",
          names == ["uring, 256 B", "write, 256 B"] and len(series) == 6)
    pts = [[tuple(map(float, p.split(","))) for p in e.get("points").split()]
           for e in series]
    check("each line has a point per depth, left to right",
          all(len(p) == 3 and p[0][0] < p[1][0] < p[2][0] for p in pts))
    uring_ops = pts[0]
    check("more proposals/s is higher up (smaller y)",
          uring_ops[0][1] > uring_ops[1][1] > uring_ops[2][1])
    xs = [p[0] for p in uring_ops]
    check("depth is on a log2 axis (1, 64, 1024: gaps of 6 and 4 doublings)",
          abs((xs[1] - xs[0]) / (xs[2] - xs[1]) - 6 / 4) < 0.01)
    p50, p99 = pts[1], pts[2]
    check("p99 lies above p50 at every depth",
          all(b[1] < a[1] for a, b in zip(p50, p99)))
    floors = [e for e in root.iter(NS + "line") if e.get("class") == "floor"]
    check("the floor run is a horizontal line in both panels",
          len(floors) == 2 and all(e.get("y1") == e.get("y2") for e in floors))
    texts = " ".join(t.text or "" for t in root.iter(NS + "text"))
    check("title, depths and the floor's figures are labelled",
          "test figures" in texts and "1024" in texts and "1000/s" in texts)
r = run("nothing here\n")
check("no runs: an error, not an empty plot",
      r.returncode != 0 and "no raftlog-bench JSON" in r.stderr)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
