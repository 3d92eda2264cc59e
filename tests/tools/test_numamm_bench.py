#!/usr/bin/env python3
"""tests/tools/test_numamm_bench.py TOOL PART - checks of tools/numamm-bench on synthetic data.

PART: compare       text table: a 2x slowdown is SLOWER, a change within the noise is "same",
                    a clear speed-up is "faster", a skipped benchmark says so, exit 0
      compare_json  --json: the same verdicts, ratios and noise thresholds as numbers
      plot          `plot DIR` on a summary with memmap figures only: memmap PNG and SVG made,
                    the other plots skipped with a note in report.md (exit 77 without gnuplot)
      perf_parse    parse_perf_stat() on perf 6.1 output with a <not supported> line
Exit 0 pass, 1 fail, 77 skip. Python 3 standard library only.
"""
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOOL = sys.argv[1]
PART = sys.argv[2]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def load_tool():
    loader = importlib.machinery.SourceFileLoader("numamm_bench", TOOL)
    spec = importlib.util.spec_from_loader("numamm_bench", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def gbench(runs, unit="ns", real_time=False):
    """Google Benchmark JSON: runs = {name: [per-repetition times]} (None = error)."""
    bs = []
    for name, times in runs.items():
        if times is None:
            bs.append({"name": name, "run_name": name, "run_type": "iteration",
                       "repetitions": 3, "repetition_index": 0, "threads": 1,
                       "error_occurred": True, "error_message": "no hugepages"})
            continue
        for i, t in enumerate(times):
            bs.append({"name": name, "run_name": name, "run_type": "iteration",
                       "repetitions": len(times), "repetition_index": i, "threads": 1,
                       "iterations": 1000, "real_time": t, "cpu_time": t * 0.9,
                       "time_unit": unit})
        n = len(times)
        if n < 2:
            continue
        mean = sum(times) / n
        sd = (sum((t - mean) ** 2 for t in times) / (n - 1)) ** 0.5
        med = sorted(times)[n // 2]
        for agg, v in (("mean", mean), ("median", med), ("stddev", sd), ("cv", sd / mean)):
            scale = 1 if agg == "cv" else 1
            bs.append({"name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate",
                       "aggregate_name": agg, "aggregate_unit": "percentage" if agg == "cv"
                       else "time", "repetitions": n, "threads": 1, "iterations": n,
                       "real_time": v * scale, "cpu_time": (v if agg == "cv" else v * 0.9),
                       "time_unit": unit})
    return {"context": {"date": "synthetic", "num_cpus": 2}, "benchmarks": bs}


def write_dir(d, subjects, rev):
    os.makedirs(d)
    for subject, data in subjects.items():
        with open(os.path.join(d, f"{subject}.json"), "w") as f:
            json.dump(data, f)
    with open(os.path.join(d, "machine.json"), "w") as f:
        json.dump({"host": "synthetic", "git_revision": rev, "date": "2026-01-01"}, f)


def make_compare_dirs(tmp):
    # A: the baseline. "steady" has 1% noise, "noisy" 10%, "boot" runs on real time in ms,
    # "iters_only" has repetitions but no aggregates, "hugetlb" was skipped.
    a = {"steady/op": [100.0, 101.0, 99.0], "noisy/op": [90.0, 100.0, 110.0],
         "gone/op": [50.0, 50.0, 50.0], "quicker/op": [200.0, 202.0, 198.0],
         "hugetlb/op": None}
    slow = {"steady/op": [200.0, 202.0, 198.0],          # 2x slower, noise 1%: SLOWER
            "noisy/op": [108.0, 120.0, 132.0],           # 1.2x, noise 10% -> 30%: same
            "quicker/op": [100.0, 101.0, 99.0],          # 0.5x: faster
            "new/op": [1.0, 1.0, 1.0], "hugetlb/op": None}
    same = {"steady/op": [102.0, 103.0, 101.0],          # +2% < 5%: same
            "noisy/op": [95.0, 105.0, 115.0],            # +5% in 10% noise: same
            "quicker/op": [204.0, 206.0, 202.0], "hugetlb/op": None}
    boot_a = {"numamm/shmem/touch/MiB:256/real_time": [600.0, 610.0, 590.0]}
    boot_slow = {"numamm/shmem/touch/MiB:256/real_time": [1200.0, 1220.0, 1180.0]}
    write_dir(os.path.join(tmp, "A"), {"synth": gbench(a), "boot": gbench(boot_a, "ms")}, "aaaa")
    write_dir(os.path.join(tmp, "B_slow"), {"synth": gbench(slow), "boot": gbench(boot_slow, "ms")},
              "bbbb")
    write_dir(os.path.join(tmp, "B_same"), {"synth": gbench(same), "boot": gbench(boot_a, "ms")},
              "cccc")
    # Iterations only (no aggregates): the noise comes from the repetitions themselves.
    it = gbench({"x/op": [100.0, 100.0, 100.0]})
    it["benchmarks"] = [b for b in it["benchmarks"] if b["run_type"] == "iteration"]
    it2 = gbench({"x/op": [150.0, 150.0, 150.0]})
    it2["benchmarks"] = [b for b in it2["benchmarks"] if b["run_type"] == "iteration"]
    write_dir(os.path.join(tmp, "I_a"), {"it": it}, "i1")
    write_dir(os.path.join(tmp, "I_b"), {"it": it2}, "i2")


def run(*args):
    p = subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def line_of(text, name):
    return next((l for l in text.splitlines() if l.startswith(name + " ")), "")


def part_compare(tmp):
    make_compare_dirs(tmp)
    rc, out, err = run("compare", f"{tmp}/A", f"{tmp}/B_slow")
    print(out, err)
    check(rc == 0, "compare exits 0 with a slowdown")
    check("SLOWER" in line_of(out, "synth:steady/op") and "2.000" in line_of(out, "synth:steady/op"),
          "2x slowdown of a steady benchmark: ratio 2.000, SLOWER")
    check(line_of(out, "synth:noisy/op").rstrip().endswith("same"),
          "1.2x on a 10%-noise benchmark is within 3 x cv: same")
    check(line_of(out, "synth:quicker/op").rstrip().endswith("faster"), "0.5x: faster")
    check("SLOWER" in line_of(out, "boot:numamm/shmem/touch/MiB:256/real_time"),
          "real_time benchmark in ms: 2x slower")
    check("skipped" in line_of(out, "synth:hugetlb/op"), "skipped benchmark reported as skipped")
    check("only in A (1): synth:gone/op" in out, "benchmark only in A listed")
    check("only in B (1): synth:new/op" in out, "benchmark only in B listed")
    rc, out, err = run("compare", f"{tmp}/A", f"{tmp}/B_same")
    print(out, err)
    check(rc == 0, "compare exits 0 within noise")
    check("SLOWER" not in out and "faster" not in out.replace("faster,", ""),
          "run within noise: nothing flagged")
    check("0 faster, 0 slower, 4 same, 1 skipped" in out, "summary line counts")
    rc, out, err = run("compare", f"{tmp}/I_a", f"{tmp}/I_b")
    print(out, err)
    check("SLOWER" in line_of(out, "it:x/op"), "iterations without aggregates: 1.5x SLOWER")
    rc, out, err = run("compare", f"{tmp}/A", f"{tmp}/nonexistent")
    check(rc == 2, "missing directory: exit 2")


def part_compare_json(tmp):
    make_compare_dirs(tmp)
    rc, out, err = run("compare", "--json", f"{tmp}/A", f"{tmp}/B_slow")
    check(rc == 0, "compare --json exits 0")
    try:
        c = json.loads(out)
    except ValueError:
        check(False, f"compare --json prints JSON: {out[:200]} {err}")
        return
    by = {r["name"]: r for r in c["benchmarks"]}
    s = by.get("synth:steady/op", {})
    check(abs(s.get("ratio", 0) - 2.0) < 1e-9 and s.get("verdict") == "slower",
          "steady: ratio 2.0, slower")
    check(abs(s.get("noise", 0) - 0.05) < 1e-9, "steady: noise threshold is the 5% floor")
    n = by.get("synth:noisy/op", {})
    check(abs(n.get("noise", 0) - 0.3) < 1e-6 and n.get("verdict") == "same",
          f"noisy: threshold 3 x cv = 0.30 ({n.get('noise')}), same")
    check(by.get("synth:quicker/op", {}).get("verdict") == "faster", "quicker: faster")
    check(by.get("synth:hugetlb/op", {}).get("verdict") == "skipped", "hugetlb: skipped")
    check(c["counts"] == {"slower": 2, "same": 1, "faster": 1, "skipped": 1},
          f"counts {c['counts']}")
    check(c["a"]["git_revision"] == "aaaa" and c["b"]["git_revision"] == "bbbb",
          "git revisions from machine.json")
    rc, out, err = run("compare", "--json", "--filter", "^boot:", f"{tmp}/A", f"{tmp}/B_same")
    c = json.loads(out)
    check([r["name"] for r in c["benchmarks"]] == ["boot:numamm/shmem/touch/MiB:256/real_time"]
          and c["benchmarks"][0]["verdict"] == "same", "--filter and an unchanged benchmark")


def part_plot(tmp):
    if not shutil.which("gnuplot"):
        print("skip: gnuplot not installed")
        sys.exit(77)
    d = os.path.join(tmp, "R")
    os.makedirs(d)
    ops = [{"name": f"memmap/{op}/threads:{t}", "op": op, "threads": t, "ns_per_op": v * t}
           for t in (1, 2) for op, v in (("baseline", 0.7), ("__pa", 0.8), ("page_to_pfn", 20.0))]
    ops.append({"name": "memmap/x/threads:1", "op": "x", "threads": 1, "skipped": "no"})
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump({"subjects": {"memmap": {"ops": ops}, "boot": {"numamm": [], "raw": []}}}, f)
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write("# report\n\ntables\n")
    rc, out, err = run("plot", d)
    print(out, err)
    check(rc == 0, "plot exits 0")
    for ext in ("png", "svg", "dat", "gp"):
        p = os.path.join(d, "plots", f"memmap.{ext}")
        check(os.path.exists(p) and os.path.getsize(p) > 0, f"plots/memmap.{ext} written")
    png = open(os.path.join(d, "plots", "memmap.png"), "rb").read(8)
    check(png == b"\x89PNG\r\n\x1a\n", "memmap.png is a PNG")
    check("<svg" in open(os.path.join(d, "plots", "memmap.svg")).read(), "memmap.svg is SVG")
    dat = open(os.path.join(d, "plots", "memmap.dat")).read().splitlines()
    check(dat[1:] == ["baseline 0.7 1.4", "__pa 0.8 1.6", "page_to_pfn 20.0 40.0"],
          f"memmap.dat rows: {dat[1:]}")
    check(not os.path.exists(os.path.join(d, "plots", "boot_ms_per_GiB.png")),
          "no boot plot without boot figures")
    rep = open(os.path.join(d, "report.md")).read()
    check(rep.startswith("# report\n\ntables\n"), "report.md keeps its tables")
    check("![Memory map conversions: ns per op](plots/memmap.png)" in rep, "report embeds the PNG")
    check("(plots/memmap.svg)" in rep, "report links the SVG")
    for what in ("boot ms/GiB", "page_alloc order-0 pairs", "page_alloc buddy"):
        check(f"- skipped: {what}" in rep, f"report notes the skipped plot: {what}")
    rc, out, err = run("plot", d)
    rep2 = open(os.path.join(d, "report.md")).read()
    check(rep2.count("## Plots") == 1, "plot twice: the Plots section is replaced, not repeated")


def part_perf_parse(tmp):
    m = load_tool()
    text = """
 Performance counter stats for 'build/bench/bench-memmap --benchmark_filter=^x$':

          1,234.56 msec task-clock                       #    0.998 CPUs utilized
                12      context-switches                 #    9.720 /sec
                 1      cpu-migrations                   #    0.810 /sec
            66,051      page-faults                      #   53.502 K/sec
             5,000      sdt_numamm:mm_page_alloc
   <not supported>      instructions

       1.237054467 seconds time elapsed
"""
    c = m.parse_perf_stat(text)
    print(c)
    check(c.get("task-clock") == 1234.56, "task-clock in ms")
    check(c.get("page-faults") == 66051 and c.get("context-switches") == 12
          and c.get("cpu-migrations") == 1, "software counts")
    check(c.get("sdt_numamm:mm_page_alloc") == 5000, "tracepoint count")
    check("instructions" in c and c["instructions"] is None, "<not supported> is None")
    check("seconds" not in c, "elapsed time line is not an event")


with tempfile.TemporaryDirectory(prefix="numamm-bench-test.") as tmp:
    {"compare": part_compare, "compare_json": part_compare_json, "plot": part_plot,
     "perf_parse": part_perf_parse}[PART](tmp)
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
