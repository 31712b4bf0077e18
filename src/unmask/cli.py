"""The `unmask` command line: parse, call one library function, print.

Only this module turns UnmaskError into messages and exit codes; every verb is a library call that
Python users can make directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from unmask.errors import UnmaskError
from unmask.store import DEFAULT_DB, open_store

app = typer.Typer(
    help="Find coordinated inauthentic behaviour in social-media data and document it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB store file.", dir_okay=False)]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output (for scripts).")]


def _first_failure(exc: BaseException) -> BaseException:
    """The error that started a chain: a ROLLBACK refused after a failed COMMIT hides the COMMIT's cause."""
    while isinstance(exc.__context__, duckdb.Error | OSError):
        exc = exc.__context__
    return exc


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Turn the library's typed errors into one red line and exit code 2.

    A DuckDB or OS error that escapes the library (a full disk during a commit, a damaged block met in
    the middle of a query) gets the same one line, naming its first failure, instead of a traceback.
    """
    try:
        yield
    except UnmaskError as exc:
        message = str(exc)
    except (duckdb.Error, OSError) as exc:
        message = f"the store or a file could not be read or written: {_first_failure(exc)}"
    else:
        return
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    console.print(f"[red]error:[/red] {escape(one_line)}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def progress_bar(quiet: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files (or folders of files) to ingest.")],
    db: DbOption = DEFAULT_DB,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Layout; detected when absent.")
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option("--mapping", "-m", help="Generic layout: packaged mapping name or TOML path."),
    ] = None,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            "--memory-limit",
            help="DuckDB's memory cap while ingesting (default 768MB; e.g. 4GB), 60% of it while chunks "
            "are written.",
        ),
    ] = None,
    chunk_records: Annotated[
        int | None,
        typer.Option("--chunk-records", min=1, help="Records committed together (default 500,000)."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Read platform exports into the store. Re-running a file adds nothing; an interrupted file resumes."""
    from unmask.ingest.pipeline import CHUNK_RECORDS, INGEST_MEMORY_LIMIT, ingest_paths

    with errors_to_exit(), open_store(db) as store, progress_bar(quiet) as progress:
        task = progress.add_task("ingest", total=None)
        report = ingest_paths(
            store,
            paths,
            format=format,
            mapping=mapping,
            memory_limit=memory_limit or INGEST_MEMORY_LIMIT,
            chunk_records=chunk_records or CHUNK_RECORDS,
            on_file=lambda p: progress.update(task, description=f"ingest {p.name}"),
            on_batch=lambda n: progress.advance(task, n),
        )
    for result in report.files:
        if result.error:
            console.print(f"[red]failed:[/red] {result.error}", highlight=False)
        elif result.skipped_as:
            console.print(f"skipped {result.path}: already ingested as {result.skipped_as}", highlight=False)
        if result.note:
            console.print(f"[yellow]note:[/yellow] {result.note}", highlight=False)
        elif result.counts and not quiet:
            c = result.counts
            console.print(
                f"{result.path} ({result.format}): {c.records} records, {c.posts_read} posts read, "
                f"{c.posts_new} new posts, {c.accounts_new} new accounts, {c.rejected} rejected",
                highlight=False,
            )
    for reason, n in sorted(report.rejects.items()):
        console.print(f"  rejected {n} record(s): {reason}", highlight=False)
    if not report.anything_read:
        console.print("[red]error:[/red] nothing could be read", highlight=False)
        raise typer.Exit(1)


