#!/usr/bin/env bash
# The GPU check, as one script: on a machine with a CUDA device and a Python that has
# PyTorch (a GPU image, no network needed), train the next-action model on a built dataset
# on the CPU (2 threads, the size of machine the targets are set for) and on the GPU, with the
# same settings and seed, evaluate each on the held-out people, and print the speed-up
# (bench/train_speed.py); then the same examples in larger batches on the GPU. The results
# in bench/results/ came from it (the CPU row first, as the reference).
#
#   bash bench/gpu.sh DATASET OUT_DIR [WHEELS_DIR]
#
# WHEELS_DIR: wheels of Workprint's own dependencies that the machine lacks (installed
# with pip --no-index into a private folder; the machine needs no network).
set -uo pipefail
dataset=${1:?dataset folder}
out=${2:?output folder}
wheels=${3:-}
mkdir -p "$out"
if [ -n "$wheels" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/wp-site "$wheels"/*.whl || exit 1
  export PYTHONPATH="/tmp/wp-site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

timeout 400 python3 bench/train_speed.py "$dataset" --runs cpu:2,cuda \
  --json "$out/train-speed-h200.json" 2>&1 | tee "$out/train-speed.log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || { echo "train_speed failed: $rc"; exit "$rc"; }

# The same examples in batches of 128 (a quarter of the steps): what a GPU is better at.
timeout 120 python3 bench/train_speed.py "$dataset" --runs cuda --steps 375 --warmup 5 \
  --set train.batch_size=128 --json "$out/train-speed-h200-batch128.json" 2>&1 \
  | tee "$out/train-speed-batch128.log"
echo "batch 128 run: ${PIPESTATUS[0]}"
