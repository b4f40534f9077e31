"""Command line: a thin layer over the library.

    extractor extract FILE... [--json] [-o OUT]
    extractor batch SOURCE --out OUT [--workers N] [--retry-failed] [--engine local|ray]
    extractor inspect FILE [--png FOLDER] [--html OUT.html]
    extractor compare A B [--json] [--html OUT.html] [-o OUT]
    extractor serve [--host 127.0.0.1 --port 8000]
    extractor schema [--compare] [--out FILE]
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .datamodel import Report
from .errors import ExtractorError
from .options import Options

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Extract 政府信息公开工作年度报告 statistics tables.")

EXIT_INPUT_ERROR = 2
EXIT_FAILURES = 1  # batch: some documents failed (--allow-failures: 0)


class TemplateChoice(StrEnum):
    """--template: checked by click, listed in --help."""

    auto = "auto"
    t2019 = "2019"
    t2021 = "2021"


class EngineChoice(StrEnum):
    """--engine: the batch engines (batch.runner.ENGINES)."""

    local = "local"
    ray = "ray"


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="print the version and exit")] = False,
          verbose: Annotated[bool, typer.Option("--verbose", "-v", help="let the OCR engine log its INFO "
                                                                        "lines (model loads) on stderr")] = False) -> None:
    """Extract 政府信息公开工作年度报告 statistics tables."""
    if verbose:  # workers inherit the environment
        os.environ["EXTRACTOR_OCR_LOG_LEVEL"] = "info"


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
    files: Annotated[list[Path], typer.Argument(help="report files: text, PDF, DOCX, HTML, image")],
    as_json: Annotated[bool, typer.Option("--json", help="the full report as JSON (one file: one object; "
                                                         "several: one JSON line each)")] = False,
    template: Annotated[TemplateChoice, typer.Option(help="the template to use")] = TemplateChoice.auto,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write here instead of stdout")] = None,  # noqa: UP045
) -> None:
    """Extract documents one by one (for many, `extractor batch` runs them in supervised workers).

    Exit status 2 when a file could not be read (its error is printed, as JSON with --json); the others are
    extracted all the same."""
    from .pipeline import extract

    chunks: list[str] = []
    failed = False
    for file in files:
        try:
            rep = extract(file, _options(template.value))
        except ExtractorError as e:
            failed = True
            if as_json:
                chunks.append(json.dumps({"error": e.to_dict(), "source": str(file)}, ensure_ascii=False))
            else:
                typer.echo(f"error [{e.code}]: {file}: {e.message}" if len(files) > 1 else
                           f"error [{e.code}]: {e.message}", err=True)
            continue
        if as_json:
            chunks.append(rep.model_dump_json(indent=1) if len(files) == 1 else rep.model_dump_json())
        else:
            chunks.append(_human(rep))
    text = "\n".join(chunks) + ("\n" if chunks else "")
    if out is not None:
        out.write_text(text, encoding="utf-8")
    elif text:
        typer.echo(text, nl=False)
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)


def _batch_options(template: str, timeout: float | None, memory_mb: int | None, ocr: bool) -> Options:
    limits: dict[str, float | int] = {}
    if timeout is not None:
        limits["timeout_s"] = timeout
    if memory_mb is not None:
        limits["max_memory_mb"] = memory_mb
    extra: dict[str, object] = {"limits": limits} if limits else {}
    if not ocr:
        extra["ocr"] = False
    return Options.coerce({"template": template, **extra})


@app.command("batch")
def batch_cmd(
    source: Annotated[str, typer.Argument(help="folder (recursive), glob ('docs/**/*.pdf'), .zip/.tar archive, "
                                               "or manifest (.csv with a path column, .jsonl with \"path\")")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder (a rerun resumes in it)")],
    workers: Annotated[Optional[int], typer.Option("--workers", "-w", min=1,  # noqa: UP045
                                                   help="worker processes (default: the CPUs available)")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="rerun documents recorded as failed")] = False,
    engine: Annotated[EngineChoice, typer.Option(help="local (supervised processes) or ray (Ray Data)")] = EngineChoice.local,
    address: Annotated[Optional[str], typer.Option(help="Ray cluster address (default: a local instance)")] = None,  # noqa: UP045
    template: Annotated[TemplateChoice, typer.Option(help="the template to use")] = TemplateChoice.auto,
    timeout: Annotated[Optional[float], typer.Option(help="seconds per document (Limits.timeout_s)")] = None,  # noqa: UP045
    memory_mb: Annotated[Optional[int], typer.Option("--memory-mb", help="MB per worker (Limits.max_memory_mb)")] = None,  # noqa: UP045
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="OCR pages without a text layer")] = True,
    ocr_gpus: Annotated[float, typer.Option(help="ray: GPUs per OCR actor (0: OCR inline on the CPU stage)")] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    csv_bom: Annotated[bool, typer.Option("--csv-bom", help="cells.csv with a UTF-8 byte order mark (for "
                                                            "spreadsheet programs)")] = False,
    compare_html: Annotated[Optional[Path], typer.Option("--compare-html", help="write one comparison page "  # noqa: UP045
                                                         "per body and consecutive year pair into this folder")] = None,
    allow_failures: Annotated[bool, typer.Option("--allow-failures", help="exit 0 even when documents failed "
                                                 "(default: exit 1, as a test runner does)")] = False,
    worker_init: Annotated[Optional[str], typer.Option(hidden=True, help="module:function run in each worker")] = None,  # noqa: UP045
) -> None:
    """Extract every input of SOURCE into OUT: reports.jsonl (one line per input), cells.csv, Parquet, summary,
    cross_year.jsonl and compare.jsonl (each body's consecutive years, key by key).

    Each document runs in a supervised worker (timeout, memory cap; a dead worker is replaced).

    Rerunning with the same OUT skips what is done; --retry-failed reruns failures. The summary JSON is the only
    thing on stdout (pipe it to jq); counts go to stderr. Exit status: 0 when every document was extracted, 1
    when some failed (0 with --allow-failures), 2 for an unusable SOURCE or option."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import run_batch

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                  TimeRemainingColumn(), disable=quiet or not sys.stderr.isatty(), transient=True) as prog:
        task = prog.add_task("extracting", total=None, rate="")

        def tick(i: int, n: int, rec: object) -> None:
            el = prog.tasks[0].elapsed or 0.0
            prog.update(task, completed=i, total=n, rate=f"{i / el:.1f} docs/s" if el else "")

        try:
            summary = run_batch(source, out, _batch_options(template.value, timeout, memory_mb, ocr), progress=tick,
                                workers=workers, retry_failed=retry_failed, engine=engine.value, address=address,
                                worker_init=worker_init, ocr_gpus=ocr_gpus, csv_bom=csv_bom,
                                compare_html=compare_html)
        except FileNotFoundError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(EXIT_INPUT_ERROR) from e
        except ExtractorError as e:
            typer.echo(f"error [{e.code}]: {e.message}", err=True)
            raise typer.Exit(EXIT_INPUT_ERROR) from e
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    run = summary["this_run"]
    rate = f"; {summary['docs_per_s']} docs/s" if summary.get("docs_per_s") else ""
    typer.echo(f"{out}: {run['extracted']} extracted, {run['already_done']} already done, "
               f"{run['identical']} identical to another input{rate}", err=True)
    failed = summary["by_status"].get("failed", 0)
    typer.echo(f"{summary['documents']} processed, {failed} failed", err=True)
    if failed and not allow_failures:
        raise typer.Exit(EXIT_FAILURES)


