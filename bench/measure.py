#!/usr/bin/env python3
"""bench/measure.py: the measuring and reporting half of bench/run.sh (python3 standard library only).

  measure.py run --name NAME --tool TOOL --runs N --budget SECONDS --out FILE [--ok CODES] -- COMMAND...
      Runs COMMAND once under /usr/bin/time -f %M for its peak memory (maximum resident set, KiB),
      then up to N times for its wall time (at least once; no new run once BUDGET seconds have
      passed). Timed runs are spawned directly (posix_spawn, standard output to FILE, standard
      error to FILE.err) and reaped with wait4(), and the clock runs around spawn and wait: the
      whole process, exec, dynamic loading, the work, writing the output and exit. The memory run
      also counts as a timed run when it took more than a second (time's own fork is noise there),
      so the slowest rows are not run once more for nothing.
      Why not the ru_maxrss of our own children: a child spawned by Python starts from Python's
      resident set (about 10 MiB), which would hide drlc's 4 MiB; GNU time forks from a small
      process. Without /usr/bin/time (Debian package `time`), the memory is that of our own child,
      an upper bound, and the report says so.
      Appends one tab-separated line to the results file (--results, default results.tsv): name,
      tool, median ms, min ms, max ms, peak KiB, bytes of FILE (or of --bytes FILE2, for a command
      that writes elsewhere), runs, memory method. Exits 1, after printing FILE.err, when an exit
      status is not in CODES (default 0).
  measure.py same A B
      Exits 0 when the JSON files A and B hold the same data (key order aside), else prints the
      first difference and exits 1.
  measure.py count KEY=FILE...
      Writes resources.tsv: for each KEY, the number of resources in the template FILE.
  measure.py report RESULTS
      Prints the Markdown table, the scaling check and the targets of bench/README.md (resource
      counts from resources.tsv in the current directory).
"""
import json
import os
import platform
import shutil
import statistics
import sys
import time

MIB = 1024.0
TIME = "/usr/bin/time"


def parse_run_args(argv):
    opts = {"--runs": "5", "--budget": "30", "--ok": "0", "--results": "results.tsv"}
    i = 0
    while i < len(argv) and argv[i] != "--":
        if i + 1 >= len(argv):
            sys.exit("measure.py: option %s needs a value" % argv[i])
        opts[argv[i]] = argv[i + 1]
        i += 2
    command = argv[i + 1:]
    for required in ("--name", "--tool", "--out"):
        if required not in opts:
            sys.exit("measure.py run: %s is required" % required)
    if not command:
        sys.exit("measure.py run: no command after --")
    return opts, command



