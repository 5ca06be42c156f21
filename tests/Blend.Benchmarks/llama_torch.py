"""PyTorch peer of `dotnet run -c Release --project tests/Blend.Benchmarks -- llama compare`: a Llama-family causal LM
(RMSNorm, rotary positions, grouped-query attention, SwiGLU, tied or untied LM head) written here from the architecture's
published definition, loaded from a Hugging Face folder (config.json + model.safetensors, read straight into the
parameters), then the same workloads as Blend's side. One JSON line per measurement.

Run with Debian's python3-torch (1.13) and libopenblas0-openmp:
    /usr/bin/python3 tests/Blend.Benchmarks/llama_torch.py --dir DIR --threads 2 [--logits FILE]
"""
import argparse, json, math, os, time
import openblas_core  # noqa: F401  (sets OPENBLAS_CORETYPE before torch loads OpenBLAS)
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--tokens", type=int, default=512, help="forward pass length")
p.add_argument("--forward-reps", type=int, default=2)
p.add_argument("--prompt", type=int, default=32)
p.add_argument("--new", type=int, default=128)
p.add_argument("--eos", type=int, default=-1, help="stop generating at this id (Blend's codec EOS), -1: never")
p.add_argument("--logits", default=None, help="write the forward pass's logits here (raw little-endian float32)")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.set_grad_enabled(False)


def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def out(name, value, unit, **extra):
    print(json.dumps({"impl": "pytorch", "bench": name, "value": round(value, 4), "unit": unit,
                      "threads": torch.get_num_threads(), "openblas_core": openblas_core.CORETYPE, **extra}), flush=True)


def token_ids(n, vocab):
    """The benchmark's input: the same deterministic ids on both sides (a 64-bit LCG, as LlamaSuite.TokenIds)."""
    ids, x = [], 1
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        ids.append((x >> 33) % vocab)
    return ids


def param(*shape):
    """Uninitialised, as a checkpoint fills it (no random init to pay for)."""
    return nn.Parameter(torch.empty(*shape), requires_grad=False)


class RmsNorm(nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight, self.eps = param(width), eps

    def forward(self, x):
        x32 = x.float()
        return self.weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)


class Linear(nn.Module):
    def __init__(self, i, o, bias):
        super().__init__()
        self.weight = param(o, i)
        self.bias = param(o) if bias else None

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h, self.kvh, self.d = c["heads"], c["kv_heads"], c["head_dim"]
        w, bias = c["width"], c["attention_bias"]
        self.q_proj = Linear(w, self.h * self.d, bias)
        self.k_proj = Linear(w, self.kvh * self.d, bias)
        self.v_proj = Linear(w, self.kvh * self.d, bias)
        self.o_proj = Linear(self.h * self.d, w, bias)

    def forward(self, x, cos, sin, cache, past):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kvh, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kvh, self.d).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if cache is not None:  # preallocated [B,KVH,capacity,D]
            cache[0][:, :, past:past + t] = k
            cache[1][:, :, past:past + t] = v
            k, v = cache[0][:, :, :past + t], cache[1][:, :, :past + t]
        if self.kvh != self.h:  # grouped-query attention: each key/value head serves h/kvh query heads
            k = k.repeat_interleave(self.h // self.kvh, 1)
            v = v.repeat_interleave(self.h // self.kvh, 1)
        # PyTorch 1.13 has no scaled_dot_product_attention: the same math, spelled out.
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.d))
        if t > 1:
            causal = torch.ones(t, past + t, dtype=torch.bool).tril(past)
            att = att.masked_fill(~causal, float("-inf"))
        y = torch.softmax(att, -1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, self.h * self.d))


