"""Import before torch. Debian 12's OpenBLAS 0.3.21 does not know newer Xeons and falls back to its generic
"Prescott" kernels (about 4x slower GEMM here), which would make PyTorch an unfair peer. When the user has not set
OPENBLAS_CORETYPE, pick the kernel family the CPU flags allow, before OpenBLAS loads."""
import os


def _flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


if "OPENBLAS_CORETYPE" not in os.environ:
    flags = _flags()
    if {"avx512f", "avx512bw", "avx512vl"} <= flags:
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    elif {"avx2", "fma"} <= flags:
        os.environ["OPENBLAS_CORETYPE"] = "Haswell"

CORETYPE = os.environ.get("OPENBLAS_CORETYPE", "auto")
