"""PyTorch peer of the `soups` benchmark suite: the same tensors, the same effective-bandwidth accounting.

Run by SoupsSuite.cs (Debian: apt-get install -y python3-torch libopenblas0-openmp); prints RESULT lines it parses.
"""
import argparse
import time

import openblas_core  # noqa: F401  (sets OPENBLAS_CORETYPE before torch loads OpenBLAS)
import torch

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeats", type=int, default=5)
p.add_argument("--layers", type=int, default=12)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

d, vocab, ctx = 768, 32000, 1024
shapes = [(vocab, d), (ctx, d)]
for _ in range(a.layers):
    shapes += [(d,), (d,), (3 * d, d), (3 * d,), (d, d), (d,), (d,), (d,), (4 * d, d), (4 * d,), (d, 4 * d), (d,)]
shapes += [(d,), (d,)]
models = [[torch.randn(s) for s in shapes] for _ in range(3)]
target = [torch.zeros(s) for s in shapes]
lam = (0.2, 0.3, 0.5)
elements = sum(t.numel() for t in target)
nbytes = elements * 4


def copier(m):
    @torch.no_grad()
    def copy():
        for t, s in zip(target, models[m]):
            t.copy_(s)
    return copy


@torch.no_grad()
def soup():
    for i, t in enumerate(target):
        torch.mul(models[0][i], lam[0], out=t)
        t.add_(models[1][i], alpha=lam[1])
        t.add_(models[2][i], alpha=lam[2])


# Same accounting as SoupsSuite.cs: interleaved rounds, best time per form, copy = best of the three sources.
forms = [copier(0), copier(1), copier(2), soup]
times = [float("inf")] * len(forms)
for f in forms:
    f()
for _ in range(a.repeats):
    for i, f in enumerate(forms):
        t0 = time.perf_counter()
        f()
        times[i] = min(times[i], time.perf_counter() - t0)
tc, ts = min(times[:3]), times[3]
soup()
ref = models[0][-1] * lam[0] + models[1][-1] * lam[1] + models[2][-1] * lam[2]
assert (ref - target[-1]).abs().max().item() < 1e-5
copy_bw, soup_bw = 2 * nbytes / tc, 4 * nbytes / ts
print(f"{'PyTorch ' + torch.__version__ + ' copy_, best src':<44} {tc * 1e3:9.1f} {copy_bw / 1e9:7.2f} {'100.0%':>8}")
print(f"{'PyTorch mul(out=) + add_ (best form)':<44} {ts * 1e3:9.1f} {soup_bw / 1e9:7.2f} {soup_bw / copy_bw:8.1%}")
print(f"RESULT copy_bw {copy_bw}")
print(f"RESULT soup_bw {soup_bw}")
