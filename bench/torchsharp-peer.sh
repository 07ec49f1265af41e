#!/usr/bin/env bash
# Builds and runs bench/TorchSharpPeer (the d2l recipe in TorchSharp, libtorch 2.10 on the CPU),
# passing its arguments through: bench/torchsharp-peer.sh --model INITIAL.onnx [--epochs N] ...
#
# libtorch 2.10 needs GCC 13's libstdc++ (GLIBCXX_3.4.32). Where the system's is older (Debian 12),
# Debian 13's libc6, libstdc++6 and libgcc-s1 are downloaded once (apt-get download with a private
# sources list, unpacked with dpkg -x into .build/trixie-libs, never installed) and the peer's
# launcher gets that folder's dynamic loader as its ELF interpreter (patchelf), so the whole process
# runs on the newer C and C++ libraries. With a new enough libstdc++ the peer runs as built.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.build/torchsharp-peer"
libs="$root/.build/trixie-libs"
if ! log=$(dotnet build "$root/bench/TorchSharpPeer/LeNetOnnx.TorchSharpPeer.csproj" -c Release -o "$out" --nologo -v quiet 2>&1); then
  printf '%s\n' "$log" >&2
  echo "torchsharp-peer.sh: building the TorchSharp peer failed (see above)" >&2
  exit 1
fi
system_libstdcxx="$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')"
if [[ -n "$system_libstdcxx" ]] && grep -qa GLIBCXX_3.4.32 "$system_libstdcxx"; then
  exec "$out/torchsharp-peer" "$@"
fi
loader="$libs/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
if [[ ! -f "$libs/ready" ]]; then
  command -v patchelf > /dev/null || { echo "torchsharp-peer.sh: the system's libstdc++ lacks GLIBCXX_3.4.32 and patchelf is missing; apt-get install patchelf" >&2; exit 2; }
  echo "torchsharp-peer.sh: the system's libstdc++ lacks GLIBCXX_3.4.32; fetching Debian 13's C and C++ libraries into $libs" >&2
  rm -rf "$libs"
  mkdir -p "$libs/etc/sources.list.d" "$libs/etc/preferences.d" "$libs/lists/partial" "$libs/cache/archives/partial" "$libs/debs" "$libs/root"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$libs/etc/sources.list.d/trixie.sources"
  : > "$libs/etc/sources.list"
  apt_options=(-o "Dir::Etc=$libs/etc" -o "Dir::Etc::sourcelist=$libs/etc/sources.list" -o "Dir::Etc::sourceparts=$libs/etc/sources.list.d"
    -o "Dir::State::Lists=$libs/lists" -o "Dir::Cache=$libs/cache" -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
  apt-get "${apt_options[@]}" update -qq > /dev/null
  (cd "$libs/debs" && apt-get "${apt_options[@]}" download -qq libc6 libstdc++6 libgcc-s1 > /dev/null)
  for deb in "$libs"/debs/*.deb; do
    dpkg -x "$deb" "$libs/root"
  done
  [[ -f "$loader" ]] || { echo "torchsharp-peer.sh: Debian 13's libc6 did not unpack a dynamic loader at $loader" >&2; exit 1; }
  touch "$libs/ready"
fi
# The launcher is rebuilt with the project; patch a copy every time.
cp "$out/torchsharp-peer" "$out/torchsharp-peer.trixie"
patchelf --set-interpreter "$loader" "$out/torchsharp-peer.trixie"
DOTNET_ROOT="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}" \
LD_LIBRARY_PATH="$libs/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  exec "$out/torchsharp-peer.trixie" "$@"