@app.command("inspect")
def inspect_cmd(
    file: Annotated[Path, typer.Argument(help="a document (PDF or image for page overlays; any format for --html)")],
    png: Annotated[Optional[Path], typer.Option("--png", help="folder for page-N.png overlays")] = None,  # noqa: UP045
    html: Annotated[Optional[Path], typer.Option("--html", help="write a self-contained review page here")] = None,  # noqa: UP045
    dpi: Annotated[int, typer.Option(help="render resolution")] = 100,
) -> None:
    """Draw the extracted cells and matched rows on the pages (green ok, orange review, red failed identity).

    --png writes one overlay image per page; --html writes one review page (page images with the cell
    boxes, the canonical tables beside them, the failed checks; click a cell to see where it came from)."""
    from .pipeline import extract

    if png is None and html is None:
        typer.echo("error [options]: give --png FOLDER and/or --html OUT.html", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR)
    try:
        rep = extract(file)
        if html is not None:
            from .review import write_review_html

            write_review_html(file, rep, html, dpi)
            typer.echo(f"review page -> {html}")
        if png is not None:
            from .inspect import render_overlays

            pages = render_overlays(file, rep, png, dpi)
            typer.echo(f"{len(pages)} pages drawn -> {png}")
    except ExtractorError as e:
        typer.echo(f"error [{e.code}]: {e.message}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e


def _review_names(page: Path, files: list[Path]) -> list[Path]:
    """The review pages written beside a comparison page, one per input (``PAGE.STEM.review.html``)."""
    stems = [f.stem for f in files]
    if stems[0] == stems[1]:
        stems = [f"{s}.{i}" for i, s in enumerate(stems, 1)]
    return [page.with_name(f"{page.stem}.{s}.review.html") for s in stems]


def _human_compare(cmp: object) -> str:
    from .compare import Comparison

    assert isinstance(cmp, Comparison)
    b, a, p = cmp.before, cmp.after, cmp.pairing
    moved = [c for c in cmp.changes if c.change]
    lines = [f"earlier:   {b.source}  {b.year}  template {b.template}  {b.organ}",
             f"later:     {a.source}  {a.year}  template {a.template}  {a.organ}",
             "pairing:   " + ("one body, consecutive years" if p.ok else
                                  "NOT one body's consecutive years: " + "; ".join(p.reasons)),
             f"keys:      {len(cmp.changes)} compared, {len(moved)} changed, "
             f"{sum(c.mapping.startswith('only') for c in cmp.changes)} in one template only",
             f"carry-over: {cmp.carry_over_status}" + (f" ({cmp.carry_over_note})" if cmp.carry_over_note else "")]
    lines += [f"  BREAK {r.column}: 结转下年度 {r.carried_forward} -> 上年结转 {r.next_carried_over}"
              for r in cmp.carry_over if r.status == "break"]
    lines.append(f"flags:     {len(cmp.flags)}")
    lines += [f"  [{f.rule}] {f.message}" for f in cmp.flags]
    lines.append(f"failed identities: {len(cmp.failed_before)} ({b.year}), {len(cmp.failed_after)} ({a.year})")
    return "\n".join(lines)


@app.command("compare")
def compare_cmd(
    a: Annotated[Path, typer.Argument(help="one report of a body")],
    b: Annotated[Path, typer.Argument(help="the same body's report of the year before or after")],
    as_json: Annotated[bool, typer.Option("--json", help="the comparison as JSON (schema/compare.schema.json)")] = False,
    html: Annotated[Optional[Path], typer.Option("--html", help="write the comparison page here, and the two "  # noqa: UP045
                                                 "review pages its cells link to beside it")] = None,
    template: Annotated[TemplateChoice, typer.Option(help="the template to use for both")] = TemplateChoice.auto,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write here instead of stdout")] = None,  # noqa: UP045
) -> None:
    """Compare two reports of one body, year over year: every key's change, the carry-over check (结转 ->
    上年结转), the changes worth a look (each names its rule), the narrative side by side.

    The earlier year comes first whatever the order given. Reports that are not one body's consecutive years
    are compared all the same and the output says why they are not. Exit status 2 when a file could not be
    read."""
    from .compare import compare, render_compare_html
    from .pipeline import extract

    try:
        reps = [extract(f, _options(template.value)) for f in (a, b)]
    except ExtractorError as e:
        typer.echo(f"error [{e.code}]: {e.message}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e
    reviews: tuple[str | None, str | None] = (None, None)
    if html is not None:
        from .review import write_review_html

        names = _review_names(html, [a, b])
        for f, rep, name in zip((a, b), reps, names, strict=True):
            write_review_html(f, rep, name)
        reviews = (names[0].name, names[1].name)
    cmp = compare(reps[0], reps[1], reviews=reviews)
    if html is not None:
        html.write_text(render_compare_html(cmp), encoding="utf-8")
        typer.echo(f"comparison page -> {html} (review pages: {', '.join(r or '' for r in reviews)})", err=True)
    text = cmp.model_dump_json(indent=1) if as_json else _human_compare(cmp)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


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
        typer.echo("error [missing_dependency]: the service needs: pip install 'zfxxgk-extractor[service]'", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from e
    from .service import create_app

    app_ = create_app(concurrency=concurrency, timeout_s=timeout)
    typer.echo(f"extractor service on http://{host}:{port} (POST /v1/extract; docs at /docs; {concurrency} workers, "
               f"{timeout:g} s per request)", err=True)
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.command("schema")
def schema_cmd(out: Annotated[Optional[Path], typer.Option(help="write to this file")] = None,  # noqa: UP045
               compare: Annotated[bool, typer.Option("--compare", help="the Comparison's schema (extractor "
                                                     "compare --json) instead")] = False) -> None:
    """Print the JSON Schema of the Report (published: schema/report.schema.json; --compare:
    schema/compare.schema.json)."""
    from .datamodel import report_json_schema

    if compare:
        from .compare import compare_json_schema

        schema = compare_json_schema()
    else:
        schema = report_json_schema()
    text = json.dumps(schema, ensure_ascii=False, indent=1) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
