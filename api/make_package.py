"""make_package.py OUT.tar.gz ARCHIVE LINK_FLAGS VERSION HEADER...: the package of api/BUILD, for applications
built outside Bazel:

  include/antialiased.h         the API (#include <antialiased.h>), and the project and Halide headers it
  include/models/..., runtime/  includes, directly or not (only those)
  include/HalideBuffer.h, ...
  lib/libantialiased.a          every stage, the Halide runtime, the runtime, the zoo and the API
  lib/pkgconfig/antialiased.pc  relocatable: paths from ${pcfiledir}, so the folder can go anywhere
  lib/cmake/antialiased/antialiasedConfig.cmake   the same for CMake's find_package(antialiased)

HEADER arguments are the candidate headers by their source paths (api/antialiased.h first, Halide's by file
name)."""
import io
import os
import re
import sys
import tarfile

out, archive, link_flags_file, version, headers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
link_flags = open(link_flags_file).read().split()

# Package path of each candidate: api/antialiased.h at the root, Halide's by name, the rest as in the tree.
# Source paths may sit under external/<repo>/ or bazel-out/: keep from the project folder on.
by_include = {}
for path in headers:
    name = os.path.basename(path)
    if name.startswith('Halide'):
        by_include[name] = path
    else:
        parts = path.split('/')
        by_include['/'.join(parts[-2:])] = path
root = 'api/antialiased.h'

included = {}
pending = [(root, 'antialiased.h')]
while pending:
    key, package_path = pending.pop()
    if package_path in included.values():
        continue
    included[key] = package_path
    for match in re.finditer(r'#include [<"]([^>"]+)[>"]', open(by_include[key]).read()):
        name = match.group(1)
        if name in by_include and name not in included:
            pending.append((name, name))


def add(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    tar.addfile(info, io.BytesIO(data))


pc = f"""prefix=${{pcfiledir}}/../..
includedir=${{prefix}}/include
libdir=${{prefix}}/lib

Name: antialiased
Description: anti-aliased (shift-invariant) convolutional networks: the zoo, PyTorch checkpoints, inference
Version: {version}
Cflags: -I${{includedir}}
Libs: -L${{libdir}} -lantialiased {' '.join(link_flags)}
"""
libs = ';'.join(flag[2:] for flag in link_flags if flag.startswith('-l'))
cmake = f"""# find_package(antialiased) then target_link_libraries(app antialiased::antialiased): the same as
# `pkg-config --cflags --libs antialiased`, from wherever this folder is.
get_filename_component(_antialiased_prefix "${{CMAKE_CURRENT_LIST_DIR}}/../../.." ABSOLUTE)
add_library(antialiased::antialiased STATIC IMPORTED)
set_target_properties(antialiased::antialiased PROPERTIES
    IMPORTED_LOCATION "${{_antialiased_prefix}}/lib/libantialiased.a"
    INTERFACE_INCLUDE_DIRECTORIES "${{_antialiased_prefix}}/include"
    INTERFACE_COMPILE_FEATURES cxx_std_17
    INTERFACE_LINK_LIBRARIES "{libs}")
set(antialiased_VERSION {version})
"""
with tarfile.open(out, 'w:gz') as tar:
    for key, package_path in sorted(included.items(), key=lambda item: item[1]):
        add(tar, 'include/' + package_path, open(by_include[key], 'rb').read())
    add(tar, 'lib/libantialiased.a', open(archive, 'rb').read())
    add(tar, 'lib/pkgconfig/antialiased.pc', pc.encode())
    add(tar, 'lib/cmake/antialiased/antialiasedConfig.cmake', cmake.encode())
