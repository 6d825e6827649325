"""Writes build/bench/report.md and its gnuplot PNG plots from the results."""
import os
import subprocess
import time

# name, unit, description, target (op, value) or None, peer field or None
FIGURES = [
    ("mips_cpu", "M instr/s", "guest instruction rate, CPU-bound bare-metal program", None, "mips_cpu_qemu"),
    ("guest_bench_score", "MIPS", "7-Zip's LZMA benchmark rating in the lean Linux guest (best of 3; `guest_bench_name`)", None, "guest_bench_score_qemu"),
    ("guest_bench_ratio", "", "guest_bench_score / guest_bench_score_qemu", (">=", 1.0), None),
    ("guest_bench_score_native", "MIPS", "the same benchmark natively on the host (x86-64): the physical limit", None, None),
    ("boot_s", "s", "start to busybox shell prompt, `rvcp boot` (median)", None, "boot_s_qemu"),
    ("boot_ratio", "", "boot_s / boot_s_qemu", ("<=", 1.0), None),
    ("debian_kernel_boot_s", "s", "Debian's stock kernel, busybox initramfs, start to shell prompt (median)", None, "debian_kernel_boot_s_qemu"),
    ("debian_kernel_boot_cpu_s", "s", "host CPU (user + system) of that boot (median)", None, "debian_kernel_boot_cpu_s_qemu"),
    ("debian_kernel_boot_ratio", "", "debian_kernel_boot_s / debian_kernel_boot_s_qemu", ("<=", 0.8), None),
    ("ipl_name_ms", "ms", "IPL of a saved system in use to the guest's first instruction (median)", ("<", 5), None),
    ("ipl_name_first_ms", "ms", "the same for the IPL that activates it (data checksums checked)", None, None),
    ("shell_ipl_disk_s", "s", "IPL 200 to a shell answering (median)", None, None),
    ("shell_ipl_lxshr_s", "s", "IPL LXSHR to a shell answering (median)", None, None),
    ("resume_shell_ms", "ms", "IPL of a saved booted guest to a shell answering (median)", ("<", 50), None),
    ("pss_kib_per_guest_1", "KiB", "PSS of the VM processes / N, N = 1", None, None),
    ("pss_kib_per_guest_10", "KiB", "N = 10", None, None),
    ("pss_kib_per_guest_100", "KiB", "N = 100", None, None),
    ("pss_kib_per_guest_1000", "KiB", "N = 1000", ("<=", 512), None),
    ("pss_kib_per_guest_10000", "KiB", "N = 10000 (`make stress`)", ("<=", 400), None),
    ("rss_kib_per_guest_1", "KiB", "RSS of the VM processes / N, N = 1", None, None),
    ("rss_kib_per_guest_10", "KiB", "N = 10", None, None),
    ("rss_kib_per_guest_100", "KiB", "N = 100", None, None),
    ("rss_kib_per_guest_1000", "KiB", "N = 1000", None, None),
    ("rss_kib_per_guest_10000", "KiB", "N = 10000", None, None),
    ("cp_rss_kib_1000", "KiB", "RSS of CP with 1000 guests", None, None),
    ("cp_rss_kib_10000", "KiB", "RSS of CP with 10000 guests", None, None),
    ("autolog_s_to_1000", "s", "first AUTOLOG to the 1000th answered (resuming LXBOOT)", None, None),
    ("autolog_s_to_10000", "s", "first AUTOLOG to the 10000th answered", ("<=", 15), None),
    ("logon_ms_p99_1000", "ms", "a LOGON with 1000 guests there, 99th percentile of 100", ("<=", 50), None),
    ("logon_ms_p99_10000", "ms", "the same with 10000 guests", ("<=", 50), None),
    ("ssi_ipl_fetch_ms", "ms", "IPL LXSHR at an SSI member that fetches it first: cluster asked, file fetched and checked, IPL to the first instruction (median)", None, None),
    ("idle_cpu_pct_1000", "% of a core", "host CPU of 1000 idle guests (and CP) over 30 s, once settled", ("<", 25), None),
    ("dcss_pss_kib_per_guest_100", "KiB", "PSS / guest, 100 guests running the same programs from a DCSS (-o dax)", None, "nodcss_pss_kib_per_guest_100"),
    ("nodcss_pss_kib_per_guest_100", "KiB", "the same programs from each guest's own minidisk", None, None),
    ("dcss_first_run_ms", "ms", "first run of the program from the DCSS (send to answer)", None, "nodcss_first_run_ms"),
    ("nodcss_first_run_ms", "ms", "first run of the program from the guest's own minidisk", None, None),
    ("settle_cpu_pct_1000", "% of a core", "the 10 s right after the 1000th AUTOLOG (resumed guests run their due timers)", None, None),
]


