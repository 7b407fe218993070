"""examples/python keeps working: the DSE script's quick grid writes its table and chart."""
import csv
import os
import subprocess
import sys

from conftest import ROOT


def test_dse_example_writes_csv_and_chart(tmp_path):
    script = os.path.join(ROOT, "examples", "python", "dse.py")
    r = subprocess.run([sys.executable, script, "--quick", "-o", str(tmp_path)], capture_output=True, text=True,
                       env=os.environ)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(open(tmp_path / "dse.csv")))
    assert [(float(r["buffer_KiB"]), int(r["weight_bits"])) for r in rows] == [(32, 16), (32, 4), (128, 16), (128, 4)]
    assert all(float(r["energy_uJ"]) > 0 for r in rows)
    png = (tmp_path / "dse.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
