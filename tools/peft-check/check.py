#!/usr/bin/python3
"""Checks Blend's merge of a PEFT LoRA adapter against NumPy, independently of Blend and of PEFT.

Reads ADAPTER_DIR/adapter_config.json and adapter_model.safetensors (PEFT's names: base_model.model.<module>.lora_A.weight
[r, in], .lora_B.weight [out, r]), BASE_DIR/model.safetensors and MERGED_DIR/model.safetensors (as PeftCheck writes them).
For every adapted module: expected = W + (lora_alpha / r) * B @ A in float64 (transposed when the base stores W as [in, out],
GPT-2's Conv1D, i.e. fan_in_fan_out), compared with Blend's merged tensor; every other tensor must equal the base's bit for bit.
Exits 1 when nothing was merged, an untouched tensor changed, or the error exceeds r + 2 ulps. Prints one JSON line:
modules, max_abs_diff, max_ulps (in units in the last place, in the merged dtype, of max(|W|, (alpha/r)|B| @ |A|): the size
of the terms summed), bit_equal_fraction (of the adapted weights, against the float64 result rounded once to the merged
dtype), max_delta (the size of the update), untouched_identical.

Usage: check.py ADAPTER_DIR BASE_DIR MERGED_DIR
Needs only NumPy.
"""
import json
import os
import sys

import numpy as np

# The reference scripts' safetensors reader and bfloat16 rounding (tests/reference/hf_tiny.py, NumPy only).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "reference"))
from hf_tiny import bf16_round, read_safetensors, safetensors_dtypes  # noqa: E402

PREFIX = "base_model.model."
NUMPY = {"F32": np.float32, "F16": np.float16}


def read(path):
    """name -> float64 array, and name -> the file's dtype."""
    return read_safetensors(path), safetensors_dtypes(path)


def round_to(x, dtype):
    """x (float64) rounded to the file dtype, as float64: float32 and float16 by NumPy, bfloat16 to nearest even from float32."""
    if dtype == "BF16":
        return bf16_round(x)[1].astype(np.float64)
    return x.astype(NUMPY[dtype]).astype(np.float64)


def ulp(x, dtype):
    """The unit in the last place of |x| in the file dtype."""
    if dtype == "BF16":
        return np.spacing(np.abs(x).astype(np.float32)).astype(np.float64) * 65536.0
    return np.spacing(np.abs(x).astype(NUMPY[dtype])).astype(np.float64)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    adapter_dir, base_dir, merged_dir = argv
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        cfg = json.load(f)
    scaling = cfg["lora_alpha"] / cfg["r"]
    adapter, adapter_dtypes = read(os.path.join(adapter_dir, "adapter_model.safetensors"))
    base, _ = read(os.path.join(base_dir, "model.safetensors"))
    merged, merged_dtypes = read(os.path.join(merged_dir, "model.safetensors"))
    if sorted(base) != sorted(merged):
        raise SystemExit(f"base and merged hold different tensors: {sorted(set(base) ^ set(merged))[:5]}")
    with open(os.path.join(base_dir, "config.json")) as f:
        model_type = json.load(f)["model_type"]
    # PEFT's fan_in_fan_out; PEFT forces it on for GPT-2's Conv1D (with a warning) whatever the file says.
    conv1d = model_type == "gpt2"
    if bool(cfg.get("fan_in_fan_out", False)) != conv1d:
        print(f"note: fan_in_fan_out is {cfg.get('fan_in_fan_out')} for a {model_type} base; PEFT uses {conv1d}", file=sys.stderr)
    touched, worst_abs, worst_ulp, biggest, exact, total = [], 0.0, 0.0, 0.0, 0, 0
    for key in sorted(adapter):
        if not key.endswith(".lora_A.weight"):
            continue
        module = key[len(PREFIX):-len(".lora_A.weight")]
        a = adapter[key].astype(np.float64)
        b = adapter[key[:-len("lora_A.weight")] + "lora_B.weight"].astype(np.float64)
        name = module + ".weight"
        if name not in base and name.startswith("transformer.") and name[len("transformer."):] in base:
            name = name[len("transformer."):]
        if name not in base:
            raise SystemExit(f"the adapter adapts {module!r}, the base has no {name!r}")
        w = base[name].astype(np.float64)
        delta = scaling * (b @ a)
        if conv1d:
            delta = delta.T  # GPT-2's Conv1D stores W as [in, out]
        if delta.shape != w.shape:
            raise SystemExit(f"{module}: B @ A is {delta.shape[::-1]}, the base weight {w.shape}")
        expected = w + delta
        got = merged[name].astype(np.float64)
        diff = np.abs(got - expected)
        worst_abs = max(worst_abs, float(diff.max()))
        dtype = merged_dtypes[name]
        rounded = round_to(expected, dtype)
        # float32 arithmetic rounds each product of B @ A and the sum: count ulps of the larger of |W| and (α/r)|B| @ |A|,
        # the size of the terms summed (the update itself can cancel to far less)
        terms = scaling * (np.abs(b) @ np.abs(a))
        scale = np.maximum(np.abs(w), terms.T if conv1d else terms)
        ulps = diff / ulp(scale, dtype)
        worst_ulp = max(worst_ulp, float(ulps.max()))
        exact += int((got == rounded).sum())
        total += got.size
        biggest = max(biggest, float(np.abs(delta).max()))
        touched.append(name)
    untouched = all(np.array_equal(base[n], merged[n]) for n in base if n not in touched)
    print(json.dumps({"adapter_dtypes": sorted(set(adapter_dtypes.values())), "merged_dtypes": sorted({merged_dtypes[n] for n in touched}),
                      "modules": len(touched), "scaling": scaling, "max_abs_diff": worst_abs, "max_ulps": worst_ulp,
                      "bit_equal_fraction": exact / max(total, 1),
                      "max_delta": biggest, "untouched_identical": untouched, "first": touched[:3]}))
    # a float32 sum of r products errs by at most about r/2 ulps of the summed terms' size (plus the final rounding)
    limit = cfg["r"] + 2
    if not touched or not untouched or worst_ulp > limit:
        raise SystemExit(f"FAIL: {len(touched)} modules merged, untouched tensors identical: {untouched}, max {worst_ulp:.3g} ulps (limit r + 2 = {limit})")


if __name__ == "__main__":
    main(sys.argv[1:])
