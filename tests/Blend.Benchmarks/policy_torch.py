"""PyTorch peer of `dotnet run -c Release --project tests/Blend.Benchmarks -- policy perf`: the same GPT (pre-norm, tied
embeddings, learned positions, fused QKV, SDPA), the same workloads, one JSON line per measurement.

Run with Debian's python3-torch and libopenblas0-openmp:  /usr/bin/python3 tests/Blend.Benchmarks/policy_torch.py --threads 2
"""
import argparse, json, math, resource, statistics, time
import openblas_core  # noqa: F401  (sets OPENBLAS_CORETYPE before torch loads OpenBLAS)
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--reps", type=int, default=10)
p.add_argument("--only", default="all")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
V, C, L, H, T = 4096, 256, 4, 4, 256


def attention(q, k, v, mask):
    """PyTorch 1.13 has no scaled_dot_product_attention: the same math, spelled out (causal unless a mask is given)."""
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if mask is None:
        t = q.shape[-2]
        mask = torch.ones(t, t, dtype=torch.bool).tril()
    att = att.masked_fill(~mask, float("-inf"))
    return torch.softmax(att, -1) @ v


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x, mask, cache, past):
        b, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).view(b, t, 3, H, C // H).permute(2, 0, 3, 1, 4)
        if cache is not None:
            cache[0][:, :, past:past + t] = k
            cache[1][:, :, past:past + t] = v
            k, v = cache[0][:, :, :past + t], cache[1][:, :, :past + t]
        y = attention(q, k, v, mask)
        x = x + self.c_proj(y.transpose(1, 2).reshape(b, t, C))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)

    def hidden(self, ids, pos=None, mask=None, caches=None, past=0):
        if pos is None:
            pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.wte(ids) + self.wpe(pos)
        for i, blk in enumerate(self.h):
            x = blk(x, mask, None if caches is None else caches[i], past)
        return self.ln_f(x)

    def logits(self, h):
        return F.linear(h, self.wte.weight)


def med(xs):
    return statistics.median(xs)


def out(name, value, unit):
    print(json.dumps({"impl": "pytorch", "bench": name, "value": round(value, 3), "unit": unit, "threads": torch.get_num_threads(), "openblas_core": openblas_core.CORETYPE}))


def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss():
    """Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so the peak below is the scoring pass's, not training's."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


model = Gpt()
if a.only in ("all", "train"):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ids = torch.randint(0, V, (16, T + 1))
    times = []
    for r in range(a.reps + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        lg = model.logits(model.hidden(ids[:, :T]))
        loss = F.cross_entropy(lg.view(-1, V), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        if r >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    out("train_step_16x256_ms", med(times), "ms")

model.eval()


def generate(prompts, new, cache, seed):
    """Left-padded batched sampling (all prompts have 32 tokens here), log-probs of sampled tokens, EOS-free."""
    g = torch.Generator().manual_seed(seed)
    b, tp = prompts.shape
    with torch.no_grad():
        if cache:
            caches = [(torch.zeros(b, H, tp + new, C // H), torch.zeros(b, H, tp + new, C // H)) for _ in range(L)]
            h = model.hidden(prompts, caches=caches)
            logits = model.logits(h[:, -1])
            toks = []
            for s in range(new):
                nxt = torch.multinomial(torch.softmax(logits, -1), 1, generator=g)
                lp = torch.log_softmax(logits, -1).gather(-1, nxt)
                toks.append(nxt)
                if s == new - 1:
                    break
                pos = torch.full((b, 1), tp + s)
                h = model.hidden(nxt, pos=pos, mask=torch.ones(b, 1, 1, tp + s + 1, dtype=torch.bool), caches=caches, past=tp + s)
                logits = model.logits(h[:, -1])
        else:
            ids = prompts
            toks = []
            for s in range(new):
                logits = model.logits(model.hidden(ids)[:, -1])
                nxt = torch.multinomial(torch.softmax(logits, -1), 1, generator=g)
                lp = torch.log_softmax(logits, -1).gather(-1, nxt)
                toks.append(nxt)
                ids = torch.cat([ids, nxt], 1)
    return b * new


if a.only in ("all", "generate"):
    prompts = torch.randint(0, V, (16, 32))
    for cache in (True, False):
        times, n = [], 0
        for r in range(a.reps + 1):
            t0 = time.perf_counter()
            n = generate(prompts, 96, cache, r)
            if r >= 1:
                times.append(time.perf_counter() - t0)
        out("generate_kv_tokens_per_s" if cache else "generate_nocache_tokens_per_s", n / med(times), "tok/s")

if a.only in ("all", "score"):
    prompt_len, resp_len = 32, 224
    ids = torch.randint(5, V, (16, prompt_len + resp_len))
    def score():
        """One no-grad pass; a function, so its temporaries are freed when it returns."""
        with torch.no_grad():
            hidden = model.hidden(ids)
            h = hidden[:, prompt_len - 1:-1]
            logp = torch.log_softmax(model.logits(h).float(), -1)
            tok = logp.gather(-1, ids[:, prompt_len:].unsqueeze(-1)).squeeze(-1)
            ent = -(logp.exp() * logp).sum(-1)
            return (tok.sum(1)).sum().item() + ent.sum().item()

    for _ in range(2):  # warm-up: first-call allocations (kernels, thread pools) are not the pass's own
        score()
    times, peaks = [], []
    for r in range(a.reps):
        reset_peak_rss()
        before = rss("VmRSS")
        t0 = time.perf_counter()
        score()
        times.append((time.perf_counter() - t0) * 1000)
        peaks.append((rss("VmHWM") - before) / 1048576.0)
    out("score_16x256_ms", med(times), "ms")
    out("score_peak_rss_delta_mb", med(peaks), "MB")
