#!/usr/bin/env bash
# Disk use under a spoofed flood at the kernel's log budget (bench/flood/README.md): builds the flood benchmark and
# runs it twice, an hour of spoofed sources (every packet a new address) and an hour of one source.
# Arguments after the script go to both runs: HOURS RATE MAX-ROWS LOG-FILE-BYTES LOG-FILES (defaults: 1 50 50000 2097152 4).
set -euo pipefail
cd "$(dirname "$0")/../.."
hours=${1:-1} rate=${2:-50} rows=${3:-50000} bytes=${4:-2097152} files=${5:-4}
dotnet build bench/flood/FloodBench.csproj -c Release -nologo -v q >/dev/null
for sources in spoofed one; do
  echo "=== $sources"
  dotnet bench/flood/bin/Release/net10.0/FloodBench.dll "$hours" "$rate" "$rows" "$bytes" "$files" "$sources"
  echo
done
