"""Runs the TRL and verl functions of blend_reward.py against a live server and prints their results as JSON.

    /usr/bin/python3 clients/python/check_clients.py URL SAMPLES.json
SAMPLES.json: a list of {"task", "prompt", "response", "reference"}. Output: {"trl": [...], "verl": [...], "errors": [...]}.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blend_reward import BlendRewardError, compute_score, score, trl_reward  # noqa: E402

url, path = sys.argv[1], sys.argv[2]
samples = json.load(open(path, encoding="utf-8"))
reward = trl_reward(url)
# TRL passes conversational prompts/completions as message lists, and dataset columns as keyword arguments.
trl = reward(
    prompts=[[{"role": "user", "content": s["prompt"]}] for s in samples],
    completions=[[{"role": "assistant", "content": s["response"]}] for s in samples],
    task=[s["task"] for s in samples],
    reference=[s["reference"] for s in samples],
)
verl = [compute_score("blend", s["response"], s["reference"], {"task": s["task"], "prompt": s["prompt"]}, url=url) for s in samples]
errors = []
try:
    score([{"task": "math", "prompt": "p", "response": "r", "metadata": "not an object"}], url)
except BlendRewardError as e:
    errors.append(str(e))
try:
    compute_score("blend", "x", "1", {"task": "math"}, url="http://127.0.0.1:9", retries=1, timeout=2)
except BlendRewardError as e:
    errors.append("unreachable" if "unreachable" in str(e) else str(e))
print(json.dumps({"trl": trl, "verl": verl, "name": reward.__name__, "errors": errors}))
