#!/usr/bin/env bash
# Packs Blend and Blend.Interactive (from the Release build) into the local package feed, artifacts/packages: the
# source the notebooks, lessons and the outside-the-repo package tests restore from. Blend carries the native fix
# for its consumers (buildTransitive/Blend.targets).
#
#   bash build/pack.sh                      # version from Directory.Build.props, into artifacts/packages
#   bash build/pack.sh --version 0.1.0-t1   # another version (the tests use a fresh one per run: no cache holds it)
#   bash build/pack.sh --out DIR            # another folder
#   bash build/pack.sh -p:TorchBackend=cuda # anything else goes to dotnet pack
#
# NuGet caches a package by id and version, so a repack under the same version would be shadowed by the copy a
# restore extracted earlier: for the default version this drops exactly Blend's two <id>/<version> folders from the
# global packages folder ($NUGET_PACKAGES, else ~/.nuget/packages) and nothing else. With --version nothing is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/packages
version=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$out"
props=()
[ -n "$version" ] && props=("-p:Version=$version")
for p in src/Blend/Blend.csproj src/Blend.Interactive/Blend.Interactive.csproj; do
  dotnet pack "$p" -c Release --no-build -o "$out" -nologo -v q "${props[@]}" "${args[@]}"
done
if [ -z "$version" ]; then
  version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n1)
  cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  rm -rf "$cache/blend/$version" "$cache/blend.interactive/$version"
fi
echo "packed Blend $version and Blend.Interactive $version into $out"
