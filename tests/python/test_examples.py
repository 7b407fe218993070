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


def test_llm_decode_example_splits_energy_per_token_by_class_and_context(tmp_path):
    script = os.path.join(ROOT, "examples", "python", "llm_decode.py")
    r = subprocess.run([sys.executable, script, "--quick", "-o", str(tmp_path)], capture_output=True, text=True,
                       env=os.environ)
    assert r.returncode == 0, r.stderr
    rows = {(int(r["context"]), r["config"]): r for r in csv.DictReader(open(tmp_path / "llm_decode.csv"))}
    assert len(rows) == 8
    # Llama-2-7B without its embedding table: 6,607,077,376 weights; 32 layers of K and V, 4096 wide.
    weights = 6_607_077_376
    assert round(float(rows[(2048, "W16A16")]["weight_GB"]) * 1e9) == weights * 2
    assert round(float(rows[(2048, "W4A16")]["weight_GB"]) * 1e9) == weights // 2
    assert round(float(rows[(32768, "W4A16")]["kv_GB"]) * 1e9) == 32 * 2 * 4096 * 32768 * 2
    assert round(float(rows[(32768, "W4A16KV4")]["kv_GB"]) * 1e9) == 32 * 2 * 4096 * 32768 // 2
    # A decoded token reads every weight from HBM once at least: 16 words per 256-bit access of
    # 3.9 pJ/bit (HBM2), so 998.4 pJ per 16 weights at 16 bits, per 64 at 4 bits.
    floor_w16 = weights / 16 * 998.4 / 1e9
    assert floor_w16 <= float(rows[(2048, "W16A16")]["weights_mJ"]) <= floor_w16 * 1.01
    assert floor_w16 / 4 <= float(rows[(2048, "W4A16")]["weights_mJ"]) <= floor_w16 / 4 * 1.01
    # And the whole KV cache: at 32k tokens it outweighs the 4-bit weights, and KV4 costs a quarter.
    kv16 = float(rows[(32768, "W4A16")]["kv_mJ"])
    assert kv16 >= 32 * 2 * 4096 * 32768 / 16 * 998.4 / 1e9
    assert kv16 > 4 * float(rows[(32768, "W4A16")]["weights_mJ"])
    assert abs(float(rows[(32768, "W4A16KV4")]["kv_mJ"]) - kv16 / 4) < kv16 * 1e-3
    png = (tmp_path / "llm_decode.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
