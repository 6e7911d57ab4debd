from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import mlflow
import pytest
from mlflow.tracking import MlflowClient

from molgen.sampling.config import SampleConfig
from molgen.tracking import (
    check_tracking_server,
    configure_tracking,
    log_config,
    metric_logger,
    resolve_model_path,
    stage_run,
)
from molgen.utils.errors import InputError, MolgenError


def test_stage_runs_nest_and_carry_tags(workdir):
    configure_tracking(None, "unit")
    with stage_run("pipeline") as parent, stage_run("train") as child:
        log_config(SampleConfig(n=7), "sample.")
        metric_logger(child.info.run_id)({"loss": 1.5, "bad": float("nan")}, 3)
    client = MlflowClient()
    run = client.get_run(child.info.run_id)
    assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert run.data.tags["molgen.stage"] == "train" and run.data.tags["torch"]
    assert run.data.params["sample.n"] == "7"
    history = client.get_metric_history(child.info.run_id, "loss")
    assert [(m.value, m.step) for m in history] == [(1.5, 3)]
    assert not client.get_metric_history(child.info.run_id, "bad")


def test_resolve_model_path(tmp_path):
    (tmp_path / "best.pt").write_bytes(b"x")
    assert resolve_model_path(str(tmp_path)).name == "best.pt"
    (tmp_path / "checkpoint.pt").write_bytes(b"x")
    assert resolve_model_path(str(tmp_path)).name == "checkpoint.pt"
    with pytest.raises(InputError, match="checkpoint not found"):
        resolve_model_path(str(tmp_path / "nope.pt"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no checkpoint\.pt"):
        resolve_model_path(str(empty))


def test_resolve_unknown_mlflow_run(workdir):
    mlflow.set_experiment("unit")
    with pytest.raises(InputError, match="cannot fetch model from MLflow"):
        resolve_model_path("runs:/0123456789abcdef/model")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _http_server(status: int) -> Iterator[str]:
    """A real HTTP server on localhost that answers every GET with ``status``."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"OK")

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_tracking_server_fails_fast_in_one_line():
    uri = f"http://127.0.0.1:{_closed_port()}"
    started = time.perf_counter()
    with pytest.raises(MolgenError, match=rf"MLflow tracking server {uri} is unreachable"):
        check_tracking_server(uri, timeout=2)
    assert time.perf_counter() - started < 2


def test_a_server_that_never_answers_fails_after_the_timeout():
    with socket.socket() as silent:  # accepts connections (backlog) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        uri = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.perf_counter()
        with pytest.raises(MolgenError, match=r"no answer within 0\.5 s") as err:
            check_tracking_server(uri, timeout=0.5)
        assert time.perf_counter() - started < 5
    assert "\n" not in str(err.value)


def test_answering_servers_pass_and_server_errors_fail():
    with _http_server(200) as uri:
        check_tracking_server(uri, timeout=2)
    with _http_server(404) as uri:  # answers, e.g. behind a proxy without /health
        check_tracking_server(uri, timeout=2)
    with _http_server(503) as uri, pytest.raises(MolgenError, match="answered HTTP 503"):
        check_tracking_server(uri, timeout=2)
    check_tracking_server("sqlite:///nowhere/mlflow.db")  # databases are not checked here


def test_configure_tracking_checks_the_server_first(workdir):
    uri = f"http://127.0.0.1:{_closed_port()}/"
    with pytest.raises(MolgenError, match="is unreachable"):
        configure_tracking(uri, "unit", timeout=1)
