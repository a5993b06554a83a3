#!/usr/bin/env python3
"""workflows_test.py SOURCE_DIR DDPARITY: the GitHub workflows under
.github/workflows, read as GitHub would (YAML), hold what the README and the
project say: every file parses into `on` and `jobs`, each job runs on
something and each step uses an action or runs a script that bash can parse;
the push workflow runs the README's test command; ClusterFuzzLite builds
with .clusterfuzzlite/ in code-change mode on pull requests and batch mode
nightly; the nightly campaign's versions are ones the baselines measure,
and every `build/ddparity CMD --option` a workflow runs is an option that
CMD's --help names (so a workflow cannot call what the program lacks)."""
import re
import subprocess
import sys
from pathlib import Path

import yaml

src, ddp = Path(sys.argv[1]), sys.argv[2]
failed = []


def fail(msg):
    failed.append(msg)
    print("FAIL:", msg)


flows = {}
for path in sorted((src / ".github/workflows").glob("*.yml")):
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        fail(f"{path.name}: not YAML: {e}")
        continue
    # YAML 1.1 reads a bare `on` key as True.
    on = doc.get("on", doc.get(True))
    if not on or not isinstance(doc.get("jobs"), dict) or not doc["jobs"]:
        fail(f"{path.name}: no `on` or no jobs")
        continue
    flows[path.name] = (doc, on)
    for name, job in doc["jobs"].items():
        if "runs-on" not in job or not job.get("steps"):
            fail(f"{path.name}: job {name} has no runs-on or no steps")
        for i, step in enumerate(job.get("steps", [])):
            if ("uses" in step) == ("run" in step):
                fail(f"{path.name}: {name} step {i}: one of uses and run")
            if "run" in step:
                script = re.sub(r"\$\{\{[^}]*\}\}", "X", step["run"])
                r = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
                if r.returncode:
                    fail(f"{path.name}: {name} step {i}: bash -n: {r.stderr.strip()}")

readme = (src / "README.md").read_text()
test_cmd = re.search(r"^(bash ci/run-tests)\s", readme, re.M)
if not test_cmd:
    fail("README has no `bash ci/run-tests` line")


def runs(doc):
    return "\n".join(s.get("run", "") for j in doc["jobs"].values() for s in j.get("steps", []))


def uses(doc):
    return [s.get("uses", "") for j in doc["jobs"].values() for s in j.get("steps", [])]


def modes(doc):
    return {s.get("with", {}).get("mode") for j in doc["jobs"].values() for s in j.get("steps", [])} - {None}


checks = {
    "tests.yml": lambda d, on: "push" in on and test_cmd and test_cmd.group(1) in runs(d),
    "cflite_pr.yml": lambda d, on: "pull_request" in on and modes(d) == {"code-change"}
    and any(u.startswith("google/clusterfuzzlite/actions/build_fuzzers") for u in uses(d)),
    "cflite_batch.yml": lambda d, on: "schedule" in on and modes(d) == {"batch"},
    "diff-nightly.yml": lambda d, on: "schedule" in on and "findings merge" in runs(d)
    and "--shard" in runs(d),
}
for name, check in checks.items():
    if name not in flows:
        fail(f"{name} is missing")
    elif not check(*flows[name]):
        fail(f"{name}: does not do what it is for")
if not (src / ".clusterfuzzlite/build.sh").exists() or "language: c" not in (
        src / ".clusterfuzzlite/project.yaml").read_text():
    fail(".clusterfuzzlite/ has no build.sh or is not language: c")

# The nightly matrix: versions the baselines measure.
if "diff-nightly.yml" in flows:
    measured = (src / "expected-outputs/dd-info-json/version-map.json").read_text()
    for job in flows["diff-nightly.yml"][0]["jobs"].values():
        for v in job.get("strategy", {}).get("matrix", {}).get("version", []):
            if f'"{v}"' not in measured:
                fail(f"diff-nightly.yml: version {v} has no baselines")

# Every option a workflow gives ddparity, named by that command's --help.
helps = {}
for name, (doc, _) in flows.items():
    for m in re.finditer(r"build/ddparity ([a-z]+)((?:\\\n|[^\n])*)", runs(doc)):
        cmd = m.group(1)
        if cmd not in helps:
            r = subprocess.run([ddp, cmd, "--help"], capture_output=True, text=True)
            helps[cmd] = r.stdout + r.stderr if r.returncode == 0 else None
        if helps[cmd] is None:
            fail(f"{name}: ddparity {cmd} --help fails: no such command?")
            continue
        for opt in re.findall(r"(?<![\w-])--[a-z][a-z-]*", m.group(2)):
            if not re.search(re.escape(opt) + r"\b", helps[cmd]):
                fail(f"{name}: ddparity {cmd} has no option {opt}")
print(f"workflows: {len(flows)} read, {len(helps)} ddparity commands checked")
if failed:
    sys.exit(1)
print("PASS: workflows")
