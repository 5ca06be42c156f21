#!/usr/bin/python3
"""Tiny random Hugging Face checkpoints and their reference logits, for Blend's model tests.

Writes, for each variant, a folder with config.json and model.safetensors in the Hugging Face layout (GPT2LMHeadModel,
LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM), plus reference.safetensors holding input_ids
[B,T] (int64) and logits [B,T,V] (float32) computed by an independent NumPy forward pass in float64 written from the
architectures' published definitions (not from Blend, not from PyTorch).

The reward variants (*-reward) are sequence classifiers as transformers lays them out (GPT2ForSequenceClassification,
LlamaForSequenceClassification, Qwen2ForSequenceClassification with num_labels = 1): the backbone's tensors and
score.weight [1, hidden], no LM head, no score bias. Their reference.safetensors holds input_ids [B,T] (the second row
right-padded with pad_token_id, which also occurs once inside the first row) and scores [B]: score.weight . hidden at the
rightmost position whose id is not pad_token_id, as transformers' sequence classifiers pool.

Usage: hf_tiny.py OUT_DIR [--bf16] [VARIANT ...]   (default: every variant, float32 weights)
       hf_tiny.py --score FOLDER ID,ID,...          (reads a model folder, one file or shards with their index, as
                                                     transformers lays it out, and prints JSON: the last position's logits
                                                     and, for a *ForSequenceClassification folder, its score)
Needs only NumPy (Debian's python3-numpy).
"""
import json
import math
import os
import sys

import numpy as np

VOCAB = 160
T = 12
B = 2


# ---------------------------------------------------------------- safetensors (format: u64 header length, JSON, data)