def spawn_once(command, out, err):
    """(seconds, ru_maxrss KiB, exit code) of one run of command."""
    path = shutil.which(command[0])
    if path is None:
        sys.exit("measure.py: %s: not found" % command[0])
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(path, command, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def check_status(command, code, ok, err):
    if code not in ok:
        sys.stderr.write("measure.py: %s exited with status %d:\n" % (" ".join(command), code))
        with open(err, errors="replace") as f:
            sys.stderr.write(f.read()[-4000:])
        sys.exit(1)


def memory_run(command, out, err, ok):
    """(seconds, peak KiB, method) of one run of command, under GNU time when there is one."""
    if not os.access(TIME, os.X_OK):
        elapsed, rss, code = spawn_once(command, out, err)
        check_status(command, code, ok, err)
        return elapsed, rss, "upper bound (no /usr/bin/time)"
    report = out + ".mem"
    elapsed, _, code = spawn_once([TIME, "-f", "%M", "-o", report, "--"] + command, out, err)
    check_status(command, code, ok, err)
    with open(report) as f:
        lines = f.read().split()  # after a non-zero status, GNU time writes a line before %M
    return elapsed, int(lines[-1]), "time -f %M"


def run(argv):
    opts, command = parse_run_args(argv)
    runs, budget = int(opts["--runs"]), float(opts["--budget"])
    ok = {int(c) for c in opts["--ok"].split(",")}
    out, err = opts["--out"], opts["--out"] + ".err"
    started = time.perf_counter()  # the budget counts the memory run too
    elapsed, peak, method = memory_run(command, out, err, ok)
    times = [elapsed * 1000.0] if elapsed > 1.0 else []
    while len(times) < runs and (not times or time.perf_counter() - started < budget):
        elapsed, _, code = spawn_once(command, out, err)
        check_status(command, code, ok, err)
        times.append(elapsed * 1000.0)
    size = os.path.getsize(opts.get("--bytes", out))
    row = [opts["--name"], opts["--tool"], "%.3f" % statistics.median(times), "%.3f" % min(times),
           "%.3f" % max(times), str(peak), str(size), str(len(times)), method]
    with open(opts["--results"], "a") as f:
        f.write("\t".join(row) + "\n")
    print("  %-8s %-9s median %9.1f ms (min %9.1f, %2d runs)  %7.1f MiB  %11s bytes" % (
        opts["--name"], opts["--tool"], statistics.median(times), min(times), len(times), peak / MIB,
        "{:,}".format(size)))


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return "%s: %s against %s" % (path, type(a).__name__, type(b).__name__)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in %s" % (path, k, "the second" if k not in a else "the first")
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
    elif isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items against %d" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
    elif a != b:
        return "%s: %r against %r" % (path, str(a)[:80], str(b)[:80])
    return None


def same(a_path, b_path):
    with open(a_path) as fa, open(b_path) as fb:
        d = first_difference(json.load(fa), json.load(fb))
    if d:
        print("%s and %s differ at %s" % (a_path, b_path, d))
        sys.exit(1)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%d CPUs (nproc), %s, Linux %s" % (len(os.sched_getaffinity(0)), model, platform.release())


def report(results_path):
    rows, methods = {}, set()
    with open(results_path) as f:
        for line in f:
            name, tool, med, lo, hi, kib, size, runs, method = line.rstrip("\n").split("\t")
            rows[(name, tool)] = dict(ms=float(med), lo=float(lo), hi=float(hi), mib=int(kib) / MIB,
                                      bytes=int(size), runs=int(runs))
            methods.add(method)
    resources = {}
    if os.path.exists("resources.tsv"):
        with open("resources.tsv") as f:
            for line in f:
                k, v = line.split()
                resources[k] = int(v)

    print("Machine: %s; load average %.2f %.2f %.2f at the end of the run" % ((machine(),) + os.getloadavg()))
    print("Wall time: of the whole process, median of the runs (their number in parentheses, with the fastest);"
          " peak memory: %s." % (
              "maximum resident set from GNU time -f %M" if methods == {"time -f %M"} else
              "ru_maxrss of a child of Python, an upper bound (no /usr/bin/time)"))
    print()

    def cell(r):
        return "%s (%s, %d)" % (fmt_ms(r["ms"]), fmt_ms(r["lo"]), r["runs"])

    print("| workload | resources | drlc: median (min, runs) | drlc MiB | drlc bytes | peer | peer: median (min, runs)"
          " | peer MiB | peer bytes | time drlc/peer | memory drlc/peer |")
    print("|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|")
    table = [("payment", "payment stack (examples/payment.drl)", "jsonnet"),  # its peer: jsonnet N=1
             ("n1", "N=1", "jsonnet"), ("n10", "N=10", "jsonnet"), ("n100", "N=100", "jsonnet"),
             ("n1000", "N=1000", "jsonnet"), ("check", "validation of the payment stack", "cfn-lint")]
    for key, label, peer in table:
        d, p = rows.get((key, "drlc")), rows.get(("n1" if key == "payment" else key, peer))
        if not d or not p:
            continue
        n = resources.get(key, resources.get("n1"))
        print("| %s | %s | %s | %.1f | %s | %s | %s | %.1f | %s | %s | %s |" % (
            label, n if n is not None else "?", cell(d), d["mib"], fmt_int(d["bytes"]),
            "cfn-lint on the template" if key == "check" else "jsonnet N=1" if key == "payment" else peer,
            cell(p), p["mib"], fmt_int(p["bytes"]), ratio(d["ms"], p["ms"]), ratio(d["mib"], p["mib"])))
    print()
    print("Validation: drlc --check on the source (parse, expand, every check, no output) against cfn-lint"
          " on the template drlc wrote; bytes are what each printed.")

    written = [(n, rows.get(("n%d" % n, "drlc")), rows.get(("o-n%d" % n, "drlc"))) for n in (1, 1000)]
    if any(o for _, _, o in written):
        print()
        print("Writing the template: standard output (a file in the run's directory) against -o FILE"
              " (temporary file, fsync, rename):")
        print()
        print("| N | stdout: median (min, runs) | -o FILE: median (min, runs) | -o costs |")
        print("|--:|--:|--:|--:|")
        for n, d, o in written:
            if d and o:
                print("| %d | %s | %s | %+.1f ms |" % (n, cell(d), cell(o), o["ms"] - d["ms"]))

    # Scaling: per resource, from N=100 to N=1000.
    d100, d1000 = rows.get(("n100", "drlc")), rows.get(("n1000", "drlc"))
    scale = None
    if d100 and d1000 and resources.get("n100") and resources.get("n1000"):
        r100, r1000 = resources["n100"], resources["n1000"]
        scale = d1000["ms"] / d100["ms"]
        print()
        print("Scaling of drlc from N=100 to N=1000 (x%d resources):" % round(r1000 / r100))
        print()
        print("| N | resources | us per resource | KiB per resource |")
        print("|--:|--:|--:|--:|")
        for n, r, d in ((100, r100, d100), (1000, r1000, d1000)):
            print("| %d | %d | %.1f | %.1f |" % (n, r, d["ms"] * 1000.0 / r, d["mib"] * 1024.0 / r))
        print()
        print("time N=1000 / N=100 = %.1f (linear: 10); memory N=1000 / N=100 = %.1f" % (
            scale, d1000["mib"] / d100["mib"]))

    # Targets: report, never fail.
    print()
    print("Targets (PASS/MISS; the run does not fail on a MISS):")
    print()
    checks = []
    pay = rows.get(("payment", "drlc"))
    if pay:
        checks.append((pay["ms"] <= 5.0, "payment stack, whole process: %s, fastest %s "
                       "(target <= 5 ms: %.2fx the target)" % (fmt_ms(pay["ms"]), fmt_ms(pay["lo"]), pay["ms"] / 5.0)))
    if d1000:
        checks.append((d1000["ms"] <= 500.0, "N=1000 wall time: %s, fastest %s (target <= 500 ms: %.2fx the target)"
                       % (fmt_ms(d1000["ms"]), fmt_ms(d1000["lo"]), d1000["ms"] / 500.0)))
        checks.append((d1000["mib"] <= 150.0, "N=1000 peak memory: %.1f MiB (target <= 150 MiB: %.2fx the target)" % (
            d1000["mib"], d1000["mib"] / 150.0)))
    if scale is not None:
        checks.append((scale <= 11.0, "linear in N: N=1000 takes %.1fx N=100 (target <= 11x)" % scale))
    for key, want in (("n1000", 20.0), ("n1", 8.0)):
        d, j = rows.get((key, "drlc")), rows.get((key, "jsonnet"))
        if d and j:
            checks.append((j["ms"] / d["ms"] >= want, "%s: %.1fx faster than jsonnet (target >= %gx)" % (
                key.replace("n", "N="), j["ms"] / d["ms"], want)))
    d, c = rows.get(("check", "drlc")), rows.get(("check", "cfn-lint"))
    if d and c:
        checks.append((c["ms"] / d["ms"] >= 100.0, "--check: %.0fx faster than cfn-lint (target >= 100x)" % (
            c["ms"] / d["ms"])))
    for good, text in checks:
        print("- %s %s" % ("PASS" if good else "MISS", text))


def fmt_ms(ms):
    return "%.1f ms" % ms if ms < 100 else "%.0f ms" % ms if ms < 10000 else "%.1f s" % (ms / 1000.0)


def fmt_int(n):
    return "{:,}".format(n)


def ratio(a, b):
    return "%.3f" % (a / b) if b else "-"


def count_resources(paths):
    """Writes resources.tsv: KEY COUNT for each KEY=FILE."""
    with open("resources.tsv", "w") as out:
        for arg in paths:
            key, path = arg.split("=", 1)
            with open(path) as f:
                out.write("%s %d\n" % (key, len(json.load(f).get("Resources", {}))))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "run":
        run(args)
    elif cmd == "same" and len(args) == 2:
        same(*args)
    elif cmd == "count" and args:
        count_resources(args)
    elif cmd == "report" and len(args) == 1:
        report(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
