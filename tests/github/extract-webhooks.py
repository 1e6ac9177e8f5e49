#!/usr/bin/env python3
"""Copies real webhook payloads from npm @octokit/webhooks-examples into tests/fixtures/github/.

usage: extract-webhooks.py NODE_MODULES_DIR
"""
import json
import sys
from pathlib import Path

src = Path(sys.argv[1]) / "@octokit/webhooks-examples/api.github.com/index.json"
out = Path(__file__).resolve().parent.parent / "fixtures/github"
by_event = {e["name"]: e["examples"] for e in json.loads(src.read_text())}
prs = by_event["pull_request"]
wanted = {
    "pull_request.opened.json": next(x for x in prs if x.get("action") == "opened"),
    "pull_request.synchronize.json": next(x for x in prs if x.get("action") == "synchronize"),
    "pull_request.closed.json": next(x for x in prs if x.get("action") == "closed"),
    "push.json": by_event["push"][0],
    "workflow_dispatch.json": by_event["workflow_dispatch"][0],
    # The one example of a completed run that names its pull request.
    "workflow_run.completed.json": next(
        x for x in by_event["workflow_run"] if x["workflow_run"].get("pull_requests")
    ),
}
for name, payload in wanted.items():
    (out / name).write_text(json.dumps(payload, indent=2))
    print("wrote", out / name)
