"""A stand-in for @rules_cc: Bazel 4.2.3's own @bazel_tools loads these names from it.

Debian's rules_cc 0.0.4 needs a newer Bazel (`use_cpp_toolchain`), and nothing may be downloaded, so these
simply forward to Bazel's native C++ rules, which is what rules_cc itself did for this Bazel version.
"""

cc_binary = native.cc_binary
cc_import = native.cc_import
cc_library = native.cc_library
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
