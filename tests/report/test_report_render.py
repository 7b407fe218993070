#!/usr/bin/env python3
"""report.html renders in headless Chromium with no console errors, and its charts are drawn
(bars and points have a size on the page). Usage: test_report_render.py QLOOP"""
import os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ARCH = os.path.join(HERE, "..", "..", "examples", "alexnet-conv1-3level", "arch.yaml")
NET = """network:
  name: Tiny
  layers:
  - {name: conv1, type: conv, in_channels: 3, out_channels: 16, input: 16, kernel: 3, padding: 1}
  - {name: fc, type: fc, in_features: 256, out_features: 10}
"""
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0", "--window-size=1200,2000"]
# After layout, count chart marks whose box on the page is not empty, and say so on the console.
MEASURE = """<script>
window.addEventListener('load', () => {
  const marks = [...document.querySelectorAll('svg.chart rect.bar, svg.chart circle.point')];
  const drawn = marks.filter(m => { const b = m.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
  const charts = document.querySelectorAll('svg.chart').length;
  console.log(`qloop-check charts=${charts} marks=${marks.length} drawn=${drawn.length}`);
});
</script>"""


# Category labels of the widest chart: neighbours must not overlap (boxes after layout).
MEASURE_LABELS = """<script>
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg.chart')];
  const labels = [...charts[0].querySelectorAll('text.category')].map(t => t.getBoundingClientRect());
  let overlaps = 0;
  for (let i = 1; i < labels.length; ++i) if (labels[i].left < labels[i - 1].right - 0.5) ++overlaps;
  console.log(`qloop-labels count=${labels.length} overlaps=${overlaps}`);
});
</script>"""


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not installed (./test.sh installs Debian's chromium)"
    return path


def render(page, screenshot):
    profile = tempfile.mkdtemp(prefix="qloop-chromium-")
    r = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={screenshot}",
                        "file://" + os.path.abspath(page)], capture_output=True, text=True, timeout=120)
    return [l for l in r.stderr.splitlines() if ":CONSOLE" in l]


def main(qloop):
    d = tempfile.mkdtemp(prefix="qloop-report-")
    open(os.path.join(d, "net.yaml"), "w").write(NET)
    open(os.path.join(d, "mapper.yaml"), "w").write("mapper: {victory-condition: 200, time-limit: 5}\n")
    out = os.path.join(d, "out")
    r = subprocess.run([qloop, "sweep", os.path.join(d, "net.yaml"), ARCH, os.path.join(d, "mapper.yaml"),
                        "--bits", "W8A8,W4A8", "-o", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    report = os.path.join(out, "report.html")

    # The detector itself works: a page with a script error does produce a console line.
    broken = os.path.join(d, "broken.html")
    open(broken, "w").write("<html><body><script>undefined_function();</script></body></html>")
    assert any("Uncaught" in l for l in render(broken, os.path.join(d, "broken.png"))), "console capture is broken"

    errors = render(report, os.path.join(d, "report.png"))
    assert errors == [], f"console messages: {errors}"
    assert os.path.getsize(os.path.join(d, "report.png")) > 10000, "the screenshot is empty"

    measured = os.path.join(out, "measured.html")
    open(measured, "w").write(open(report).read().replace("</body>", MEASURE + "</body>"))
    lines = render(measured, os.path.join(d, "measured.png"))
    found = [re.search(r"qloop-check charts=(\d+) marks=(\d+) drawn=(\d+)", l) for l in lines]
    found = [m for m in found if m]
    assert found, f"no measurement logged: {lines}"
    charts, marks, drawn = map(int, found[0].groups())
    # One sweep chart (2 configurations x 4 components) and one per-layer chart per configuration.
    assert charts == 3, charts
    assert marks == 2 * 4 + 2 * (2 * 4), marks
    assert drawn >= marks - 2, (drawn, marks)  # a component with zero energy in a layer has no height
    print(f"report renders: {charts} charts, {drawn} of {marks} marks drawn, no console errors")
    check_many_layers(qloop, d)
    check_explore(qloop, d)


def check_many_layers(qloop, d):
    """A 100-layer network's chart keeps its layer labels apart (the chart grows wider)."""
    layers = "".join(f"  - {{name: block{i:03d}_conv, type: conv, in_channels: 4, out_channels: 4, input: 4, kernel: 1}}\n"
                     for i in range(100))
    open(os.path.join(d, "long.yaml"), "w").write("network:\n  name: Long\n  layers:\n" + layers)
    out = os.path.join(d, "long")
    r = subprocess.run([qloop, "network", os.path.join(d, "long.yaml"), ARCH, os.path.join(d, "mapper.yaml"), "-o", out],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    measured = os.path.join(out, "measured.html")
    open(measured, "w").write(open(os.path.join(out, "report.html")).read().replace("</body>", MEASURE_LABELS + "</body>"))
    lines = render(measured, os.path.join(d, "long.png"))
    found = [m for m in (re.search(r"qloop-labels count=(\d+) overlaps=(\d+)", l) for l in lines) if m]
    assert found, f"no measurement logged: {lines}"
    count, overlaps = map(int, found[0].groups())
    assert count == 100 and overlaps == 0, (count, overlaps)
    print(f"100-layer chart: {count} labels, none overlapping")


# The explore report's heat map: every cell has a size on the page, one per layer, operand and
# front point; and a reference line (the float model's accuracy) when there is one.
MEASURE_HEAT_MAP = """<script>
window.addEventListener('load', () => {
  const cells = [...document.querySelectorAll('svg.heat-map rect.cell')];
  const drawn = cells.filter(c => { const b = c.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
  const lines = [...document.querySelectorAll('svg.chart line.reference')].filter(l => l.getBoundingClientRect().width > 0);
  const points = document.querySelectorAll('svg.chart circle.point').length;
  console.log(`qloop-heat cells=${cells.length} drawn=${drawn.length} reference=${lines.length} points=${points}`);
});
</script>"""


def measure_explore_report(report, d):
    """(cells, drawn, reference lines, points) of an explore report rendered in Chromium, after
    checking that it logs no console error."""
    assert render(report, os.path.join(d, "explore.png")) == [], "console messages"
    measured = os.path.join(d, "explore-measured.html")
    open(measured, "w").write(open(report).read().replace("</body>", MEASURE_HEAT_MAP + "</body>"))
    lines = render(measured, os.path.join(d, "explore-measured.png"))
    found = [m for m in (re.search(r"qloop-heat cells=(\d+) drawn=(\d+) reference=(\d+) points=(\d+)", l)
                         for l in lines) if m]
    assert found, f"no measurement logged: {lines}"
    return tuple(map(int, found[0].groups()))


def check_explore(qloop, d):
    out = os.path.join(d, "explore")
    r = subprocess.run([qloop, "explore", os.path.join(d, "net.yaml"), ARCH, os.path.join(d, "mapper.yaml"),
                        "--population", "4", "--offspring", "4", "--generations", "2", "--bits-set", "2,4,8",
                        "-o", out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import json
    front = [p for p in json.load(open(os.path.join(out, "explore.json")))["front"] if p["complete"]]
    cells, drawn, reference, points = measure_explore_report(os.path.join(out, "report.html"), d)
    assert cells == 2 * 2 * len(front) and drawn == cells, (cells, drawn, len(front))  # 2 layers x W, I
    assert reference == 0 and points > 0  # the proxy has no float model to draw
    print(f"explore report: {drawn} heat-map cells for {len(front)} front points")


if __name__ == "__main__":
    main(sys.argv[1])
