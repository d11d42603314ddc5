#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""raftlog-bench-plot: throughput and commit latency against depth, as SVG.

    raftlog-bench-plot.py [-o OUT.svg] [-t TITLE] [FILE...]

Reads the JSON lines raftlog-bench --json prints (from FILEs or standard
input; anything before a line's first "{" is ignored, so the "# json "
lines of the guest's figure scripts work as they are, and lines that are
not JSON are skipped).  Runs are grouped by mode and entry size into
series; each series is drawn against the depth (proposals in flight, a
log2 axis): acknowledged proposals per second in the upper panel, p50
(solid) and p99 (dashed) commit latency in the lower one (log axis).  A
run of mode "floor" (the raw device, raftlog-bench -m floor) is drawn as
a horizontal line in both panels: its write+flush rate and latencies are
what the group's figures compare with.  Needs only Python 3.
"""
import argparse
import json
import math
import sys

W, H = 760, 620
LEFT, RIGHT = 80, 200
PANELS = ((40, 250), (340, 250))  # (top, height) of throughput, latency
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
          "#8c564b", "#e377c2", "#17becf")


def read_runs(streams):
    runs = []
    for f in streams:
        for line in f:
            i = line.find("{")
            if i < 0:
                continue
            try:
                r = json.loads(line[i:])
            except ValueError:
                continue
            if isinstance(r, dict) and "mode" in r and "depth" in r:
                runs.append(r)
    return runs


def series_of(runs):
    """{(mode, size): [(depth, ops, p50, p99)]} and the floor runs."""
    series, floors = {}, []
    for r in runs:
        lat = r.get("latency_us", {})
        pt = (int(r["depth"]), float(r.get("ops_per_s", 0)),
              float(lat.get("p50", 0)), float(lat.get("p99", 0)))
        if r["mode"] == "floor":
            floors.append((r, pt))
            continue
        series.setdefault((r["mode"], int(r.get("size", 0))), []).append(pt)
    for pts in series.values():
        pts.sort()
    return series, floors


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def nice_max(v):
    if v <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e:
            return m * e
    return 10 * e


class Panel:
    def __init__(self, top, height, xmin, xmax, ymin, ymax, logy):
        self.top, self.height = top, height
        self.x0, self.x1 = math.log2(xmin), math.log2(xmax)
        if self.x1 == self.x0:
            self.x1 += 1
        self.logy = logy
        self.y0 = math.log10(ymin) if logy else ymin
        self.y1 = math.log10(ymax) if logy else ymax
        if self.y1 == self.y0:
            self.y1 += 1

    def x(self, depth):
        f = (math.log2(depth) - self.x0) / (self.x1 - self.x0)
        return LEFT + f * (W - LEFT - RIGHT)

    def y(self, v):
        v = math.log10(max(v, 1e-9)) if self.logy else v
        f = (v - self.y0) / (self.y1 - self.y0)
        return self.top + self.height - f * self.height


def axes(out, p, depths, yticks, ylabel):
    bottom = p.top + p.height
    out.append(f'<rect x="{LEFT}" y="{p.top}" width="{W - LEFT - RIGHT}" '
               f'height="{p.height}" fill="none" stroke="#444"/>')
    for d in depths:
        x = p.x(d)
        out.append(f'<line x1="{x:.1f}" y1="{p.top}" x2="{x:.1f}" '
                   f'y2="{bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 15}" font-size="11" '
                   f'text-anchor="middle">{d}</text>')
    for v, label in yticks:
        y = p.y(v)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" '
                   f'y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" '
                   f'text-anchor="end">{esc(label)}</text>')
    out.append(f'<text x="16" y="{p.top + p.height / 2:.0f}" font-size="12" '
               f'transform="rotate(-90 16 {p.top + p.height / 2:.0f})" '
               f'text-anchor="middle">{esc(ylabel)}</text>')
    out.append(f'<text x="{(LEFT + W - RIGHT) / 2:.0f}" y="{bottom + 32}" '
               f'font-size="12" text-anchor="middle">'
               f'proposals in flight (depth)</text>')


def fmt_us(v):
    return f"{v / 1000:g} ms" if v >= 1000 else f"{v:g} us"


def render(runs, title):
    series, floors = series_of(runs)
    if not series and not floors:
        raise SystemExit("raftlog-bench-plot: no raftlog-bench JSON runs")
    depths = sorted({pt[0] for pts in series.values() for pt in pts} or {1})
    ops_max = max([pt[1] for pts in series.values() for pt in pts] +
                  [pt[1] for _, pt in floors] + [1])
    lats = [v for pts in series.values() for pt in pts for v in pt[2:]
            if v > 0] + [v for _, pt in floors for v in pt[2:] if v > 0]
    lo = 10 ** math.floor(math.log10(min(lats))) if lats else 1
    hi = 10 ** math.ceil(math.log10(max(lats))) if lats else 10
    if hi <= lo:
        hi = lo * 10
    top = nice_max(ops_max)
    tp = Panel(*PANELS[0], depths[0], depths[-1], 0, top, False)
    lp = Panel(*PANELS[1], depths[0], depths[-1], lo, hi, True)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" '
           f'height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2:.0f}" y="22" font-size="15" '
           f'text-anchor="middle">{esc(title)}</text>']
    axes(out, tp, depths, [(top * k / 4, f"{top * k / 4:g}")
                           for k in range(5)], "acknowledged proposals/s")
    ticks, v = [], lo
    while v <= hi * 1.0001:
        ticks.append((v, fmt_us(v)))
        v *= 10
    axes(out, lp, depths, ticks, "commit latency (p50 solid, p99 dashed)")
    legend_y = PANELS[0][0] + 10
    for k, ((mode, size), pts) in enumerate(sorted(series.items())):
        c = COLORS[k % len(COLORS)]
        name = f"{mode}, {size} B"
        for panel, idx, dash in ((tp, 1, ""), (lp, 2, ""),
                                 (lp, 3, ' stroke-dasharray="6 4"')):
            xy = " ".join(f"{panel.x(p[0]):.1f},{panel.y(p[idx]):.1f}"
                          for p in pts)
            out.append(f'<polyline class="series" data-series="{esc(name)}"'
                       f' points="{xy}" fill="none" stroke="{c}" '
                       f'stroke-width="2"{dash}/>')
            for p in pts:
                out.append(f'<circle cx="{panel.x(p[0]):.1f}" '
                           f'cy="{panel.y(p[idx]):.1f}" r="2.5" '
                           f'fill="{c}"/>')
        out.append(f'<line x1="{W - RIGHT + 12}" y1="{legend_y}" '
                   f'x2="{W - RIGHT + 34}" y2="{legend_y}" stroke="{c}" '
                   f'stroke-width="2"/>')
        out.append(f'<text x="{W - RIGHT + 40}" y="{legend_y + 4}" '
                   f'font-size="11">{esc(name)}</text>')
        legend_y += 18
    for k, (r, pt) in enumerate(floors):
        name = f"floor: {r.get('device', '?')}"
        for panel, v in ((tp, pt[1]), (lp, pt[2])):
            y = panel.y(v)
            out.append(f'<line class="floor" x1="{LEFT}" y1="{y:.1f}" '
                       f'x2="{W - RIGHT}" y2="{y:.1f}" stroke="#555" '
                       f'stroke-dasharray="2 3"/>')
        out.append(f'<text x="{W - RIGHT + 12}" y="{legend_y + 4}" '
                   f'font-size="11" fill="#555">{esc(name)} '
                   f'({pt[1]:.0f}/s, p50 {fmt_us(pt[2])})</text>')
        legend_y += 18
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", help="SVG file (default: stdout)")
    ap.add_argument("-t", "--title", default="raftlog-bench")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    streams = [open(f, encoding="utf-8") for f in a.files] or [sys.stdin]
    svg = render(read_runs(streams), a.title)
    if a.output:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(svg)
    else:
        sys.stdout.write(svg)


if __name__ == "__main__":
    main()