def bf16_round(a):
    """float32 -> bfloat16 bits (round to nearest even) and the float32 value those bits represent."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    return rounded, (rounded.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, tensors, bf16=False):
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        if arr.dtype == np.int64:
            dtype, raw = "I64", arr.astype("<i8").tobytes()
        elif bf16:
            dtype, raw = "BF16", bf16_round(arr)[0].astype("<u2").tobytes()
        else:
            dtype, raw = "F32", arr.astype("<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- reference forward passes (float64)

def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def causal_attention(q, k, v):
    """q [H,T,D], k/v [H,T,D] -> [H,T,D], causal, scale 1/sqrt(D)."""
    t, d = q.shape[1], q.shape[2]
    s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
    s = s + np.triu(np.full((t, t), -np.inf), 1)
    return softmax(s) @ v


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def gpt2_forward(cfg, w, ids, head=True):
    c, h = cfg["n_embd"], cfg["n_head"]
    d = c // h
    p = "transformer."
    x = w[p + "wte.weight"][ids] + w[p + "wpe.weight"][np.arange(len(ids))]
    for i in range(cfg["n_layer"]):
        q = f"{p}h.{i}."
        a = layer_norm(x, w[q + "ln_1.weight"], w[q + "ln_1.bias"], cfg["layer_norm_epsilon"])
        qkv = a @ w[q + "attn.c_attn.weight"] + w[q + "attn.c_attn.bias"]  # Conv1D: x W + b, W [in, out]
        qq, kk, vv = (m.reshape(len(ids), h, d).transpose(1, 0, 2) for m in np.split(qkv, 3, axis=-1))
        y = causal_attention(qq, kk, vv).transpose(1, 0, 2).reshape(len(ids), c)
        x = x + y @ w[q + "attn.c_proj.weight"] + w[q + "attn.c_proj.bias"]
        m = layer_norm(x, w[q + "ln_2.weight"], w[q + "ln_2.bias"], cfg["layer_norm_epsilon"])
        m = gelu_new(m @ w[q + "mlp.c_fc.weight"] + w[q + "mlp.c_fc.bias"])
        x = x + m @ w[q + "mlp.c_proj.weight"] + w[q + "mlp.c_proj.bias"]
    x = layer_norm(x, w[p + "ln_f.weight"], w[p + "ln_f.bias"], cfg["layer_norm_epsilon"])
    return x @ w[p + "wte.weight"].T if head else x


def rms_norm(x, w, eps):
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * w


def inverse_frequencies(cfg, d):
    inv = 1.0 / cfg["rope_theta"] ** (np.arange(0, d, 2) / d)
    rs = cfg.get("rope_scaling")
    if rs is None:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"]
    assert kind == "llama3"
    factor, low, high, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
    out = []
    for f in inv:
        wavelen = 2 * math.pi / f
        if wavelen < old / high:
            out.append(f)
        elif wavelen > old / low:
            out.append(f / factor)
        else:
            smooth = (old / wavelen - low) / (high - low)
            out.append((1 - smooth) * f / factor + smooth * f)
    return np.array(out)


def rotate(x, pos, inv):
    """x [H,T,D]: half-split rotary."""
    ang = pos[:, None] * inv[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)


def llama_forward(cfg, w, ids, head=True):
    c, h, kvh = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim") or c // h
    eps, t = cfg["rms_norm_eps"], len(ids)
    inv = inverse_frequencies(cfg, d)
    pos = np.arange(t, dtype=np.float64)
    get = lambda n: w.get(n)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        def proj(name, heads):
            y = a @ w[p + f"self_attn.{name}.weight"].T
            if get(p + f"self_attn.{name}.bias") is not None:
                y = y + w[p + f"self_attn.{name}.bias"]
            return y.reshape(t, heads, d)
        q, k, v = proj("q_proj", h), proj("k_proj", kvh), proj("v_proj", kvh)
        if get(p + "self_attn.q_norm.weight") is not None:  # Qwen3: per-head RMSNorm before the rotation
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q, k, v = (m.transpose(1, 0, 2) for m in (q, k, v))
        q, k = rotate(q, pos, inv), rotate(k, pos, inv)
        groups = h // kvh
        k, v = np.repeat(k, groups, axis=0), np.repeat(v, groups, axis=0)  # query head j uses kv head j // groups
        y = causal_attention(q, k, v).transpose(1, 0, 2).reshape(t, h * d) @ w[p + "self_attn.o_proj.weight"].T
        if get(p + "self_attn.o_proj.bias") is not None:
            y = y + w[p + "self_attn.o_proj.bias"]
        x = x + y
        m = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        def lin(name, z):
            y = z @ w[p + f"mlp.{name}.weight"].T
            return y + w[p + f"mlp.{name}.bias"] if get(p + f"mlp.{name}.bias") is not None else y
        g = lin("gate_proj", m)
        x = x + lin("down_proj", g / (1 + np.exp(-g)) * lin("up_proj", m))
    x = rms_norm(x, w["model.norm.weight"], eps)
    if not head:
        return x
    lm = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ lm.T


# ---------------------------------------------------------------- the variants

def llama_weights(rng, cfg, qkv_bias=False, out_bias=False, qk_norm=False, mlp_bias=False):
    c, h, kvh, inter = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"]
    d = cfg.get("head_dim") or c // h
    n = lambda *s, std=0.15: (rng.standard_normal(s) * std)
    vocab = cfg["vocab_size"]
    w = {"model.embed_tokens.weight": n(vocab, c, std=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1 + n(c, std=0.1)
        for name, rows in (("q_proj", h * d), ("k_proj", kvh * d), ("v_proj", kvh * d)):
            w[p + f"self_attn.{name}.weight"] = n(rows, c)
            if qkv_bias:
                w[p + f"self_attn.{name}.bias"] = n(rows, std=0.1)
        w[p + "self_attn.o_proj.weight"] = n(c, h * d)
        if out_bias:
            w[p + "self_attn.o_proj.bias"] = n(c, std=0.1)
        if qk_norm:
            w[p + "self_attn.q_norm.weight"] = 1 + n(d, std=0.1)
            w[p + "self_attn.k_norm.weight"] = 1 + n(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + n(c, std=0.1)
        for name, shape in (("gate_proj", (inter, c)), ("up_proj", (inter, c)), ("down_proj", (c, inter))):
            w[p + f"mlp.{name}.weight"] = n(*shape)
            if mlp_bias:
                w[p + f"mlp.{name}.bias"] = n(shape[0], std=0.1)
    w["model.norm.weight"] = 1 + n(c, std=0.1)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = n(vocab, c, std=0.3)
    return w


def llama_config(model_type, arch, **kw):
    cfg = {"architectures": [arch], "model_type": model_type, "vocab_size": VOCAB, "hidden_size": 32,
           "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
           "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None,
           "hidden_act": "silu", "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2,
           "torch_dtype": "float32", "initializer_range": 0.02, "use_cache": True}
    cfg.update(kw)
    return cfg


def variant(name, rng):
    if name == "gpt2":
        cfg = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": VOCAB, "n_positions": 32,
               "n_ctx": 32, "n_embd": 32, "n_head": 4, "n_layer": 2, "n_inner": None, "activation_function": "gelu_new",
               "layer_norm_epsilon": 1e-5, "attn_pdrop": 0.1, "embd_pdrop": 0.1, "resid_pdrop": 0.1,
               "initializer_range": 0.02, "bos_token_id": 1, "eos_token_id": 2, "summary_type": "cls_index",
               "summary_use_proj": True, "summary_activation": None, "summary_proj_to_labels": True,
               "summary_first_dropout": 0.1, "scale_attn_weights": True, "use_cache": True}
        c = 32
        n = lambda *s, std=0.15: rng.standard_normal(s) * std
        p = "transformer."
        w = {p + "wte.weight": n(VOCAB, c, std=0.5), p + "wpe.weight": n(32, c, std=0.3)}
        for i in range(2):
            q = f"{p}h.{i}."
            w.update({q + "ln_1.weight": 1 + n(c, std=0.1), q + "ln_1.bias": n(c, std=0.1),
                      q + "attn.c_attn.weight": n(c, 3 * c), q + "attn.c_attn.bias": n(3 * c, std=0.1),
                      q + "attn.c_proj.weight": n(c, c), q + "attn.c_proj.bias": n(c, std=0.1),
                      q + "ln_2.weight": 1 + n(c, std=0.1), q + "ln_2.bias": n(c, std=0.1),
                      q + "mlp.c_fc.weight": n(c, 4 * c), q + "mlp.c_fc.bias": n(4 * c, std=0.1),
                      q + "mlp.c_proj.weight": n(4 * c, c), q + "mlp.c_proj.bias": n(c, std=0.1)})
        w[p + "ln_f.weight"] = 1 + n(c, std=0.1)
        w[p + "ln_f.bias"] = n(c, std=0.1)
        return cfg, w, gpt2_forward
    if name == "llama-gqa-tied":
        cfg = llama_config("llama", "LlamaForCausalLM", tie_word_embeddings=True, attention_bias=False, mlp_bias=False,
                           pretraining_tp=1)
        return cfg, llama_weights(rng, cfg), llama_forward
    if name == "llama-gqa-untied":
        cfg = llama_config("llama", "LlamaForCausalLM", tie_word_embeddings=False)
        return cfg, llama_weights(rng, cfg), llama_forward
    if name == "llama-linear-bias":
        cfg = llama_config("llama", "LlamaForCausalLM", num_key_value_heads=4, attention_bias=True, mlp_bias=True,
                           rope_scaling={"type": "linear", "factor": 2.0})
        return cfg, llama_weights(rng, cfg, qkv_bias=True, out_bias=True, mlp_bias=True), llama_forward
    if name == "llama3-scaling":
        cfg = llama_config("llama", "LlamaForCausalLM", hidden_size=64, num_attention_heads=4, num_key_value_heads=1,
                           rope_theta=500000.0, tie_word_embeddings=True, head_dim=16,
                           rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                         "high_freq_factor": 4.0, "original_max_position_embeddings": 16})
        return cfg, llama_weights(rng, cfg), llama_forward
    if name == "qwen2-bias":
        cfg = llama_config("qwen2", "Qwen2ForCausalLM", rope_theta=1000000.0, rms_norm_eps=1e-6, sliding_window=64,
                           use_sliding_window=False, max_window_layers=2, attention_dropout=0.0)
        return cfg, llama_weights(rng, cfg, qkv_bias=True), llama_forward
    if name == "qwen3-qknorm":
        cfg = llama_config("qwen3", "Qwen3ForCausalLM", head_dim=16, rope_theta=1000000.0, rms_norm_eps=1e-6,
                           tie_word_embeddings=True, attention_bias=False, sliding_window=None, use_sliding_window=False,
                           max_window_layers=2)
        return cfg, llama_weights(rng, cfg, qk_norm=True), llama_forward
    if name == "qwen3-vocab":  # Qwen3's real vocabulary size, so that its real tokenizer files fit (tests add them)
        cfg = llama_config("qwen3", "Qwen3ForCausalLM", vocab_size=151936, hidden_size=16, intermediate_size=32,
                           num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1, head_dim=8,
                           max_position_embeddings=256, tie_word_embeddings=True, attention_bias=False,
                           rope_theta=1000000.0, bos_token_id=151643, eos_token_id=151645)
        return cfg, llama_weights(rng, cfg, qk_norm=True), llama_forward
    if name == "mistral":
        cfg = llama_config("mistral", "MistralForCausalLM", sliding_window=4096, num_key_value_heads=1)
        return cfg, llama_weights(rng, cfg), llama_forward
    if name.endswith("-reward"):
        return reward_variant(name[: -len("-reward")], rng)
    raise SystemExit(f"unknown variant {name}")


PAD = 3


def reward_variant(base, rng):
    """A sequence classifier over a causal LM variant: its backbone's tensors (no LM head) and score.weight [1, hidden]."""
    cfg, w, forward = variant(base, rng)
    arch = cfg["architectures"][0].replace("LMHeadModel", "ForSequenceClassification").replace("ForCausalLM", "ForSequenceClassification")
    cfg.update(architectures=[arch], id2label={"0": "LABEL_0"}, label2id={"LABEL_0": 0}, pad_token_id=PAD)
    w = {k: v for k, v in w.items() if k != "lm_head.weight"}
    width = cfg.get("hidden_size", cfg.get("n_embd"))
    w["score.weight"] = rng.standard_normal((1, width)) * 0.3
    return cfg, w, forward


