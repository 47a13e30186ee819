"""``gongkai demo-sites``: generate and serve the demo government sites on 127.0.0.1."""

from __future__ import annotations

import signal
import threading
from datetime import date
from pathlib import Path

import click
from gongkai.demo.generate import DEFAULT_PORT_BASE, generate_sites
from gongkai.demo.plan import SPECS
from gongkai.demo.run import start_demo_sites, today_in_china, write_outputs, write_site_files
from gongkai.models.errors import GongkaiError


def _parse_today(value: str | None) -> date:
    if value is None:
        return today_in_china()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GongkaiError(f"--today: not a date (YYYY-MM-DD): {value!r}") from None


@click.group(name="demo-sites", help="Generate and serve the demo disclosure sites on loopback.")
def demo_sites() -> None:
    """Five realistic 信息公开 sites made from the real data, with a planted ground truth."""


@demo_sites.command("serve")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="Reference date (default: today in China).")
@click.option(
    "--port-base",
    default=DEFAULT_PORT_BASE,
    show_default=True,
    help="Port of the first site; 0 = free ports.",
)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Where configs and truth.json go."
)
def serve_command(today: str | None, port_base: int, out_dir: Path | None) -> None:
    """Serve the demo sites until Ctrl-C."""
    reference = _parse_today(today)
    ports = [0 if port_base == 0 else port_base + i for i in range(len(SPECS))]
    run = start_demo_sites(reference, ports, out_dir)
    click.echo(f"demo sites for {reference.isoformat()}:")
    for site in run.sites:
        click.echo(
            f"  {site.name:<10} {site.base_url}/xxgk/  "
            f"({site.agency}, {len(site.truth['documents'])} documents)"
        )
    click.echo(f"site configs: {run.out_dir / 'configs'}")
    click.echo(f"ground truth: {run.truth_path} ({len(run.truth()['findings'])} planted findings)")
    click.echo("press Ctrl-C to stop")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        run.stop()
        click.echo("stopped")


@demo_sites.command("generate")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write into."
)
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="Reference date (default: today in China).")
@click.option(
    "--port-base", default=DEFAULT_PORT_BASE, show_default=True, help="Ports the configs and truth point at."
)
def generate_command(out_dir: Path, today: str | None, port_base: int) -> None:
    """Write the sites' files, configs and truth.json without serving them."""
    reference = _parse_today(today)
    sites = generate_sites(reference, [f"http://127.0.0.1:{port_base + i}" for i in range(len(SPECS))])
    try:
        files = sum(write_site_files(site.site, out_dir / "sites" / site.name) for site in sites)
    except OSError as exc:
        raise GongkaiError(f"{out_dir}: cannot write the demo sites: {exc.strerror}") from None
    _, truth_path = write_outputs(sites, reference, out_dir)
    click.echo(
        f"{len(sites)} sites, {files} files in {out_dir / 'sites'}; "
        f"configs in {out_dir / 'configs'}; truth {truth_path}"
    )


@demo_sites.command("refresh-facts")
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path),
    default=None,
    help="The real data folder (default ../shared/data beside the project, or GONGKAI_DATA).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write (default: the package's corpus/demo/facts.tsv.gz).",
)
@click.option("--check", is_flag=True, help="Only compare with the file; exit 1 if it is not current.")
def refresh_facts_command(data: Path | None, out_file: Path | None, check: bool) -> None:
    """Make the demo facts (title, 文号, issuing body, dates) from the real data."""
    from gongkai.demo.facts import default_facts_path, facts_text, load_facts, write_facts
    from gongkai.demo.realdata import SharedDataMissing
    from gongkai.demo.refresh import facts_from_data

    from gongkai.resources import data_dir

    folder = data or data_dir()
    if not (folder / "corpus").is_dir():
        raise SharedDataMissing(f"{folder}: no corpus/ folder: point --data at the shared/data folder")
    facts = facts_from_data(folder)
    target = out_file or default_facts_path()
    summary = f"{len(facts.documents)} documents, {len(facts.reposts)} reposts, {len(facts.news)} headlines"
    if check:
        load_facts.cache_clear()
        try:
            current = facts_text(load_facts(target)) == facts_text(facts)
        except GongkaiError:
            current = False
        click.echo(f"{target}: {'current' if current else 'NOT current'} ({summary} from {folder})")
        if not current:
            raise SystemExit(1)
        return
    write_facts(facts, target)
    load_facts.cache_clear()
    click.echo(f"{target}: {summary} ({target.stat().st_size // 1024} KB)")
