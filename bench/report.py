"""The page benchmark's Markdown report (bench/results/pages-<time>.md)."""

from datetime import UTC, datetime

import listing_pages
from loadgen import WORKERS, WRK_CONNECTIONS
from production import RESULTS


def ratio(results, a, b):
    return results[a]["rps"] / results[b]["rps"]


def write_report(results, in_proc, sizes, under_load, args, tool):
    stamp = datetime.now(tz=UTC)
    lines = [
        f"# Page benchmark, {stamp:%Y-%m-%d %H:%M} UTC",
        "",
        f"gunicorn, {WORKERS} sync workers, debug off, PostgreSQL and Redis on "
        f"this host; {tool}, 1 thread, {WRK_CONNECTIONS} connections, "
        f"{args.duration:g} s each, identity encoding. Article sizes: "
        f"{sizes['small'] / 1024:.1f} KB (6 sections, 4 sources) and "
        f"{sizes['large'] / 1024:.1f} KB (60 sections, 40 sources).",
        "",
        "| request | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, row in results.items():
        lines.append(
            f"| {label} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | "
            f"{row['p99_ms']:.2f} | {row['errors']} |"
        )
    lines += [
        "",
        "In-process (Django test client, median of "
        f"{args.renders}): cache-miss time and queries per page.",
        "",
        "| page | ms per cache miss | queries, miss | queries, hit |",
        "|---|---:|---:|---:|",
    ]
    for name, row in in_proc.items():
        lines.append(
            f"| {name} | {row['miss_ms']:.1f} | {row['miss_queries']} | "
            f"{row['hit_queries']} |"
        )
    targets = [
        (
            "article hit / static, 6 sections",
            ratio(results, "article hit, 6 sections", "static file, 6-section bytes"),
            0.9,
        ),
        (
            "article hit / static, 60 sections",
            ratio(results, "article hit, 60 sections", "static file, 60-section bytes"),
            0.9,
        ),
        (
            "304 / static, 6 sections",
            ratio(
                results, "conditional (304), 6 sections", "static file, 6-section bytes"
            ),
            0.9,
        ),
        (
            "goal.json / static",
            ratio(results, "goal.json", "static file, goal.json bytes"),
            0.9,
        ),
        (
            "miss 60 / miss 6 sections",
            ratio(results, "article miss, 60 sections", "article miss, 6 sections"),
            0.8,
        ),
        (
            "miss 60 sections / static",
            ratio(
                results, "article miss, 60 sections", "static file, 60-section bytes"
            ),
            0.2,
        ),
    ] + [
        (
            f"{name} miss / static",
            ratio(results, f"{name} (miss)", f"static file, {name} bytes"),
            0.1,
        )
        for name in listing_pages.PAGES
    ]
    lines += [
        "",
        "| target | measured | wanted | met |",
        "|---|---:|---:|:---:|",
    ]
    for label, value, wanted in targets:
        lines.append(
            f"| {label} | {value:.2f}× | ≥ {wanted}× | {'yes' if value >= wanted else 'no'} |"
        )
    queries_ok = (
        max(in_proc["small"]["miss_queries"], in_proc["large"]["miss_queries"]) <= 2
        and in_proc["small"]["miss_queries"] == in_proc["large"]["miss_queries"]
        and in_proc["small"]["hit_queries"] == in_proc["large"]["hit_queries"] == 0
    )
    lines.append(
        f"| article queries: miss ≤ 2 and constant, hit 0 | "
        f"{in_proc['small']['miss_queries']}/{in_proc['large']['miss_queries']}, "
        f"{in_proc['small']['hit_queries']}/{in_proc['large']['hit_queries']} | "
        f"≤ 2, 0 | {'yes' if queries_ok else 'no'} |"
    )
    if under_load:
        lines += [
            "",
            f"Publishing under load: {under_load['achieved_rps']:.0f} req/s asked "
            f"({under_load['rate']:.0f} wanted: 2× the 60-section miss rate) for "
            f"{under_load['duration']:g} s on the 60-section article, a publish "
            f"every {args.publish_every:g} s ({under_load['publishes']} publishes, "
            f"{under_load['requests']} requests): {under_load['errors']} errors, "
            f"longest staleness after a publish returned "
            f"{under_load['max_staleness_s'] * 1000:.0f} ms, "
            f"{under_load['stale_after_1s']} stale responses more than 1 s after.",
        ]
    report = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pages-{stamp:%Y%m%dT%H%M%SZ}.md").write_text(report)
    return report