def last_non_pad(row, pad):
    """transformers' pooling: the rightmost index whose id is not pad_token_id (index 0 when every id is the pad)."""
    idx = np.nonzero(row != pad)[0]
    return int(idx[-1]) if len(idx) else 0


def reward_scores(cfg, w, forward, ids):
    return np.array([forward(cfg, w, row, head=False)[last_non_pad(row, cfg["pad_token_id"])] @ w["score.weight"][0] for row in ids])


VARIANTS = ["gpt2", "llama-gqa-tied", "llama-linear-bias", "llama3-scaling", "qwen2-bias", "qwen3-qknorm", "mistral"]
REWARDS = ["gpt2-reward", "llama-gqa-untied-reward", "qwen2-bias-reward"]
EXTRA = ["qwen3-vocab"]


def read_safetensors(path):
    """name -> float64 array (F32, F16, BF16) or int64 array (I64), read from the format's definition."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        raw = data[e["data_offsets"][0]:e["data_offsets"][1]]
        if e["dtype"] == "F32":
            a = np.frombuffer(raw, "<f4").astype(np.float64)
        elif e["dtype"] == "F16":
            a = np.frombuffer(raw, "<f2").astype(np.float64)
        elif e["dtype"] == "BF16":
            a = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32).astype(np.float64)
        elif e["dtype"] == "I64":
            a = np.frombuffer(raw, "<i8")
        else:
            raise SystemExit(f"{path}: dtype {e['dtype']} of {name} is not read by this script")
        out[name] = a.reshape(e["shape"])
    return out


def safetensors_dtypes(path):
    """name -> the file's dtype string (F32, F16, BF16, I64, ...), from the header alone."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    return {name: e["dtype"] for name, e in header.items() if name != "__metadata__"}


