"""Renders chat templates with Python's Jinja2 in the environment transformers' apply_chat_template uses
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loop controls, its tojson, raise_exception, strftime_now).
stdin: {"cases": [{"template": "...", "vars": {...}}]}; stdout: {"results": [{"text": "..."} | {"error": "..."}]}"""
import json
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = strftime_now

results = []
for case in json.load(sys.stdin)["cases"]:
    try:
        results.append({"text": env.from_string(case["template"]).render(**case["vars"])})
    except Exception as e:  # noqa: BLE001 - the test reports every failure
        results.append({"error": f"{type(e).__name__}: {e}"})
json.dump({"results": results}, sys.stdout, ensure_ascii=False)