def rotate(x, cos, sin):
    """Half-split rotary embedding: (x1, x2) -> (x1 cos - x2 sin, x1 sin + x2 cos)."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, i, bias = c["width"], c["intermediate"], c["mlp_bias"]
        self.gate_proj, self.up_proj, self.down_proj = Linear(w, i, bias), Linear(w, i, bias), Linear(i, w, bias)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn, self.mlp = Attention(c), Mlp(c)
        self.input_layernorm = RmsNorm(c["width"], c["eps"])
        self.post_attention_layernorm = RmsNorm(c["width"], c["eps"])

    def forward(self, x, cos, sin, cache, past):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache, past)
        return x + self.mlp(self.post_attention_layernorm(x))


class Backbone(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Module()
        self.embed_tokens.weight = param(c["vocab"], c["width"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["layers"]))
        self.norm = RmsNorm(c["width"], c["eps"])


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.model = Backbone(c)
        if not c["tie"]:
            self.lm_head = Linear(c["width"], c["vocab"], False)
        d = c["head_dim"]
        inv = 1.0 / (c["theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
        angles = torch.arange(c["context"], dtype=torch.float32).unsqueeze(1) * inv
        self.cos, self.sin = angles.cos(), angles.sin()  # one table for every position, sliced per call

    def hidden(self, ids, caches=None, past=0):
        t = ids.shape[1]
        x = F.embedding(ids, self.model.embed_tokens.weight)
        cos, sin = self.cos[past:past + t], self.sin[past:past + t]
        for i, layer in enumerate(self.model.layers):
            x = layer(x, cos, sin, None if caches is None else caches[i], past)
        return self.model.norm(x)

    def logits(self, h):
        return F.linear(h, self.model.embed_tokens.weight if self.c["tie"] else self.lm_head.weight)


def read_config(path):
    with open(path) as f:
        j = json.load(f)
    if j.get("model_type") != "llama":
        raise SystemExit(f"{path}: model_type {j.get('model_type')!r}: this peer implements llama only")
    if j.get("rope_scaling"):
        raise SystemExit(f"{path}: rope_scaling is not implemented by this peer")
    h = j["num_attention_heads"]
    return {"vocab": j["vocab_size"], "width": j["hidden_size"], "layers": j["num_hidden_layers"], "heads": h,
            "kv_heads": j.get("num_key_value_heads", h), "head_dim": j.get("head_dim") or j["hidden_size"] // h,
            "intermediate": j["intermediate_size"], "eps": j["rms_norm_eps"], "theta": j.get("rope_theta", 10000.0),
            "tie": bool(j.get("tie_word_embeddings", False)), "context": j["max_position_embeddings"],
            "attention_bias": bool(j.get("attention_bias", False)), "mlp_bias": bool(j.get("mlp_bias", False))}


def load(folder):
    """config.json, then model.safetensors read tensor by tensor straight into the (uninitialised) parameters."""
    c = read_config(os.path.join(folder, "config.json"))
    model = Llama(c)
    params = dict(model.named_parameters())
    path = os.path.join(folder, "model.safetensors")
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        start = 8 + n
        seen = set()
        for name, e in header.items():
            if name == "__metadata__" or (c["tie"] and name == "lm_head.weight"):
                continue
            if name not in params:
                raise SystemExit(f"{path}: unexpected tensor {name!r}")
            t = params[name]
            if e["dtype"] != "F32" or list(t.shape) != e["shape"]:
                raise SystemExit(f"{path}: {name} is {e['dtype']} {e['shape']}, expected F32 {list(t.shape)}")
            b, end = e["data_offsets"]
            f.seek(start + b)
            if f.readinto(memoryview(t.detach().numpy()).cast("B")) != end - b:
                raise SystemExit(f"{path}: {name} is truncated")
            seen.add(name)
        missing = set(params) - seen
        if missing:
            raise SystemExit(f"{path}: missing tensors {sorted(missing)[:3]}")
    return model


rss0 = status("VmRSS")
t0, c0 = time.perf_counter(), time.process_time()
model = load(a.dir)
out("load_s", time.perf_counter() - t0, "s", cpu_s=round(time.process_time() - c0, 4))
out("load_peak_rss_mb", status("VmHWM") / 1048576.0, "MB", before_mb=round(rss0 / 1048576.0, 1))
c = model.c

ids = torch.tensor([token_ids(a.tokens, c["vocab"])])
times, cpu = [], []
for r in range(a.forward_reps + 1):
    t0, c0 = time.perf_counter(), time.process_time()
    logits = model.logits(model.hidden(ids))
    if r >= 1:
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    if r == 0 and a.logits:
        logits.contiguous().numpy().astype("<f4").tofile(a.logits)
    del logits
out("forward_ms", min(times), "ms", cpu_ms=round(min(cpu), 1))


def generate(prompt, new):
    """Greedy decoding with a preallocated KV cache; stops after `new` tokens or at EOS."""
    kvh, d = c["kv_heads"], c["head_dim"]
    caches = [(torch.zeros(1, kvh, len(prompt) + new, d), torch.zeros(1, kvh, len(prompt) + new, d)) for _ in range(c["layers"])]
    x = torch.tensor([prompt])
    logits = model.logits(model.hidden(x, caches)[:, -1])
    past, toks = len(prompt), []
    for s in range(new):
        nxt = logits.argmax(-1)
        toks.append(int(nxt))
        if toks[-1] == a.eos or s == new - 1:
            break
        logits = model.logits(model.hidden(nxt.view(1, 1), caches, past)[:, -1])
        past += 1
    return toks


prompt = token_ids(a.prompt, c["vocab"])
generate(prompt, 8)  # warm-up
t0, c0 = time.perf_counter(), time.process_time()
toks = generate(prompt, a.new)
out("generate_tok_s", len(toks) / (time.perf_counter() - t0), "tok/s", cpu_tok_s=round(len(toks) / (time.process_time() - c0), 3), ids=toks)
out("peak_rss_mb", status("VmHWM") / 1048576.0, "MB")
