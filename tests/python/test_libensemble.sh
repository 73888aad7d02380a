#!/usr/bin/env bash
# The libEnsemble example (scripts/libensemble_study.py) runs a 4-point study with two local
# workers; libEnsemble comes from PyPI through scripts/install-libensemble (issue 13).
#   test_libensemble.sh DENDRITE SOURCE WORK
set -euo pipefail
dendrite=$1 source=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
libe=$("$source/scripts/install-libensemble" python3 | tail -1)
cat > "$work/study.yaml" <<STUDY
base: $source/inputs/examples/nzsp_ccd_ramp.yaml
axes:
  - key: cell.temperature
    values: [25 degC, 90 degC]
  - key: protocol.step_time
    values: [4 min, 5 min]
output: $work/out
STUDY
cd "$work"
PYTHONPATH=$libe DENDRITE=$dendrite python3 "$source/scripts/libensemble_study.py" study.yaml \
  --nworkers 2 | tee run.log
grep -q "libEnsemble: 4 of 4 points, exit flag 0" run.log
test "$(grep -c ',done,true,' out/results.csv)" = 4
echo "libEnsemble example: passed"
