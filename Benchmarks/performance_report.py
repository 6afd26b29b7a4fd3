"""docs/performance.md and its bar chart from the raw figures Benchmarks/suite.py collected.

    .venv/bin/python Benchmarks/performance_report.py docs/performance.json   # re-renders both

Ratios are Rampart ÷ the other: for a rate (instances/s, MB/s) above 1 means Rampart is faster,
for a latency or a memory size below 1 means Rampart is faster or smaller. The issue's targets are
computed here as met / not met; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RAMPART = "rampart serve"
ORTHANC = "orthanc"
STORESCP = "dcmtk storescp"
NOT_YET = "not measured yet"
MILLION = "1,000,000 instances"


def number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def ratio(mine, theirs) -> str:
    return f"{mine / theirs:.2f}" if mine and theirs else "–"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(row) + " |" for row in rows), ""]


def ingest_rate(report: dict, server: str, associations: int) -> dict | None:
    return next((r for r in report["ingest"]["results"] if r["server"] == server and r["associations"] == associations
                 and "instances_per_s" in r), None)


def limits_section(report: dict) -> list[str]:
    limits = report["limits"]
    lines = []
    lines += table(["measurement", "result"], [
        [f"`dd if=/dev/zero bs=1M count={limits['dd_mb']} conv=fdatasync`", f"{number(limits['dd_write_mb_s'])} MB/s"],
        [f"{limits['small_files']:,} files of {limits['small_file_bytes'] // 1024} KiB, each written, fsync'd, renamed, folder fsync'd",
         f"{number(limits['small_files_per_s'])} files/s, {number(limits['small_files_mb_s'])} MB/s"],
    ])

    return lines


def ingest_section(report: dict) -> list[str]:
    ingest = report["ingest"]
    lines = []
    lines += [f"{ingest['instances']:,} CT images of 512 × 512 × 16 bits ({ingest['bytes'] / 1e6:,.1f} MB) sent by DCMTK "
              "`storescu` (TCP_NODELAY=1), over one association and over four at once. Rampart answers once the object, its "
              "folder entry, its index entry and the audit record of the store are synced to disk (four syncs); storescp "
              "writes the files and syncs nothing; Orthanc (its SQLite index, filesystem storage, compression off) syncs "
              "each file, and its index only at checkpoints (strace, Orthanc 1.10 as Debian ships it).", ""]
    rows = []
    for r in ingest["results"]:
        mine = ingest_rate(report, RAMPART, r["associations"])
        if "instances_per_s" in r:
            rows.append([str(r["associations"]), r["server"], number(r["instances_per_s"]), number(r["mb_per_s"]),
                         ratio(mine and mine["instances_per_s"], r["instances_per_s"]), number(r["peak_rss_mb"], 0)])
        else:
            rows.append([str(r["associations"]), r["server"], r["failure"] or "failed", "", "", ""])
    rows += [["–", name, "not installed", "", "", ""] for name in ingest["missing"]]
    lines += table(["associations", "server", "instances/s", "MB/s", "Rampart ÷ server", "peak RSS (MB)"], rows)
    if usable(report, "limits"):
        return lines
    limits, limit_rows = report["limits"], []
    for associations in (1, 4):
        mine = ingest_rate(report, RAMPART, associations)
        if mine:
            limit_rows.append([str(associations), ratio(mine["instances_per_s"], limits["small_files_per_s"]),
                               ratio(mine["mb_per_s"], limits["dd_write_mb_s"])])
    lines += ["Rampart ÷ the disk's limits:", ""]
    lines += table(["associations", "instances/s ÷ fsync'd files/s", "MB/s ÷ dd MB/s"], limit_rows)
    return lines


def first_answer(figures: dict) -> str:
    """The p50 time to the first response (absent from reports made before it was measured)."""
    return number(figures.get("first_answer_p50_ms"), 2)


def cfind_section(report: dict) -> list[str]:
    query = report["query"]
    lines = []
    lines += [f"Each server holds the generator's {query['instances']:,} instances ({query['studies']:,} studies). One "
              f"association (pynetdicom, Study Root) sends {query['queries_per_batch']} queries of each kind, varied over "
              f"the collection, after one warm-up; the batch is repeated {query['repeat']} times and the table gives the "
              "median over the batches of the p50 and p95, in milliseconds, client-side, and the answers of one batch. "
              "pynetdicom's own cost is in every figure: the C-ECHO row (a round trip with no query) is that floor. "
              "Answer counts differ only where the servers' matching rules do (the suite works around pynetdicom's "
              "lost responses, issue 875).", ""]
    rows = []
    kinds = next(iter(query["cfind"].values()), {}).keys()
    for kind in kinds:
        mine = query["cfind"].get(RAMPART, {}).get(kind)
        for server, figures in query["cfind"].items():
            f = figures[kind]
            rows.append([kind, server, number(f["p50_ms"], 2), number(f["p95_ms"], 2), first_answer(f), f"{f['answers']:,}",
                         ratio(mine and mine["p50_ms"], f["p50_ms"])])
    rows += [["all", name, "not installed", "", "", "", ""] for name in query["missing"]]
    rows += [["all", name, f"failed: {why}", "", "", "", ""] for name, why in query.get("server_failures", {}).items()]
    lines += table(["query", "server", "p50 (ms)", "p95 (ms)", "first answer p50 (ms)", "answers", "Rampart ÷ server (p50)"], rows)
    for server, held in query.get("held", {}).items():
        if held < query["instances"]:
            lines += [f"{server} held only the collection's first {held:,} instances (its flat index file loads in quadratic "
                      "time; see suite.py), so its answers are fewer and its times not like for like.", ""]
    differing = [kind for kind in kinds if len({figures[kind]["answers"] for figures in query["cfind"].values()}) > 1]
    if differing:
        lines += [f"Answer counts differ between servers for: {', '.join(differing)} (see above; compare the servers' "
                  "matching rules before comparing their times).", ""]
    loads = [[server, number(seconds)] for server, seconds in query["load_seconds"].items()]
    lines += ["Loading the collection (not a like-for-like figure: Rampart by `rampart import`, Orthanc by four `storescu` "
              "associations, dcmqrscp by copying the files and `dcmqridx`):", ""]
    lines += table(["server", "seconds"], loads)
    return lines


def scale_section(report: dict) -> list[str]:
    scale = report["scale"]
    lines = [f"`rampart serve` on an index of {scale['instances']:,} instances filled by `rampart index bulk-load` (the "
             "generator's distribution, real index records, no objects: a query benchmark only), on each index back end. "
             f"One association sends {scale['queries_per_batch']} STUDY-level queries of each kind after one warm-up, "
             f"the batch repeated {scale['repeat']} times, as above. The peers have no bulk loader and are not measured "
             "at this size.", ""]
    rows, loads = [], []
    for name, backend in scale["backends"].items():
        if "failed" in backend:
            rows.append(["all", name, f"failed: {backend['failed']}", "", "", ""])
            continue
        for kind, f in backend["cfind"].items():
            rows.append([kind, name, number(f["p50_ms"], 2), number(f["p95_ms"], 2), first_answer(f), f"{f['answers']:,}"])
        load = backend["load"]
        loads.append([name, f"{load['instances']:,}", f"{load['studies']:,}", number(load["seconds"]), number(load["instances_per_s"], 0),
                      number(backend["serve_ready_seconds"]), number(backend["peak_rss_mb"], 0)])
    lines += table(["query", "index", "p50 (ms)", "p95 (ms)", "first answer p50 (ms)", "answers"], rows)
    lines += table(["index", "instances", "studies", "bulk load (s)", "instances/s", "serve listening after (s)",
                    "serve peak RSS (MB)"], loads)
    return lines


def dicomweb_section(report: dict) -> list[str]:
    query = report["query"]
    lines = []
    lines += [f"Over the same servers and collection, plain HTTP on loopback, a credential required by both (Rampart a "
              f"bearer token, Orthanc HTTP Basic); each search {query['queries_per_batch']} times after a warm-up on one "
              "keep-alive connection. dcmqrscp has no DICOMweb.", ""]
    rows = []
    searches = next(iter(query["qido"].values()), {}).get("queries", {}).keys()
    for label in searches:
        mine = query["qido"].get(RAMPART, {}).get("queries", {}).get(label)
        for server, figures in query["qido"].items():
            f = figures["queries"][label]
            rows.append([label, server, number(f["p50_ms"], 2), number(f["p95_ms"], 2), str(f["answers"]),
                         ratio(mine and mine["p50_ms"], f["p50_ms"])])
    lines += table(["QIDO-RS search", "server", "p50 (ms)", "p95 (ms)", "answers", "Rampart ÷ server (p50)"], rows)
    rows = []
    mine = query["qido"].get(RAMPART, {}).get("wado", {})
    for server, figures in query["qido"].items():
        w = figures["wado"]
        if "refused" in w:
            rows.append([server, f"not served (HTTP {w['refused']})", "", "", ""])
        else:
            rows.append([server, str(w["studies"]), number(w["instances_per_s"]), number(w["mb_per_s"]),
                         ratio(mine.get("instances_per_s"), w["instances_per_s"])])
    lines += table(["WADO-RS, whole studies", "studies", "instances/s", "MB/s", "Rampart ÷ server"], rows)

    return lines


def peak_section(report: dict) -> list[str]:
    lines = []
    lines += ["VmHWM (peak resident set) of the server process, read from /proc before it is stopped. For the forking DCMTK "
              "servers it is the largest live process: storescp's association children have ended by then, dcmqrscp's is "
              "read while its association is open.", ""]
    ingest = {"results": []} if usable(report, "ingest") else report["ingest"]
    query = {"peak_rss_mb": {}, "instances": 0} if usable(report, "query") else report["query"]
    servers = sorted({r["server"] for r in ingest["results"]} | set(query["peak_rss_mb"]), key=lambda s: (s != RAMPART, s))
    rows = []
    for server in servers:
        peaks = [r["peak_rss_mb"] for r in ingest["results"] if r["server"] == server and r["peak_rss_mb"]]
        rows.append([server, number(max(peaks), 0) if peaks else "–", number(query["peak_rss_mb"].get(server), 0)])
    lines += table(["server", "ingest (largest run, MB)", f"holding {query['instances']:,} instances, after the queries (MB)"], rows)

    return lines


def usable(report: dict, section: str) -> str | None:
    """None when `section` has figures, else what to print in its place."""
    figures = report.get(section)
    if figures is None:
        return "Not run in this suite run (`--only`)."
    if "failed" in figures:
        return f"**Failed**: {figures['failed']} (the other sections ran; see the suite's log)."
    return None


def scale_backends(report: dict) -> dict:
    return {} if usable(report, "scale") else {name: b for name, b in report["scale"]["backends"].items() if "failed" not in b}


def targets(report: dict) -> list[list[str]]:
    rows = []
    if not usable(report, "ingest"):
        for associations in (1, 4):
            mine = ingest_rate(report, RAMPART, associations)
            for peer, wanted, text in ((ORTHANC, 2.0, "ingest ≥ 2 × Orthanc"), (STORESCP, 0.7, "ingest ≥ 70 % of storescp")):
                theirs = ingest_rate(report, peer, associations)
                if mine and theirs:
                    value = mine["instances_per_s"] / theirs["instances_per_s"]
                    rows.append([f"{text}, {associations} association(s)", f"{value:.2f} ×", "met" if value >= wanted else "not met"])
                else:
                    rows.append([f"{text}, {associations} association(s)", "–", "not measured (a server failed or is missing)"])
    query = None if usable(report, "query") else report["query"]
    cfind = query["cfind"].get(RAMPART, {}) if query else {}
    if cfind:
        worst = max(figures["p50_ms"] for kind, figures in cfind.items() if not kind.startswith("C-ECHO"))
        rows.append([f"C-FIND p50 < 5 ms, at {query['instances']:,} instances (slowest query kind)", f"{worst:.2f} ms",
                     "met" if worst < 5 else "not met"])
    scale = scale_backends(report)
    for name, backend in scale.items():
        worst = max(f["p50_ms"] for kind, f in backend["cfind"].items() if not kind.startswith("C-ECHO"))
        rows.append([f"C-FIND p50 < 5 ms, at {report['scale']['instances']:,} instances, {name} (slowest query kind)",
                     f"{worst:.2f} ms", "met" if worst < 5 else "not met"])
    if not scale:
        rows.append([f"C-FIND p50 < 5 ms, at {MILLION}", NOT_YET, usable(report, "scale") or "every back end failed"])
    peaks = [r["peak_rss_mb"] for r in report["ingest"]["results"] if r["server"] == RAMPART and r["peak_rss_mb"]] if not usable(report, "ingest") else []
    peaks += [query["peak_rss_mb"].get(RAMPART)] if query and query["peak_rss_mb"].get(RAMPART) else []
    if peaks and query:
        rows.append([f"RSS < 250 MB, with {query['instances']:,} indexed (largest peak of the run)", f"{max(peaks):.0f} MB",
                     "met" if max(peaks) < 250 else "not met"])
    for name, backend in scale.items():
        if backend.get("peak_rss_mb"):
            rows.append([f"RSS < 250 MB, with {report['scale']['instances']:,} indexed, {name}", f"{backend['peak_rss_mb']:.0f} MB",
                         "met" if backend["peak_rss_mb"] < 250 else "not met"])
    if not scale:
        rows.append([f"RSS < 250 MB, with {MILLION} indexed", NOT_YET, usable(report, "scale") or "every back end failed"])
    return rows


def markdown(report: dict, chart: Path | None, chart_note: str) -> str:
    repeat = next((report[s]["repeat"] for s in ("ingest", "query", "scale") if not usable(report, s)), "several")
    lines = []
    if report["quick"]:
        lines += ["# Performance — QUICK RUN (`--quick`): a check of the pipeline, NOT the real figures", "",
                  "> Small counts, and possibly a debug build: these numbers say nothing about Rampart's speed.",
                  "> `make bench` (release build, full sizes) writes the real document.", ""]
    else:
        lines += ["# Performance", ""]
    lines += [f"Written by Benchmarks/suite.py (`make bench`) on {report['date']}, commit `{report['commit'][:12]}`, in "
              f"{report['elapsed_seconds']['total'] / 60:.1f} minutes. Every figure is the median of {repeat} runs; "
              "the raw figures are in [performance.json](performance.json). Each server ran on a fresh data folder on "
              "loopback, started and stopped by the suite, one at a time.", "",
              "Ratios are Rampart ÷ the other: for rates above 1 means Rampart is faster; for latencies and memory below 1 "
              "means Rampart is faster or smaller.", ""]
    # A section run again later (`suite.py --only`), its figures put in place of the first run's.
    for again in report.get("remeasured", []):
        lines += [f"The {again['section']} section was run again on {again['date']}, commit `{again['commit'][:12]}`, and its "
                  f"figures replace the first run's: {again['why']}", ""]
    # What a reader must know of a section that was not run again.
    lines += [line for note in report.get("notes", []) for line in (note, "")]

    lines += ["## Targets (issue 14)", ""] + table(["target", "measured", "result"], targets(report))

    m = report["machine"]
    lines += ["## Machine and versions", ""]
    lines += table(["CPU", "cores", "RAM", "kernel", "data disk"],
                   [[m["cpu"], str(m["cores"]), f"{m['ram_gib']} GiB", m["kernel"], m["disk"]]])
    lines += table(["software", "version"], [[name, version] for name, version in report["versions"].items()])

    for title, section, render in (("Physical limits of the data disk", "limits", limits_section),
                                   ("Ingest (C-STORE)", "ingest", ingest_section),
                                   ("C-FIND latency (STUDY level)", "query", cfind_section),
                                   ("C-FIND at index scale (bulk-loaded index)", "scale", scale_section),
                                   ("DICOMweb (QIDO-RS and WADO-RS)", "query", dicomweb_section)):
        why = usable(report, section)
        lines += [f"## {title}", ""] + ([why, ""] if why else render(report))
    lines += ["## Peak memory", ""] + peak_section(report)

    lines += ["## Chart", ""]
    lines += [f"![Ingest, C-FIND p50 and peak RSS, Rampart and its peers]({chart.name})" if chart else chart_note, ""]
    return "\n".join(lines)


def chart(report: dict, path: Path) -> str | None:
    """The bar chart; None when written, else why not (matplotlib is missing)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "No chart: matplotlib is not in the venv (it is pinned in Tests/interop/requirements.txt; run `make deps`)."
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    title = " (QUICK RUN, not the real figures)" if report["quick"] else ""

    ingest = {"results": []} if usable(report, "ingest") else report["ingest"]
    query = {"cfind": {}, "peak_rss_mb": {}, "instances": 0} if usable(report, "query") else report["query"]
    results = [r for r in ingest["results"] if "instances_per_s" in r]
    labels = [f"{r['server']}\n{r['associations']} assoc." for r in results]
    axes[0].bar(labels, [r["instances_per_s"] for r in results], color=["C0" if r["server"] == RAMPART else "C7" for r in results])
    axes[0].set_title("Ingest, instances/s (higher is better)")
    axes[0].tick_params(axis="x", labelsize=6, labelrotation=30)

    cfind = query["cfind"]
    servers = list(cfind)
    kinds = list(next(iter(cfind.values()), {}))
    width = 0.8 / max(1, len(servers))
    for n, server in enumerate(servers):
        axes[1].bar([k + n * width for k in range(len(kinds))], [cfind[server][kind]["p50_ms"] for kind in kinds], width, label=server)
    axes[1].set_xticks([k + width * (len(servers) - 1) / 2 for k in range(len(kinds))], [k.replace(" (", "\n(") for k in kinds], fontsize=7)
    axes[1].set_title(f"C-FIND p50 ms at {query['instances']:,} (lower is better)")
    axes[1].legend(fontsize=7)

    peaks = {}
    for r in ingest["results"]:
        if r["peak_rss_mb"]:
            peaks[r["server"]] = max(peaks.get(r["server"], 0), r["peak_rss_mb"])
    for server, mb in query["peak_rss_mb"].items():
        if mb:
            peaks[server] = max(peaks.get(server, 0), mb)
    axes[2].bar(list(peaks), list(peaks.values()), color=["C0" if s == RAMPART else "C7" for s in peaks])
    axes[2].set_title("Peak RSS, MB (lower is better)")
    axes[2].tick_params(axis="x", labelsize=7)

    fig.suptitle("Rampart and its peers" + title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


def write(report: dict, out: Path) -> list[Path]:
    """docs/performance.md (`out`) and the PNG beside it; the paths written."""
    png = out.with_suffix(".png")
    why_not = chart(report, png)
    if why_not:
        png.unlink(missing_ok=True)  # an old chart would not match the new table
    out.write_text(markdown(report, None if why_not else png, why_not or ""))
    return [out] if why_not else [out, png]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, help="the JSON suite.py wrote (docs/performance.json)")
    args = parser.parse_args()
    written = write(json.loads(args.raw.read_text()), args.raw.with_suffix(".md"))
    print("wrote " + ", ".join(map(str, written)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
