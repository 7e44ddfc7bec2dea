#!/usr/bin/env bash
# Build the cross sysroot for the Windows build: the headers-only
# dependencies copied from Debian's packages, and GoogleTest, yaml-cpp and
# cmocka compiled with mingw-w64 from Debian's sources, all as static
# libraries, plus the meson cross file that points at it.
#
#   packaging/windows/sysroot.sh DIR
#   meson setup build-win --cross-file DIR/cross.ini --wrap-mode=nodownload
#
# Needs the packages in .ci/packages-windows (mingw-w64, Wine), cmake,
# dpkg-dev and the -dev packages of .ci/packages (their headers are copied).
# yaml-cpp and cmocka come from `apt-get source`: a deb-src entry derived
# from this machine's Debian sources is added for that and removed after.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
root=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
src_list=/etc/apt/sources.list.d/filelock-sysroot-src.sources
cleanup() {
    rm -rf "$work"
    if [ -f "$src_list" ]; then rm -f "$src_list"; fi
}
trap cleanup EXIT

triple=x86_64-w64-mingw32
jobs=$(nproc)

# --- headers-only libraries ------------------------------------------------
mkdir -p "$root/include" "$root/lib/pkgconfig"
for d in spdlog fmt nlohmann CLI; do
    rm -rf "${root:?}/include/$d"
    cp -r "/usr/include/$d" "$root/include/$d"
done
# The spdlog the build asks for by pkg-config (the build uses it headers-only).
spdlog_version=$(pkg-config --modversion spdlog)
cat > "$root/lib/pkgconfig/spdlog.pc" <<PC
prefix=$root
includedir=\${prefix}/include
Name: spdlog
Description: spdlog headers, used header-only
Version: $spdlog_version
Cflags: -I\${includedir}
PC

json_version=$(pkg-config --modversion nlohmann_json)
cat > "$root/lib/pkgconfig/nlohmann_json.pc" <<PC
prefix=$root
includedir=\${prefix}/include
Name: nlohmann_json
Description: JSON for Modern C++ (headers)
Version: $json_version
Cflags: -I\${includedir}
PC

# --- the CMake toolchain (kept: CMake users of the zip build with it too) ----
cat > "$root/toolchain.cmake" <<TC
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $triple-gcc-posix)
set(CMAKE_CXX_COMPILER $triple-g++-posix)
set(CMAKE_RC_COMPILER $triple-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$triple $root)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
TC
cmake_build() {  # SOURCE-DIR NAME CMAKE-ARGS...
    local src=$1 name=$2; shift 2
    cmake -S "$src" -B "$work/build-$name" -DCMAKE_TOOLCHAIN_FILE="$root/toolchain.cmake" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$root" -DCMAKE_INSTALL_LIBDIR=lib \
        "$@" >"$work/$name.cmake.log" 2>&1 || { tail -30 "$work/$name.cmake.log"; return 1; }
    cmake --build "$work/build-$name" -j "$jobs" >"$work/$name.build.log" 2>&1 \
        || { tail -30 "$work/$name.build.log"; return 1; }
    cmake --install "$work/build-$name" >/dev/null
}

# --- GoogleTest, from Debian's source package of it --------------------------
cmake_build /usr/src/googletest gtest -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON

# --- yaml-cpp and cmocka, from Debian's sources ------------------------------
sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src_list"
apt-get update -qq >/dev/null
(cd "$work" && apt-get source -qq yaml-cpp cmocka >/dev/null 2>&1) \
    || { echo "apt-get source yaml-cpp cmocka failed" >&2; exit 1; }
rm -f "$src_list"
yaml_src=$(find "$work" -maxdepth 1 -type d -name 'yaml-cpp-*' | head -1)
cmocka_src=$(find "$work" -maxdepth 1 -type d -name 'cmocka-*' | head -1)
cmake_build "$yaml_src" yaml-cpp -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF
cmake_build "$cmocka_src" cmocka -DWITH_STATIC_LIB=ON -DBUILD_SHARED_LIBS=OFF \
    -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF -DPICKY_DEVELOPER=OFF
# cmocka builds its DLL too: keep only the static library, and point its
# pkg-config file at it.
rm -f "$root/bin/cmocka.dll" "$root/lib/libcmocka.dll.a"
rmdir "$root/bin" 2>/dev/null || true
sed -i -e 's/-lcmocka$/-lcmocka-static/' "$root/lib/pkgconfig/cmocka.pc"

# --- the meson cross file ------------------------------------------------------
sed -e "s|@ROOT@|$root|g" -e "s|@TRIPLE@|$triple|g" "$here/cross.ini.in" > "$root/cross.ini"
install -m 0755 "$here/wine-run" "$root/wine-run"
echo "sysroot in $root ($(du -sh "$root" | cut -f1)); cross file $root/cross.ini, CMake toolchain $root/toolchain.cmake"
