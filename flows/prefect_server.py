"""A Prefect server (``prefect server start``, with its scheduler) as a child process.

Prefect's temporary server, which a flow starts when no ``PREFECT_API_URL`` is set, runs no
scheduler, so served deployments would never fire on their schedules. ``molgen serve``
starts this one instead; the tests start it the same way on PostgreSQL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from molgen.utils.errors import MolgenError

__all__ = ["free_port", "port_in_use", "prefect_server", "wait_healthy"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something listens on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_healthy(
    url: str, process: subprocess.Popen, timeout: float, log: Path | None = None
) -> None:
    """Poll ``url`` until it answers 200; fail if ``process`` exits or ``timeout`` passes.

    Raises:
        MolgenError: the server exited or did not become healthy (with its last log line).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(url, timeout=2).status_code == 200 and process.poll() is None:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    lines = log.read_text(errors="replace").strip().splitlines() if log and log.exists() else []
    state = "exited" if process.poll() is not None else f"not healthy after {timeout:.0f} s"
    last = f": {lines[-1]}" if lines else ""
    raise MolgenError(f"server for {url} {state}{last}" + (f" (log: {log})" if log else ""))


@contextmanager
def prefect_server(
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
    log_dir: str | Path | None = None,
) -> Iterator[str]:
    """Run ``prefect server start`` on 127.0.0.1 until the block ends.

    Args:
        port: TCP port (default: a free one).
        env: extra environment, e.g. ``PREFECT_API_DATABASE_CONNECTION_URL`` for PostgreSQL
            (default: Prefect's SQLite database under ``PREFECT_HOME``).
        timeout: seconds to wait for ``/api/health``.
        log_dir: where the server's output goes (``prefect-server.log``; default
            ``PREFECT_HOME``, which also holds its SQLite database).

    Yields:
        The API URL (``http://127.0.0.1:<port>/api``), for ``PREFECT_API_URL``.
    """
    port = port or free_port()
    if port_in_use(port):
        raise MolgenError(
            f"port {port} on 127.0.0.1 is in use (a Prefect server already? "
            "point PREFECT_API_URL at it, or pick another port)"
        )
    from prefect.settings import PREFECT_HOME

    folder = Path(log_dir or PREFECT_HOME.value())
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "prefect-server.log"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--analytics-off"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(f"{api}/health", process, timeout, log)
        yield api
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
