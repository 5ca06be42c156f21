#!/usr/bin/env bash
# peft-check.sh ADAPTER_DIR BASE_CONFIG_JSON [--dtype f32|bf16|f16] [--seed N]
# Builds a random-init base from BASE_CONFIG_JSON, loads the PEFT adapter onto it with Blend, merges it, and compares the
# merged weights with an independent NumPy merge (check.py). Scratch files go to a temporary folder, deleted at the end
# (PEFT_CHECK_KEEP=1 keeps it). See README.md.
set -euo pipefail
if [[ $# -lt 2 ]]; then sed -n 2,6p "$0"; exit 2; fi
here="$(cd "$(dirname "$0")" && pwd)"
adapter="$1"; config="$2"; shift 2
nice -n 10 dotnet build "$here/PeftCheck.csproj" -c Release -v q -nologo >/dev/null
out="$(mktemp -d "${TMPDIR:-/tmp}/peft-check.XXXXXX")"
[[ "${PEFT_CHECK_KEEP:-0}" == 1 ]] && echo "keeping $out" || trap 'rm -rf "$out"' EXIT
rc=0
BLEND_THREADS="${BLEND_THREADS:-1}" nice -n 10 dotnet "$here/bin/Release/net10.0/PeftCheck.dll" --adapter "$adapter" --config "$config" --out "$out" "$@" || rc=$?
[[ $rc -ne 0 ]] && exit $rc
/usr/bin/python3 "$here/check.py" "$adapter" "$out/base" "$out/merged"
