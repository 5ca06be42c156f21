#!/usr/bin/python3
"""Merges a PEFT LoRA adapter into its base checkpoint, independently of Blend and of PEFT, for Blend's LoRA tests.

Reads ADAPTER_DIR/adapter_config.json (peft_type LORA, r, lora_alpha, fan_in_fan_out) and ADAPTER_DIR/adapter_model.safetensors
(PEFT's names: base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r]; modules_to_save saved whole as
base_model.model.<module>.weight), and the base model folder as transformers lays it out (hf_tiny.read_folder). Every adapted
weight becomes W + (lora_alpha / r) * B @ A, transposed for fan_in_fan_out (GPT-2's Conv1D stores W as [in, out]), in float64.
Writes OUT_DIR/model.safetensors (float32) and OUT_DIR/config.json (the base's), and prints JSON: the merged tensor names.

Usage: peft_merge.py ADAPTER_DIR BASE_DIR OUT_DIR
Needs only NumPy (Debian's python3-numpy).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_tiny import read_folder, read_safetensors, write_safetensors  # noqa: E402

PREFIX = "base_model.model."


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    adapter_dir, base_dir, out = argv
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        cfg = json.load(f)
    if cfg.get("peft_type") != "LORA":
        raise SystemExit(f"{adapter_dir}: peft_type is {cfg.get('peft_type')!r}, not LORA")
    scaling = cfg["lora_alpha"] / cfg["r"]
    fan_in_fan_out = bool(cfg.get("fan_in_fan_out", False))
    adapter = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    base_cfg, w = read_folder(base_dir)

    def base_name(module):
        # GPT-2 files may be bare GPT2Model ones, without the transformer. prefix.
        name = module + ".weight"
        if name not in w and name.startswith("transformer.") and name[len("transformer."):] in w:
            name = name[len("transformer."):]
        if name not in w:
            raise SystemExit(f"{base_dir}: the adapter adapts {module!r}, but the base has no tensor {module + '.weight'!r}")
        return name

    merged = []
    for key, a in adapter.items():
        if not key.startswith(PREFIX):
            raise SystemExit(f"{adapter_dir}: tensor {key!r} does not start with {PREFIX!r}")
        if key.endswith(".lora_B.weight"):
            continue
        if key.endswith(".lora_A.weight"):
            module = key[len(PREFIX):-len(".lora_A.weight")]
            b = adapter[key.replace(".lora_A.weight", ".lora_B.weight")]
            delta = scaling * (b @ a)
            if fan_in_fan_out:
                delta = delta.T
            name = base_name(module)
            if w[name].shape != delta.shape:
                raise SystemExit(f"{name}: base {w[name].shape}, delta {delta.shape}")
            w[name] = w[name] + delta
            merged.append(name)
        else:  # modules_to_save: the whole module's tensor replaces the base's
            w[key[len(PREFIX):]] = a
            merged.append(key[len(PREFIX):])
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(base_cfg, f, indent=2)
    write_safetensors(os.path.join(out, "model.safetensors"), {k: v.astype(np.float32) for k, v in w.items()})
    print(json.dumps({"merged": sorted(merged)}))


if __name__ == "__main__":
    main(sys.argv[1:])
