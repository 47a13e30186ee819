"""``gongkai demo``: the main job, end to end, on the bundled demo sites.

Starts the five demo sites on 127.0.0.1, runs the nightly Prefect flow over them (crawl →
extract → classify → audit → report), scores the findings against the planted ground truth,
then runs a second night to show that a night with nothing new is cheap.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import click
from gongkai.flows.commands.common import console, db_option, resolve_db
from gongkai.models.errors import GongkaiError

DEFAULT_OUT = Path("var/demo")


def _night_line(label: str, seconds: float, result: dict[str, Any]) -> str:
    nights = [n for n in result["sites"].values() if "failed" not in n]
    fetched = sum(n["crawl"].get("pages_fetched", 0) for n in nights)
    not_modified = sum(n["crawl"].get("not_modified", 0) for n in nights)
    received = sum(n["crawl"].get("bytes_received", 0) for n in nights)
    new = sum(n["crawl"].get("new_documents", 0) for n in nights)
    changed = sum(n["crawl"].get("changed_documents", 0) for n in nights)
    documents = sum(n.get("counts", {}).get("documents", 0) for n in nights)
    news = sum(n.get("counts", {}).get("news", 0) for n in nights)
    others = sum(n.get("counts", {}).get("other_pages", 0) for n in nights)
    opened = sum(
        c.get("opened", 0) + c.get("reopened", 0)
        for n in nights
        for c in n["audit"].get("rules", {}).values()
    )
    return (
        f"{label}: {seconds:.0f} s — {documents} documents + {news} news"
        f"{f' + {others} other pages' if others else ''} stored ({new} new, {changed} changed); "
        f"{fetched} pages fetched, {not_modified} answered 304, {received / 1024:.0f} KB received; "
        f"{opened} findings opened"
    )


def _clean(out: Path) -> None:
    """Start from nothing: only what an earlier demo run wrote in ``out`` is removed."""
    for name in ("archive", "reports", "prefect", "prefect-server", "sites"):
        shutil.rmtree(out / name, ignore_errors=True)
    for path in out.glob("gongkai.db*"):
        path.unlink()


@click.command(name="demo", short_help="Start the demo sites and run the nightly audit against them.")
@db_option
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="Reference date (default: today in China).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Where the database (unless --db), archive, reports and site configs go.",
)
@click.option(
    "--keep", is_flag=True, help="Keep the previous demo's database and archive (default: start afresh)."
)
@click.option("--serve", "keep_serving", is_flag=True, help="Keep the demo sites up afterwards until Ctrl-C.")
@click.option("--runner", type=click.Choice(["threads", "dask"]), default="threads", show_default=True)
def demo(
    db_url: str | None, today: str | None, out_dir: Path, keep: bool, keep_serving: bool, runner: str
) -> None:
    """Run the nightly crawl-and-audit twice over the five demo sites and show what it found."""
    from gongkai.demo.plan import SPECS
    from gongkai.demo.run import DemoSitesError, start_demo_sites, today_in_china
    from gongkai.demo.score import score

    reference = today_in_china()
    if today:
        try:
            reference = type(reference).fromisoformat(today)
        except ValueError:
            raise GongkaiError(f"--today: not a date (YYYY-MM-DD): {today!r}") from None
    out = out_dir.resolve()
    if not keep:
        _clean(out)
    out.mkdir(parents=True, exist_ok=True)
    db = resolve_db(db_url) or f"sqlite:///{out / 'gongkai.db'}"
    # The demo keeps Prefect's own state beside its other outputs, quiet unless asked otherwise.
    if not os.environ.get("PREFECT_API_URL"):
        os.environ.setdefault("PREFECT_HOME", str(out / "prefect"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # Prefect's own temporary server gives up after 20 s; a busy small machine can need longer.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from gongkai.flows.nightly import run_nightly

    try:
        run = start_demo_sites(reference, None, out / "sites")
    except DemoSitesError as exc:
        console.print(f"the default ports are not free ({exc}); using free ports instead")
        run = start_demo_sites(reference, [0] * len(SPECS), out / "sites")
    try:
        truth = run.truth()
        console.print(f"[bold]gongkai demo[/bold] — reference date {reference.isoformat()}")
        for site in run.sites:
            console.print(f"  {site.name:<10} {site.base_url}/xxgk/  {site.agency}")
        console.print(
            f"  {len(run.sites)} sites, {len(truth['documents'])} documents, "
            f"{len(truth['findings'])} planted findings (ground truth: {run.truth_path})"
        )
        sites_dir = str(run.config_paths[0].parent)
        archive, reports = str(out / "archive"), str(out / "reports")
        results = []
        for night in (1, 2):
            label = "night 1 (from scratch)" if night == 1 else "night 2 (nothing changed on the sites)"
            started = time.monotonic()
            with console.status(f"{label}: crawl → extract → classify → audit → report …"):
                if runner == "dask":  # Dask workers are processes: they need a real, shared Prefect server
                    from gongkai.flows.workers import run_nightly_on_dask

                    result = run_nightly_on_dask(
                        sites_dir, server_home=out / "prefect-server", db_url=db, archive_dir=archive,
                        report_dir=reports, today=reference.isoformat(),
                    )  # fmt: skip
                else:
                    result = run_nightly(sites_dir, db, archive, reports, reference.isoformat())
            results.append(result)
            console.print(_night_line(label, time.monotonic() - started, result))
            for name, site_night in sorted(result["sites"].items()):
                if "failed" in site_night:
                    console.print(f"  [red]site {name} failed:[/red] {site_night['failed']}")
        _print_findings(db, truth, score)
        console.print(f"reports:  {reports}/")
        console.print(f"explore:  gongkai explore --db {db}")
        console.print(f"findings: gongkai gaps --db {db} --by rule")
        if keep_serving:
            console.print("demo sites stay up; press Ctrl-C to stop")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    finally:
        run.stop()


def _print_findings(db: str, truth: dict[str, Any], score: Any) -> None:
    from gongkai.flows.commands.common import print_table
    from gongkai.models.store import open_store

    with open_store(db) as store:
        result = score(store, truth)
        counts: dict[str, int] = {}
        review: dict[str, int] = {}
        for finding in store.list_findings(status="open"):
            tally = review if finding.certainty == "to_review" else counts
            tally[finding.rule_id] = tally.get(finding.rule_id, 0) + 1
    planted: dict[str, int] = {}
    planted_review: dict[str, int] = {}
    for item in truth["findings"]:
        tally = planted_review if item.get("certainty") == "to_review" else planted
        tally[item["rule"]] = tally.get(item["rule"], 0) + 1
    rows = []
    for rule in sorted(set(counts) | set(review) | set(result.rules)):
        rule_score = result.rules.get(rule)
        rows.append(
            [
                rule,
                planted.get(rule, 0) if rule_score else "–",
                counts.get(rule, 0),
                f"{review.get(rule, 0)}/{planted_review.get(rule, 0)}",
                f"{rule_score.precision:.2f}" if rule_score else "–",
                f"{rule_score.recall:.2f}" if rule_score else "–",
            ]
        )
    print_table(
        ["rule", "planted", "open findings", "to review: found/planted (not counted)", "precision", "recall"],
        rows,
        title="findings vs the planted truth",
    )
    verdict = "exactly the planted truth" if result.exact else "NOT the planted truth"
    total = len(truth["documents"])
    console.print(
        f"documents: {total - len(result.missing_documents)}/{total} found, "
        f"{len(result.extra_documents)} unexpected; findings: {verdict}"
    )
    for line in (result.missing_documents + [f for s in result.rules.values() for f in s.false_negatives])[
        :10
    ]:
        console.print(f"  missed: {line}")
    for line in [f for s in result.rules.values() for f in s.false_positives][:10]:
        console.print(f"  unexpected: {line}")
    for line in [f"{s.rule} {f}" for s in result.rules.values() for f in s.review_mismatches][:10]:
        console.print(f"  to review, not as planted: {line}")
