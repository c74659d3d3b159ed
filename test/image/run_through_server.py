#!/usr/bin/env python3
"""Runs a notebook through a running Jupyter server, the way JupyterLab does, and reports.

    run_through_server.py NOTEBOOK_PATH [--url http://127.0.0.1:8888] [--token T] [--timeout 900]

NOTEBOOK_PATH is relative to the server's root (the home folder). Starts a session with the
notebook's kernel through the REST API, sends each code cell over the kernel's websocket, collects the
outputs (live displays updated in place), saves the executed notebook back through the contents API
as <name>.executed.ipynb, and prints one JSON line: seconds, cells, errors, stderr lines, the backend
line and the kernel's peak memory (VmHWM of the tslab process, read from /proc: run it inside the
container). Exit status 0 when no cell failed. Uses only the standard library and websocket-client,
both in the image.
"""
import argparse
import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

import websocket  # websocket-client, a dependency of jupyter_server's terminals


def api(base, token, method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "token " + token)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
    return json.loads(data) if data else None


def wait_for_server(base, token, seconds):
    deadline = time.time() + seconds
    while True:
        try:
            return api(base, token, "GET", "/api/status")
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.time() > deadline:
                raise SystemExit("no Jupyter server answered at %s within %d s" % (base, seconds))
            time.sleep(1)


def peak_kb(markers):
    """Largest VmHWM (peak resident memory) among the processes visible here whose command line has
    one of `markers` (inside the container: the tslab kernel, or the Jupyter server)."""
    best = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\0", b" ")
            if not any(m in cmd for m in markers):
                continue
            for line in open("/proc/%s/status" % pid):
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            continue
    return best


class Kernel:
    def __init__(self, base, token, kernel_id):
        self.session = uuid.uuid4().hex
        url = base.replace("http", "ws", 1) + "/api/kernels/%s/channels?session_id=%s" % (kernel_id, self.session)
        self.ws = websocket.create_connection(url, header=["Authorization: token " + token], timeout=30)

    def execute(self, code, timeout):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "student", "session": self.session, "msg_type": "execute_request",
                       "version": "5.3", "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        outputs, displays, reply, idle = [], {}, None, False
        deadline = time.time() + timeout
        while reply is None or not idle:
            if time.time() > deadline:
                raise TimeoutError("cell ran past %d s" % timeout)
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if msg.get("channel") == "shell" and kind == "execute_reply":
                reply = content
            elif kind == "status":
                idle = content.get("execution_state") == "idle"
            elif kind == "stream":
                if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1]["name"] == content["name"]:
                    outputs[-1]["text"] += content["text"]
                else:
                    outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
            elif kind in ("display_data", "execute_result"):
                out = {"output_type": kind, "data": content.get("data", {}), "metadata": content.get("metadata", {})}
                if kind == "execute_result":
                    out["execution_count"] = content.get("execution_count")
                outputs.append(out)
                display_id = content.get("transient", {}).get("display_id")
                if display_id:
                    displays.setdefault(display_id, []).append(out)
            elif kind == "update_display_data":
                for out in displays.get(content.get("transient", {}).get("display_id"), []):
                    out["data"], out["metadata"] = content.get("data", {}), content.get("metadata", {})
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"],
                                "traceback": content.get("traceback", [])})
        return reply, outputs


def text_of(outputs):
    parts = []
    for o in outputs:
        if o["output_type"] == "stream":
            parts.append(o["text"])
        elif "data" in o:
            parts.append(str(o["data"].get("text/plain", "")))
        elif o["output_type"] == "error":
            parts.append("%s: %s" % (o["ename"], o["evalue"]))
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook")
    ap.add_argument("--url", default="http://127.0.0.1:8888")
    ap.add_argument("--token", default=os.environ.get("JUPYTER_TOKEN", ""))
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    a = ap.parse_args()
    base = a.url.rstrip("/")
    wait_for_server(base, a.token, 120)
    specs = api(base, a.token, "GET", "/api/kernelspecs")
    model = api(base, a.token, "GET", "/api/contents/" + a.notebook + "?content=1")
    nb = model["content"]
    kernel_name = nb["metadata"]["kernelspec"]["name"]
    if kernel_name not in specs["kernelspecs"]:
        raise SystemExit("the server has no kernel %r (it has %s)" % (kernel_name, sorted(specs["kernelspecs"])))
    t0 = time.time()
    session = api(base, a.token, "POST", "/api/sessions",
                  {"path": a.notebook, "type": "notebook", "name": os.path.basename(a.notebook), "kernel": {"name": kernel_name}})
    kernel = Kernel(base, a.token, session["kernel"]["id"])
    errors, stderr_lines, backend, count = [], [], None, 0
    try:
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            count += 1
            try:
                reply, outputs = kernel.execute(source, a.timeout)
            except TimeoutError as e:
                api(base, a.token, "POST", "/api/kernels/%s/interrupt" % session["kernel"]["id"])
                errors.append("cell %d: %s" % (i, e))
                break
            cell["outputs"], cell["execution_count"] = outputs, count
            for o in outputs:
                if o["output_type"] == "stream" and o["name"] == "stderr":
                    stderr_lines += ["cell %d: %s" % (i, l) for l in o["text"].splitlines() if l.strip()]
            text = text_of(outputs)
            for line in text.splitlines():
                if line.startswith("Backend: ") and backend is None:
                    backend = line
            if reply.get("status") != "ok" or any(o["output_type"] == "error" for o in outputs):
                errors.append("cell %d: %s" % (i, (text.strip().splitlines() or ["error"])[-1]))
                break
        kernel_kb = peak_kb([b"tslab", b"launch.js"])
        server_kb = peak_kb([b"jupyter-lab", b"jupyter lab", b"jupyterhub-singleuser"])
    finally:
        kernel.ws.close()
        api(base, a.token, "DELETE", "/api/sessions/" + session["id"])
    seconds = time.time() - t0
    out_path = a.notebook[:-len(".ipynb")] + ".executed.ipynb"
    api(base, a.token, "PUT", "/api/contents/" + out_path, {"type": "notebook", "format": "json", "content": nb})
    print(json.dumps({"notebook": a.notebook, "saved": out_path, "seconds": round(seconds, 1), "cells": count,
                      "errors": errors, "stderr": stderr_lines, "backend": backend,
                      "kernelPeakMB": round(kernel_kb / 1024), "serverPeakMB": round(server_kb / 1024), "kernels": sorted(specs["kernelspecs"])}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