def _met(value, target):
    op, limit = target
    return {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[op]


def _plot(out, name, script):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       capture_output=True, cwd=out)
        return name
    except (OSError, subprocess.CalledProcessError):
        return None


def _plots(out, results, series):
    made = []
    if "boot_rvcp" in series and "boot_qemu" in series:
        with open(os.path.join(out, "boot.dat"), "w") as f:
            for i, (a, b) in enumerate(zip(series["boot_rvcp"], series["boot_qemu"])):
                f.write("%d %.3f %.3f\n" % (i + 1, a, b))
        made.append(_plot(out, "boot.png", """
set terminal png size 800,400
set output 'boot.png'
set title 'Boot to shell prompt, alternating runs'
set xlabel 'run'; set ylabel 'seconds'; set yrange [0:*]
plot 'boot.dat' using 1:2 with linespoints title 'rvcp', '' using 1:3 with linespoints title 'qemu (TCG)'
"""))
    ns = [n for n in (1, 10, 100, 1000, 10000) if "pss_kib_per_guest_%d" % n in results]
    if ns:
        with open(os.path.join(out, "memory.dat"), "w") as f:
            for n in ns:
                f.write("%d %s %s\n" % (n, results["pss_kib_per_guest_%d" % n],
                                        results.get("rss_kib_per_guest_%d" % n, "NaN")))
        made.append(_plot(out, "memory.png", """
set terminal png size 800,400
set output 'memory.png'
set title 'Host memory per idle guest'
set logscale x; set xlabel 'guests'; set ylabel 'KiB per guest'; set yrange [0:*]
plot 'memory.dat' using 1:2 with linespoints title 'PSS', '' using 1:3 with linespoints title 'RSS'
"""))
    if "mips_cpu" in results and "mips_cpu_qemu" in results:
        with open(os.path.join(out, "mips.dat"), "w") as f:
            f.write("rvcp %s\nqemu %s\n" % (results["mips_cpu"], results["mips_cpu_qemu"]))
        made.append(_plot(out, "mips.png", """
set terminal png size 600,400
set output 'mips.png'
set title 'Guest instructions per second, CPU-bound program'
set style fill solid; set boxwidth 0.5; set ylabel 'million/s'; set yrange [0:*]
plot 'mips.dat' using 0:2:xtic(1) with boxes notitle
"""))
    return [m for m in made if m]


def write(out, results, series, notes):
    lines = ["# rvcp benchmark report", "",
             "Measured by `make bench` on %s, %s (%d cores)." % (
                 os.uname().nodename, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                 os.cpu_count()), "",
             "| figure | value | unit | what | target | peer |", "|---|---|---|---|---|---|"]
    for name, unit, what, target, peer in FIGURES:
        if name not in results:
            continue
        v = results[name]
        t = ""
        if target:
            t = "%s %s: %s" % (target[0], target[1], "met" if _met(v, target) else "NOT met")
        p = ""
        if peer and peer in results and results[peer]:
            p = "%s = %s (ratio %.2f)" % (peer, results[peer], v / results[peer])
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % (name, v, unit, what, t, p))
    missing = [f[0] for f in FIGURES if f[0] not in results]
    if missing:
        lines += ["", "Not measured in this run: " + ", ".join("`%s`" % m for m in missing) + "."]
    if notes:
        lines += ["", "## Notes", ""] + ["- " + n for n in notes]
    plots = _plots(out, results, series)
    if plots:
        lines += ["", "## Plots", ""] + ["![%s](%s)" % (p, p) for p in plots]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
