"""Blend reward clients for Python RL engines, standard library only (urllib, json).

Start the server first:

    blend serve --recipe recipes/judges-four-tasks.json --urls http://127.0.0.1:8000

TRL (GRPOTrainer):

    from blend_reward import trl_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[trl_reward("http://127.0.0.1:8000")], ...)

    The function receives prompts and completions (plain strings or chat messages) and the dataset's other columns as
    keyword arguments; a "task" column routes samples to the recipe's tasks, and a "reference", "answer", "solution" or
    "ground_truth" column is the reference answer.

verl (custom_reward_function):

    custom_reward_function.path=clients/python/blend_reward.py
    custom_reward_function.name=compute_score
    +custom_reward_function.reward_kwargs.url=http://127.0.0.1:8000   (or set BLEND_REWARD_URL)

    compute_score(data_source, solution_str, ground_truth, extra_info) returns the sample's reward; the task is
    extra_info["task"], else the reward_kwargs task, else the server's default task.

Errors are not hidden: a 4xx/5xx answer or an unreachable server raises BlendRewardError with the server's message
(after a bounded number of retries for connection failures), and every call has a timeout.
"""

import json
import os
import time
import urllib.error
import urllib.request

__all__ = ["BlendRewardError", "score", "trl_reward", "compute_score"]

DEFAULT_URL = "http://127.0.0.1:8000"
REFERENCE_COLUMNS = ("reference", "answer", "solution", "ground_truth", "label")


class BlendRewardError(RuntimeError):
    """The Blend server refused the request, failed, or could not be reached."""


def _text(message):
    """A prompt or completion as text: a string as is; chat messages -> the last message's content."""
    if isinstance(message, str):
        return message
    if isinstance(message, dict):
        return str(message.get("content", ""))
    if isinstance(message, (list, tuple)) and message:
        return _text(message[-1])
    return "" if message is None else str(message)


def _post(url, path, body, timeout, retries):
    data = json.dumps(body).encode("utf-8")
    last = None
    for attempt in range(retries + 1):
        request = urllib.request.Request(url.rstrip("/") + path, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("error", detail)
            except ValueError:
                pass
            raise BlendRewardError("Blend server %s%s answered %d: %s" % (url, path, e.code, detail)) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            last = e
            if attempt < retries:
                time.sleep(0.2 * (attempt + 1))
    raise BlendRewardError("Blend server %s unreachable after %d attempts: %s" % (url, retries + 1, last))


def score(samples, url=None, timeout=30.0, retries=2):
    """Scores samples ({"task", "prompt", "response", "reference", "metadata"}; task and reference optional)
    with POST /score; returns one result per sample: passed, verdicts, components, total, reward, error."""
    url = url or os.environ.get("BLEND_REWARD_URL", DEFAULT_URL)
    clean = []
    for s in samples:
        item = {"prompt": s.get("prompt", ""), "response": s["response"]}
        for key in ("task", "reference", "metadata"):
            if s.get(key) is not None:
                item[key] = s[key] if key == "metadata" else str(s[key])
        clean.append(item)
    answer = _post(url, "/score", {"samples": clean}, timeout, retries)
    results = answer.get("results")
    if not isinstance(results, list) or len(results) != len(clean):
        raise BlendRewardError("Blend server %s returned %r results for %d samples" % (url, None if results is None else len(results), len(clean)))
    return results


def trl_reward(url=None, task=None, timeout=30.0, retries=2):
    """A reward function for TRL's GRPOTrainer (reward_funcs=[...]): f(prompts, completions, **kwargs) -> list of floats."""

    def blend(prompts, completions, **kwargs):
        tasks = kwargs.get("task")
        references = next((kwargs[c] for c in REFERENCE_COLUMNS if kwargs.get(c) is not None), None)
        samples = []
        for i, completion in enumerate(completions):
            sample = {"prompt": _text(prompts[i]) if prompts is not None else "", "response": _text(completion)}
            t = tasks[i] if isinstance(tasks, (list, tuple)) else (tasks or task)
            if t is not None:
                sample["task"] = t
            if references is not None:
                sample["reference"] = references[i]
            samples.append(sample)
        return [float(r["reward"]) for r in score(samples, url, timeout, retries)]

    blend.__name__ = "blend"  # TRL logs each reward function under its __name__
    return blend


def compute_score(data_source, solution_str, ground_truth, extra_info=None, url=None, task=None, timeout=30.0, retries=2):
    """verl's reward function: the Blend reward of one response (solution_str) against ground_truth."""
    extra_info = extra_info or {}
    sample = {
        "prompt": _text(extra_info.get("prompt", "")),
        "response": solution_str,
        "reference": ground_truth,
    }
    t = extra_info.get("task") or task
    if t is not None:
        sample["task"] = t
    return float(score([sample], url, timeout, retries)[0]["reward"])
