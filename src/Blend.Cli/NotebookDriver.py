"""Runs one notebook in the real Jupyter kernel its metadata names (for Blend: the .NET Interactive kernel,
`.net-csharp` / `.net-fsharp`) through nbclient, the library behind `jupyter nbconvert --execute`.

`blend notebook run` writes this file out and calls it with Debian's /usr/bin/python3 (or $BLEND_PYTHON). It adds what
nbconvert lacks: parameters injected after the cell tagged `parameters` (papermill style), the failing cell named
in the error, and a JSON summary on the last line of stdout (kernel name and version, per-cell time, in-place
display updates, error and stderr outputs) that the tests check.

usage: NotebookDriver.py IN.ipynb OUT.ipynb [--param NAME=VALUE]... [--kernel NAME] [--cell-timeout SECONDS]
exit: 0 every cell ran; 1 a cell failed (OUT is still written, up to and including that cell); 2 bad input.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError
except ImportError as e:  # the CLI turns this into a message naming the packages
    print(f"notebook driver: {e} (install jupyter-nbconvert python3-nbclient, or pip install nbclient)", file=sys.stderr)
    sys.exit(3)

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def literal(value, fsharp):
    if value in ("true", "false"):
        return value
    if re.fullmatch(r"[+-]?\d+", value):
        return value
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", value):
        return value if ("." in value or "e" in value.lower()) else value + ".0"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def inject(nb, params, fsharp):
    """Inserts one code cell declaring the parameters after the `parameters` cell (else before the first code cell)."""
    if not params:
        return None
    lines = []
    for p in params:
        if "=" not in p or not NAME.match(p.split("=", 1)[0].strip()):
            raise ValueError(f"--param '{p}': expected NAME=VALUE with NAME an identifier")
        name, value = p.split("=", 1)
        name = name.strip()
        lines.append(f"let {name} = {literal(value, fsharp)}" if fsharp else f"var {name} = {literal(value, fsharp)};")
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    if not code:
        raise ValueError("the notebook has no code cell to put parameters after")
    tagged = [i for i in code if "parameters" in nb.cells[i].get("metadata", {}).get("tags", [])]
    at = tagged[0] + 1 if tagged else code[0]
    cell = nbformat.v4.new_code_cell("// Injected parameters\n" + "\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at, cell)
    return at


class Client(NotebookClient):
    """nbclient plus bookkeeping: in-place display updates per cell and the kernel's kernel_info reply."""

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.updates = {}
        self.kernel_info = None
        self.started = {}
        self.finished = {}

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] == "update_display_data":  # nbclient renames it before it looks at it: count first
            self.updates[cell_index] = self.updates.get(cell_index, 0) + 1
        return super().process_message(msg, cell, cell_index)

    async def async_wait_for_reply(self, msg_id, cell=None):
        reply = await super().async_wait_for_reply(msg_id, cell)
        if cell is None and reply and self.kernel_info is None and "implementation" in reply.get("content", {}):
            self.kernel_info = reply["content"]
        return reply

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.started[cell_index] = time.monotonic()
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            self.finished[cell_index] = time.monotonic()


def tool_version(kernel):
    """The version of the program the kernelspec starts (`dotnet interactive --version` for the .NET kernels)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        argv = KernelSpecManager().get_kernel_spec(kernel).argv
        if len(argv) >= 2 and argv[1] == "interactive":
            out = subprocess.run([argv[0], argv[1], "--version"], capture_output=True, text=True, timeout=120)
            return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else None
        return " ".join(argv)
    except Exception:  # noqa: BLE001 - the version is information, not a reason to fail the run
        return None


def text_of(output):
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return f"{output.ename}: {output.evalue}"
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--kernel")
    ap.add_argument("--cell-timeout", type=int, default=900)
    args = ap.parse_args()

    try:
        nb = nbformat.read(args.input, as_version=4)
    except Exception as e:  # noqa: BLE001 - any unreadable file is bad input
        print(f"{args.input}: not a readable notebook: {e}", file=sys.stderr)
        return 2
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name")
    if not kernel:
        print(f"{args.input}: metadata.kernelspec.name is missing; pass --kernel", file=sys.stderr)
        return 2
    fsharp = "fsharp" in kernel or nb.metadata.get("kernelspec", {}).get("language", "") == "F#"
    # Cell numbers as the author sees them (1-based position in IN); the injected cell has none.
    numbers = list(range(1, len(nb.cells) + 1))
    try:
        at = inject(nb, args.param, fsharp)
    except ValueError as e:
        print(f"{args.input}: {e}", file=sys.stderr)
        return 2
    if at is not None:
        numbers.insert(at, None)

    folder = os.path.dirname(os.path.abspath(args.input))
    client = Client(nb, kernel_name=kernel, timeout=args.cell_timeout, startup_timeout=300,
                    resources={"metadata": {"path": folder}}, allow_errors=False)
    t0 = time.monotonic()
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = e
    except (DeadKernelError, CellTimeoutError, RuntimeError, TimeoutError) as e:
        failure = e
    seconds = time.monotonic() - t0
    nbformat.write(nb, args.output)

    cells, errors, stderr = [], [], []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or i not in client.started:
            continue
        n = numbers[i]
        label = f"cell {n}" if n is not None else "the injected parameters cell"
        first = next((l for l in cell.source.splitlines() if l.strip()), "")
        outs = cell.get("outputs", [])
        for o in outs:
            if o.output_type == "error":
                errors.append(f"{label} ({first.strip()[:60]}): {text_of(o).strip()}")
            elif o.output_type == "stream" and o.name == "stderr" and o.text.strip():
                stderr.append(f"{label}: {o.text.strip()}")
        cells.append({"cell": n, "seconds": round(client.finished.get(i, t0) - client.started[i], 2),
                      "outputs": len(outs), "updates": client.updates.get(i, 0)})
    if failure is not None and not errors:
        running = max(client.started, key=client.started.get) if client.started else None
        n = numbers[running] if running is not None else None
        errors.append(f"cell {n}: {type(failure).__name__}: {str(failure).strip()[:2000]}")
    info = client.kernel_info or {}
    summary = {"notebook": args.input, "kernel": kernel, "implementation": info.get("implementation"),
               "implementation_version": info.get("implementation_version"), "tool_version": tool_version(kernel),
               "language": info.get("language_info", {}).get("name"),
               "seconds": round(seconds, 1), "cells": cells, "errors": errors, "stderr": stderr,
               "bytes": os.path.getsize(args.output)}
    for e in errors:
        print("error: " + e, file=sys.stderr)
    print(json.dumps(summary))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