@app.command()
def stats(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Counts of accounts and posts per platform and of rejects per reason."""
    from unmask.store.stats import store_stats

    with errors_to_exit(), open_store(db) as store:
        figures = store_stats(store)
    if as_json:
        out.print(json.dumps(figures, indent=2, sort_keys=True))
        return
    table = Table("what", "key", "count", title=str(db))
    for what in ("accounts", "posts", "rejects"):
        for key, n in figures[what].items():  # type: ignore[literal-required]
            table.add_row(what, key, f"{n:,}")
    out.print(table)


@app.command()
def synth(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the scenario into.", file_okay=False)
    ],
    posts: Annotated[int, typer.Option("--posts", help="Approximate number of posts.", min=1000)] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 7,
    difficulty: Annotated[str, typer.Option("--difficulty", help="easy | normal | hard")] = "normal",
    platforms: Annotated[
        str,
        typer.Option(
            "--platforms",
            help="Comma-separated: x, facebook, youtube, reddit, tiktok, instagram, telegram, bluesky. "
            "Several: each in its own layout.",
        ),
    ] = "x",
    quiet: QuietOption = False,
) -> None:
    """Write a Spamouflage-like scenario hidden in organic traffic, with its truth file."""
    from unmask.synth import generate

    with errors_to_exit(), progress_bar(quiet) as progress:
        task = progress.add_task("synth", total=posts)
        summary = generate(
            out_dir,
            posts=posts,
            seed=seed,
            difficulty=difficulty,
            platforms=platforms,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if not quiet:
        out.print(summary)


@app.command()
def detect(
    db: DbOption = DEFAULT_DB,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Also write accounts.csv and campaigns.json here.", file_okay=False),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (the store) or spark (the Parquet of export-parquet).")
    ] = "duckdb",
    master: Annotated[str, typer.Option("--master", help="Spark master URL (--engine spark).")] = "local[*]",
    input_dir: Annotated[
        Path | None,
        typer.Option(
            "--input", help="Parquet folder from `unmask export-parquet` (--engine spark).", file_okay=False
        ),
    ] = None,
    memory_limit: Annotated[
        str | None,
        typer.Option("--memory-limit", help="DuckDB's memory cap (default: half the machine's; e.g. 8GB)."),
    ] = None,
    driver_memory: Annotated[
        str | None,
        typer.Option("--driver-memory", help="Spark driver memory (--engine spark; e.g. 8g)."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Run every signal, fuse them into campaigns, score and summarise them; store the results.

    With `--engine spark` the same steps run on Apache Spark over `--input`; results go to `--out`.
    """
    from unmask.campaigns.detect import detect as run_detect
    from unmask.campaigns.detect import detect_parquet
    from unmask.campaigns.outputs import write_outputs
    from unmask.errors import InputError

    with errors_to_exit(), progress_bar(quiet) as progress:
        task = progress.add_task("detect", total=None)

        def step(name: str) -> None:
            progress.update(task, description=f"detect: {name}")

        if engine == "spark":
            if input_dir is None or out_dir is None:
                raise InputError("--engine spark needs --input PARQUET_DIR and --out DIR")
            result = detect_parquet(input_dir, master=master, driver_memory=driver_memory, progress=step)
        elif engine == "duckdb":
            with open_store(db) as store:
                result = run_detect(store, progress=step, memory_limit=memory_limit)
        else:
            raise InputError(f"unknown engine {engine!r}; valid: duckdb, spark")
        written = write_outputs(result, out_dir) if out_dir else ()
    if quiet:
        return
    table = Table(
        "campaign", "score", "accounts", "posts", "signals", title=f"{len(result.campaigns)} campaign(s)"
    )
    for campaign in result.campaigns:
        summary = result.summaries[campaign.campaign_id]
        table.add_row(
            campaign.campaign_id,
            f"{campaign.score:.2f}",
            str(len(campaign.members)),
            str(summary["posts"]),
            ", ".join(summary["signals"]),
        )
    out.print(table)
    out.print(f"took {result.seconds['total']:.1f} s")
    for path in written:
        out.print(f"wrote {path}")


@app.command()
def explain(
    account: Annotated[str, typer.Argument(help="Account id, handle, or platform:account_id.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Why an account was flagged, with the post pairs and times behind each edge."""
    from dataclasses import asdict

    from unmask.campaigns.explain import explain as run_explain

    with errors_to_exit(), open_store(db) as store:
        result = run_explain(store, account)
    if as_json:
        out.print(json.dumps(asdict(result), indent=2, ensure_ascii=False, default=str))
        return
    status = (
        f"in campaign {result.campaign_id} (score {result.score:.2f})"
        if result.campaign_id
        else "not in a campaign"
    )
    out.print(f"{result.acct} (@{result.handle or '?'}): {status}", markup=False)
    for flag in result.flags:
        out.print(f"  flag {flag['feature']}: {flag['detail']}", markup=False)
    for edge in result.edges:
        out.print(
            f"  {edge['signal']} with {edge['other']}: weight {edge['weight']}, {edge['actions']} co-actions",
            markup=False,
        )
        for ev in edge["evidence"]:
            out.print(
                f"    {ev['time']} post {ev['post']}: {ev['text']!r}\n"
                f"    {ev['other_time']} post {ev['other_post']}: {ev['other_text']!r}"
                f"  ({ev['seconds_apart']} s apart)",
                markup=False,
            )


@app.command(name="eval")
def eval_(
    truth: Annotated[Path, typer.Option("--truth", help="truth.csv: platform,account_id,label,campaign.")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Account-level precision, recall and F1 of the stored results, and campaign purity."""
    from unmask.campaigns.evaluate import evaluate, read_truth

    with errors_to_exit(), open_store(db) as store:
        result = evaluate(store, read_truth(truth))
    if as_json:
        out.print(json.dumps(result.as_dict(), indent=2))
        return
    out.print(
        f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}  "
        f"purity {result.purity:.3f}  (TP {result.true_positives}, FP {result.false_positives}, "
        f"FN {result.false_negatives}, {result.campaigns_found} campaign(s))"
    )


@app.command(name="export-parquet")
def export_parquet(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to (re)write.", file_okay=False)],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the canonical tables as Parquet (posts by platform and day) for `detect --engine spark`."""
    from unmask.store.parquet import export_parquet as run_export

    with errors_to_exit(), open_store(db) as store:
        written = run_export(store, out_dir)
    for path in written.values():
        out.print(f"wrote {path}")


@app.command()
def lint(
    page: Annotated[Path, typer.Argument(help="A DISARM incident page (Markdown).", dir_okay=False)],
    db: Annotated[
        Path | None, typer.Option("--db", help="Also check evidence against this store's campaign posts.")
    ] = None,
) -> None:
    """Check an incident page: empty fields, unknown techniques, borrowed evidence, dates, archive links."""
    from unmask.documents.lint import format_findings, lint_file

    with errors_to_exit():
        evidence = None
        if db is not None:
            from unmask.documents.evidence import known_evidence

            with open_store(db, read_only=True) as store:
                evidence = known_evidence(store)
        findings = lint_file(page, known_evidence=evidence)
    if findings:
        out.print(format_findings(page, findings), end="", markup=False)
        raise typer.Exit(1)


disarm_app = typer.Typer(help="The DISARM framework catalogue.", no_args_is_help=True)
app.add_typer(disarm_app, name="disarm")


@disarm_app.command("sync")
def disarm_sync(
    dest: Annotated[
        Path | None, typer.Option("--dest", help="Folder for the bundle (default: user data).")
    ] = None,
) -> None:
    """Download the current DISARM STIX bundle from the DISARM Foundation's repository."""
    from unmask.documents.sync import sync_catalogue

    with errors_to_exit():
        catalogue = sync_catalogue(dest)
    out.print(f"{catalogue.version}: {len(catalogue)} techniques", markup=False)


@disarm_app.command("show")
def disarm_show(
    identifier: Annotated[str, typer.Argument(help="A technique (T0097.111) or incident (I00093).")],
) -> None:
    """Print a DISARM technique, or a known incident's page rendered from DISARM's data."""
    from unmask.documents.catalogue import load_catalogue
    from unmask.documents.disarm_data import show

    with errors_to_exit():
        out.print(show(identifier, catalogue=load_catalogue()), markup=False)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Argument(metavar="FORMAT", help="stix, misp, gexf, graphml, csv, takedown, notices, …")
    ],
    out_path: Annotated[Path, typer.Option("--out", help="File to write, or a folder to write into.")],
    db: DbOption = DEFAULT_DB,
    campaign: Annotated[
        str | None, typer.Option("--campaign", help="One campaign id (default: all).")
    ] = None,
) -> None:
    """Export campaigns for sharing: STIX 2.1, MISP, Gephi, CSV, takedown lists, notices to targets."""
    from unmask.documents.exports import export as run_export

    with errors_to_exit(), open_store(db, read_only=True) as store:
        result = run_export(store, fmt, campaign_id=campaign, out=out_path)
    target = out_path / result.filename if out_path.is_dir() else out_path
    out.print(f"wrote {target}", markup=False)


@app.command()
def report(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id, e.g. C001.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        str, typer.Option("--format", help="disarm (Markdown page) or html (self-contained).")
    ] = "disarm",
    out_path: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """A campaign's incident record: the DISARM page, or an HTML report with charts."""
    from unmask.documents.exports import REPORT_FORMATS
    from unmask.documents.exports import export as run_export

    if fmt not in REPORT_FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(REPORT_FORMATS)}")
    with errors_to_exit(), open_store(db, read_only=True) as store:
        result = run_export(store, fmt, campaign_id=campaign_id, out=out_path)
    if out_path is None:
        typer.echo(result.data.decode("utf-8"), nl=False)
    else:
        out.print(f"wrote {out_path / result.filename if out_path.is_dir() else out_path}", markup=False)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the analyst web app over the store (log in with a user from `unmask user add`)."""
    from unmask.web import serve as run_serve

    with errors_to_exit():
        run_serve(db, host=host, port=port)


user_app = typer.Typer(help="Users of the web app.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option("--role", help="viewer | analyst | admin")] = "viewer",
    db: DbOption = DEFAULT_DB,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
) -> None:
    """Add a web-app user with a role; the password is hashed with argon2id."""
    import sys

    from unmask.web import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with errors_to_exit():
        add_user(db, name, role, password)
    out.print(f"added {name} ({role})", markup=False)


@app.command()
def watch(
    directory: Annotated[Path, typer.Argument(help="Folder where export files land.", file_okay=False)],
    db: DbOption = DEFAULT_DB,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST each alert as JSON to this http(s) URL.")
    ] = None,
    interval: Annotated[
        float,
        typer.Option("--interval", help="Seconds between looks; a file is taken once unchanged this long."),
    ] = 10.0,
    once: Annotated[bool, typer.Option("--once", help="Take what is ready, score it, and exit.")] = False,
    grow: Annotated[
        float,
        typer.Option("--grow", help="Alert when a campaign grew by this fraction since its last alert."),
    ] = 0.25,
    min_target_replies: Annotated[
        int, typer.Option("--min-target-replies", help="Replies that make an account a campaign's target.")
    ] = 3,
    signals: Annotated[
        str | None, typer.Option("--signals", help="Comma-separated pair signals to run (default: all).")
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Layout; detected when absent.")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", "-m", help="Generic layout: mapping name or TOML path.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log alerts and problems only.")] = False,
) -> None:
    """Ingest files as they land in DIRECTORY, re-score what they touch, and alert on campaigns.

    A file is taken once its size and time have held still for --interval seconds.

    Names starting with "." or "~" or ending in .part, .tmp, ... are never taken: write there, then rename.

    Alerts (campaign appeared, grew by --grow, new target) go to the log, the alerts table and --webhook.

    Stop with Ctrl-C or SIGTERM; a restart carries on without reading old files again.
    """
    import logging

    from unmask.watch.loop import stop_on_signals, watch_config
    from unmask.watch.loop import watch as run_watch

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(message)s")
    with errors_to_exit():
        config = watch_config(
            interval=interval,
            webhook=webhook,
            grow=grow,
            min_target_replies=min_target_replies,
            signals=signals,
            format=format,
            mapping=mapping,
        )
        run_watch(directory, db, config, once=once, stop=stop_on_signals())


def main() -> None:
    app()
