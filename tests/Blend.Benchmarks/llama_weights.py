"""Writes the `llama compare` benchmark model once: a Llama of about 100 M parameters with random weights, in the Hugging
Face layout (config.json + model.safetensors, F32), as another tool would have written it (no Blend manifest, no
tokenizer). NumPy only. The folder appears atomically (written beside it, then renamed); an existing one is kept.

    /usr/bin/python3 tests/Blend.Benchmarks/llama_weights.py DIR
"""
import json, os, shutil, sys
import numpy as np

CONFIG = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000, "hidden_size": 768,
    "intermediate_size": 2048, "num_hidden_layers": 12, "num_attention_heads": 12, "num_key_value_heads": 4,
    "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None,
    "hidden_act": "silu", "tie_word_embeddings": True, "attention_bias": False, "mlp_bias": False,
    "initializer_range": 0.02, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
}


def tensors(c, rng):
    """Parameter names and shapes of LlamaForCausalLM; weights normal(0, initializer_range), norms 1."""
    w, i, h, kvh = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"], c["num_key_value_heads"]
    d = w // h

    def normal(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * np.float32(c["initializer_range"]))

    yield "model.embed_tokens.weight", normal(c["vocab_size"], w)
    for n in range(c["num_hidden_layers"]):
        p = f"model.layers.{n}."
        yield p + "input_layernorm.weight", np.ones(w, np.float32)
        yield p + "self_attn.q_proj.weight", normal(h * d, w)
        yield p + "self_attn.k_proj.weight", normal(kvh * d, w)
        yield p + "self_attn.v_proj.weight", normal(kvh * d, w)
        yield p + "self_attn.o_proj.weight", normal(w, h * d)
        yield p + "post_attention_layernorm.weight", np.ones(w, np.float32)
        yield p + "mlp.gate_proj.weight", normal(i, w)
        yield p + "mlp.up_proj.weight", normal(i, w)
        yield p + "mlp.down_proj.weight", normal(w, i)
    yield "model.norm.weight", np.ones(w, np.float32)
    if not c["tie_word_embeddings"]:
        yield "lm_head.weight", normal(c["vocab_size"], w)


def write_safetensors(path, named):
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, a in named:
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for _, a in named:
            f.write(a.astype("<f4", copy=False).tobytes())


def main(folder):
    if os.path.exists(os.path.join(folder, "config.json")) and os.path.exists(os.path.join(folder, "model.safetensors")):
        print(f"model folder {folder} exists; kept")
        return
    tmp = folder.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    named = list(tensors(CONFIG, np.random.default_rng(1)))
    write_safetensors(os.path.join(tmp, "model.safetensors"), named)
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.dirname(folder.rstrip("/")) or ".", exist_ok=True)
    os.rename(tmp, folder)
    print(f"wrote {folder}: {sum(a.size for _, a in named):,} parameters")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
