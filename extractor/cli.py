"""Command line: a thin layer over the library.

    extractor extract FILE [--json]
    extractor batch DIR --out OUT
    extractor schema [--out FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .datamodel import Report
from .errors import ExtractorError
from .options import Options

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Extract 政府信息公开工作年度报告 statistics tables.")

EXIT_INPUT_ERROR = 2


def _options(template: str) -> Options:
    return Options.coerce({"template": template})


def _human(rep: Report) -> str:
    found = sum(1 for c in rep.cells.values() if c.source != "missing")
    fails = rep.failed_checks
    review = [k for k, c in rep.cells.items() if c.review]
    lines = [
        f"source:    {rep.source}",
        f"template:  {rep.template}   year: {rep.year}   organ: {rep.organ}",
        f"status:    {rep.status}   cells found: {found}/{len(rep.cells)}",
        f"checks:    {sum(c.status == 'pass' for c in rep.checks)} pass, {len(fails)} fail, "
        f"{sum(c.status == 'skipped' for c in rep.checks)} skipped, "
        f"{sum(c.status == 'unconfirmed' for c in rep.checks)} unconfirmed",
    ]
    lines += [f"  FAIL {c.id}: {c.lhs} != {c.rhs}" + (f"  «{c.sentence[:40]}»" if c.sentence else "")
              for c in fails[:10]]
    if review:
        lines.append(f"review:    {len(review)} cells, e.g. {', '.join(review[:5])}")
    unmapped = rep.unmapped
    if unmapped:
        lines.append(f"unmapped rows: {len(unmapped)}: " + "; ".join(r.label[:20] for r in unmapped[:5]))
    lines += [f"warning:   {w}" for w in rep.warnings]
    return "\n".join(lines)


@app.command("extract")
def extract_cmd(
    file: Annotated[Path, typer.Argument(help="report file: text, PDF, DOCX, HTML, image")],
    as_json: Annotated[bool, typer.Option("--json", help="print the full report as JSON")] = False,
    template: Annotated[str, typer.Option(help="auto, 2019 or 2021")] = "auto",
) -> None:
    """Extract one document."""
    from .pipeline import extract

    try:
        rep = extract(file, _options(template))
    except ExtractorError as e:
        if as_json:
            typer.echo(json.dumps({"error": e.to_dict(), "source": str(file)}, ensure_ascii=False))
        else:
            typer.echo(f"error [{e.code}]: {e.message}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e
    typer.echo(rep.model_dump_json(indent=1) if as_json else _human(rep))


@app.command("batch")
def batch_cmd(
    source: Annotated[Path, typer.Argument(help="folder (searched recursively) or a single file")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder")],
    template: Annotated[str, typer.Option(help="auto, 2019 or 2021")] = "auto",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
) -> None:
    """Extract every file under SOURCE: OUT/reports.jsonl (one line per input), OUT/cells.csv, summary."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import list_inputs, run_batch

    try:
        total = len(list_inputs(source))
    except FileNotFoundError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                  TimeRemainingColumn(), disable=quiet or not sys.stderr.isatty(), transient=True) as prog:
        task = prog.add_task("extracting", total=total, rate="")

        def tick(i: int, n: int, rec: object) -> None:
            el = prog.tasks[0].elapsed or 0.0
            prog.update(task, completed=i, rate=f"{i / el:.1f} docs/s" if el else "")

        summary = run_batch(source, out, _options(template), progress=tick)
    failed = summary["by_status"].get("failed", 0)
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    typer.echo(f"{summary['documents']} processed, {failed} failed -> {out}")


@app.command("inspect")
def inspect_cmd(
    file: Annotated[Path, typer.Argument(help="a PDF or an image")],
    png: Annotated[Path, typer.Option("--png", help="folder for page-N.png overlays")],
    dpi: Annotated[int, typer.Option(help="render resolution")] = 100,
) -> None:
    """Draw the extracted cells and matched rows on the pages (green ok, orange review, red failed identity)."""
    from .inspect import render_overlays
    from .pipeline import extract

    try:
        rep = extract(file)
        pages = render_overlays(file, rep, png, dpi)
    except ExtractorError as e:
        typer.echo(f"error [{e.code}]: {e.message}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e
    typer.echo(f"{len(pages)} pages drawn -> {png}")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    concurrency: Annotated[int, typer.Option(help="extractions at once; more requests get 503")] = 2,
    timeout: Annotated[float, typer.Option(help="seconds per extraction before 504")] = 120.0,
) -> None:
    """Run the HTTP extraction service (POST /v1/extract)."""
    try:
        import uvicorn
    except ImportError as e:
        typer.echo("error [missing_dependency]: the service needs: pip install 'extractor[service]'", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e
    from .service import create_app

    uvicorn.run(create_app(concurrency=concurrency, timeout_s=timeout), host=host, port=port, log_level="warning")


@app.command("schema")
def schema_cmd(out: Annotated[Optional[Path], typer.Option(help="write to this file")] = None) -> None:  # noqa: UP045
    """Print the JSON Schema of the Report."""
    text = json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=1) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
