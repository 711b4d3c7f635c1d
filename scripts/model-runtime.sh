#!/usr/bin/env bash
# Builds llama-cpp-python (the embedded model's runtime) for the CPU family, never for the build machine, into a
# wheel directory keyed by version, architecture and build flags, and installs it into the given Python.
# pip's own wheel cache ignores CMAKE_ARGS (a native wheel built earlier would come back), so we keep our own.
#   scripts/model-runtime.sh PYTHON            build once (cached), install
#   scripts/model-runtime.sh PYTHON --rebuild  drop this key's wheel, build again, install
set -euo pipefail
python=${1:?usage: model-runtime.sh PYTHON [--rebuild]}
version=0.3.36
arch=$(uname -m)
common="-DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_BLAS=OFF -DLLAMA_CURL=OFF -DGGML_NATIVE=OFF"
case "$arch" in
  # x86-64-v3: every x86-64 CPU with AVX2 (Haswell, Zen and later) runs it; no AVX-512/AMX paths compiled in.
  x86_64|amd64) cpu="-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON
    -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" ;;
  aarch64|arm64) cpu="" ;;  # ggml's non-native aarch64 defaults (armv8-a baseline)
  *) cpu="" ;;
esac
cmake_args=$(echo "$common $cpu" | tr -s ' \n' ' ')
key=$(printf '%s' "$version $arch $cmake_args" | sha256sum | cut -c1-12)
dir=${GATEWAY_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gateway/wheels}/llama-cpp-python-$version-$arch-$key
if [ "${2:-}" = "--rebuild" ]; then rm -rf "$dir"; fi
if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $version for $arch (portable: $cmake_args); 4-20 minutes, once per machine" >&2
  tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  CMAKE_ARGS="$cmake_args" "$python" -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
    -w "$tmp" "llama-cpp-python==$version"
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
"$python" -m pip install --quiet --no-deps --force-reinstall "$dir"/llama_cpp_python-*.whl