def read_folder(folder):
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    else:
        shards = ["model.safetensors"]
    w = {}
    for shard in shards:
        w.update(read_safetensors(os.path.join(folder, shard)))
    return cfg, w


def score(folder, ids):
    """As transformers: the causal LM's logits, and a sequence classifier's score = score.weight . hidden at the last token."""
    cfg, w = read_folder(folder)
    forward = gpt2_forward if cfg["model_type"] == "gpt2" else llama_forward
    if cfg["model_type"] == "gpt2":
        cfg.setdefault("layer_norm_epsilon", 1e-5)
        w = {("transformer." + k if not k.startswith(("transformer.", "lm_head.", "score.", "v_head.")) else k): v for k, v in w.items()}
    ids = np.array(ids, dtype=np.int64)
    hidden = forward(cfg, w, ids, head=False)
    result = {"architectures": cfg.get("architectures")}
    if any(a.endswith("ForSequenceClassification") for a in cfg.get("architectures", [])):
        pad = cfg.get("pad_token_id")
        result["score"] = float(hidden[-1 if pad is None else last_non_pad(ids, pad)] @ w["score.weight"][0])
    else:
        result["logits"] = forward(cfg, w, ids)[-1].tolist()
    print(json.dumps(result))


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    if argv[0] == "--score":
        return score(argv[1], [int(i) for i in argv[2].split(",")])
    out, rest = argv[0], argv[1:]
    bf16 = "--bf16" in rest
    names = [a for a in rest if a != "--bf16"] or VARIANTS + REWARDS
    for i, name in enumerate(names):
        rng = np.random.default_rng(1000 + (VARIANTS + EXTRA + REWARDS).index(name))
        cfg, w, forward = variant(name, rng)
        w = {k: v.astype(np.float32) for k, v in w.items()}
        if bf16:
            cfg["torch_dtype"] = "bfloat16"
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        write_safetensors(os.path.join(folder, "model.safetensors"), w, bf16=bf16)
        # The reference uses exactly the weights in the file (bf16-rounded when stored as bf16), in float64.
        w64 = {k: (bf16_round(v)[1] if bf16 else v).astype(np.float64) for k, v in w.items()}
        ids = rng.integers(0, cfg["vocab_size"], size=(B, T)).astype(np.int64)
        if name in REWARDS:
            ids[ids == PAD] = PAD + 1
            ids[0, T // 2] = PAD          # a pad id inside a row is a token like any other, except that pooling skips it at the end
            ids[1, T - 4:] = PAD          # right padding: the score is read at T - 5
            scores = reward_scores(cfg, w64, forward, ids).astype(np.float32)
            write_safetensors(os.path.join(folder, "reference.safetensors"), {"input_ids": ids, "scores": scores})
        else:
            logits = np.stack([forward(cfg, w64, row) for row in ids]).astype(np.float32)
            write_safetensors(os.path.join(folder, "reference.safetensors"), {"input_ids": ids, "logits": logits})
        print(folder)


if __name__ == "__main__":
    main(sys.argv[1:])
