#!/usr/bin/env bash
# Runs once in a new container, as the container's user (postCreateCommand). Fails loudly: no step is optional.
#  1. the .NET Interactive kernel (the dotnet tool the notebooks are checked against) and its Jupyter kernelspecs
#     (.net-csharp, .net-fsharp), so VS Code's Jupyter extension and `jupyter nbconvert --execute` run the notebooks;
#  2. the build, the local package feed (artifacts/packages) and `blend doctor`, with the torch backend of this
#     container: TorchBackend from the environment (the CUDA config says cuda, the CPU one cpu), cpu when unset.
set -euo pipefail
cd "$(dirname "$0")/.."
interactive_version=1.0.712001
backend=${TorchBackend:-cpu}

# `dotnet tool update` installs when missing and pins the version when present.
dotnet tool update --global Microsoft.dotnet-interactive --version "$interactive_version"
export PATH="$PATH:$HOME/.dotnet/tools"
dotnet interactive --version
dotnet interactive jupyter install
jupyter kernelspec list | grep -E '\.net-csharp' >/dev/null || { echo "post-create: the .net-csharp kernelspec was not registered" >&2; exit 1; }
jupyter kernelspec list | grep -E '\.net-fsharp' >/dev/null || { echo "post-create: the .net-fsharp kernelspec was not registered" >&2; exit 1; }

if [ "$backend" = cuda ] && ! command -v nvidia-smi >/dev/null; then
  echo "post-create: TorchBackend=cuda but no GPU is visible: TorchSharp-cuda runs on the CPU here (BLEND_DEVICE picks CUDA only when available)"
fi
dotnet build Kit.sln -c Release -p:TorchBackend="$backend"
bash build/pack.sh
dotnet run --project src/Blend.Cli -c Release -p:TorchBackend="$backend" -- doctor
