"""Notebook harness: start (or reach) a HeCompute server, run the `hecompute` CLI with --json, call the REST API.

The notebooks use the product exactly as a user does. This module only launches processes and speaks HTTP; it holds
no cryptography and no DICOM or statistics logic of its own.

Environment:
  HECOMPUTE_URL          use this running server instead of starting one (then HECOMPUTE_ADMIN_KEY is required)
  HECOMPUTE_ADMIN_KEY    the admin API key of that server
  HECOMPUTE_SERVER_DLL   the built server (default: server/HeCompute.Server/bin/Release/net10.0/HeCompute.Server.dll)
  HECOMPUTE_CLI_DLL      the built CLI (default: client-sdk/HeCompute.Cli/bin/Release/net10.0/hecompute.dll)
  HECOMPUTE_BENCH_DLL    the built benchmarks (default: bench/HeCompute.Bench/bin/Release/net10.0/HeCompute.Bench.dll)
  HECOMPUTE_CONFIGURATION  Release (default) or Debug: which build the defaults point at
"""

import atexit
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _built(env_name, project, dll):
    """The path of a built assembly; builds the project in Release once if it is missing."""
    configured = os.environ.get(env_name)
    if configured:
        return Path(configured)
    configuration = os.environ.get("HECOMPUTE_CONFIGURATION", "Release")
    path = REPO / project / "bin" / configuration / "net10.0" / dll
    if not path.exists():
        subprocess.run(["dotnet", "build", str(REPO / project), "-c", configuration, "-v", "q", "-nologo"], check=True)
    return path


def server_dll():
    return _built("HECOMPUTE_SERVER_DLL", "server/HeCompute.Server", "HeCompute.Server.dll")


def cli_dll():
    return _built("HECOMPUTE_CLI_DLL", "client-sdk/HeCompute.Cli", "hecompute.dll")


def bench_dll():
    return _built("HECOMPUTE_BENCH_DLL", "bench/HeCompute.Bench", "HeCompute.Bench.dll")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiError(Exception):
    """A problem-details answer of the server."""

    def __init__(self, status, problem):
        super().__init__(f"HTTP {status}: {problem.get('title')} — {problem.get('detail')}")
        self.status = status
        self.problem = problem


class Server:
    """A HeCompute server on its embedded default storage, on a free loopback port, stopped by `stop()`."""

    def __init__(self):
        self.url = os.environ.get("HECOMPUTE_URL")
        self._process = None
        self._data = None
        if self.url:
            self.admin_key = os.environ["HECOMPUTE_ADMIN_KEY"]
            return
        self._data = tempfile.mkdtemp(prefix="hecompute-nb-")
        self.admin_key = "nb-admin-" + secrets.token_urlsafe(32)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ)
        env.update({
            "ASPNETCORE_URLS": self.url,
            "HeCompute__Storage__DataDirectory": self._data,
            "HeCompute__BootstrapAdminKey": self.admin_key,
            "Logging__LogLevel__Default": "Warning",
        })
        dll = server_dll()
        self._log = open(os.path.join(self._data, "server.log"), "w")
        self._process = subprocess.Popen(["dotnet", str(dll)], cwd=str(dll.parent), env=env,
                                         stdout=self._log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)  # a notebook that fails half-way must not leave a server behind
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + "/health/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if self._process.poll() is not None or time.time() > deadline:
                raise RuntimeError("the server did not become ready:\n" + Path(self._data, "server.log").read_text())
            time.sleep(0.3)

    def stop(self):
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._log.close()
            self._process = None
        if self._data:
            shutil.rmtree(self._data, ignore_errors=True)
            self._data = None

    def api(self, method, path, key, body=None, raw=False):
        """One REST call with `Authorization: Bearer key`; JSON in and out (bytes out with raw=True)."""
        data = None
        headers = {"Authorization": f"Bearer {key}"}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=300) as r:
                content = r.read()
        except urllib.error.HTTPError as e:
            content = e.read()
            try:
                problem = json.loads(content)
            except ValueError:
                problem = {"title": e.reason, "detail": content.decode(errors="replace")}
            raise ApiError(e.code, problem) from None
        if raw:
            return content
        return json.loads(content) if content else None

    def upload(self, path, key, files):
        """A multipart/form-data POST of binary parts {name: bytes} (e.g. a key set in SEAL format); JSON back."""
        boundary = "hecompute-nb-" + secrets.token_hex(12)
        body = bytearray()
        for name, content in files.items():
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.bin\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n").encode()
            body += content + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.url + path, data=bytes(body), method="POST", headers={
            "Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(request, timeout=300) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise ApiError(e.code, json.loads(e.read())) from None

    def tenant(self, name, roles=("hospital", "model-admin", "auditor")):
        """Creates a tenant and one API key with `roles`; returns (tenant id, key secret)."""
        tenant = self.api("POST", "/v1/admin/tenants", self.admin_key, {"name": name})
        created = self.api("POST", f"/v1/admin/tenants/{tenant['id']}/keys", self.admin_key,
                           {"name": f"{name} notebook", "roles": list(roles)})
        return tenant["id"], created["secret"]


class CliError(RuntimeError):
    """A failed `hecompute` command: its exit code and the problem it printed (title, detail)."""

    def __init__(self, args, code, problem, output):
        detail = problem.get("detail") if problem else output
        super().__init__(f"hecompute {' '.join(map(str, args))} exited {code}: {detail}")
        self.code = code
        self.problem = problem or {}


class Cli:
    """The `hecompute` CLI bound to one server, API key and key store; every call uses --json."""

    def __init__(self, server, api_key, passphrase=None, key_store=None):
        self.server = server
        self.api_key = api_key
        self.key_store = key_store or tempfile.mkdtemp(prefix="hecompute-keys-")
        self.passphrase = passphrase or secrets.token_urlsafe(24)

    def env(self):
        env = dict(os.environ)
        env.update({
            "HECOMPUTE_URL": self.server.url if self.server else "",
            "HECOMPUTE_API_KEY": self.api_key or "",
            "HECOMPUTE_PASSPHRASE": self.passphrase,
        })
        return env

    def __call__(self, *args, timeout=1800):
        """Runs `hecompute ARGS --json`; returns the parsed JSON, raises with the CLI's error on failure."""
        command = ["dotnet", str(cli_dll()), *map(str, args), "--json", "--key-store", self.key_store]
        done = subprocess.run(command, env=self.env(), capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            try:
                problem = json.loads(done.stdout)
            except ValueError:
                problem = None
            raise CliError(args, done.returncode, problem, done.stdout + done.stderr)
        try:
            return json.loads(done.stdout)
        except ValueError:
            raise CliError(args, done.returncode, None, "no JSON on stdout:\n" + done.stdout + "\nstderr:\n" + done.stderr) from None


def local_cli():
    """A CLI for commands that need no server (dicom, features, ckks)."""
    return Cli(None, None)


def seal(command, args):
    """Microsoft SEAL (node-seal 7.0.0, WebAssembly) through tests/interop's oracle script: a SEAL application to talk to.

    Installs node-seal and a Node binary from npm on first use (tests/interop/install.sh)."""
    installed = subprocess.run(["bash", str(REPO / "tests/interop/install.sh")], capture_output=True, text=True, check=True)
    node = installed.stdout.strip().splitlines()[-1]
    done = subprocess.run([node, "--experimental-wasm-exnref", str(REPO / "tests/interop/seal-oracle.mjs"), command, "-"],
                          input=json.dumps(args), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout)
