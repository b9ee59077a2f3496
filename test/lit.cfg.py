# lit configuration for onnc-fault's regression tests.
import os
import lit.formats

config.name = "onnc-fault"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".ir", ".test", ".onnxtxt"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py.in", "Unit"]
config.test_source_root = os.path.dirname(__file__)
# The sanitized rerun (ONNCF_SANITIZED=1, test/CMakeLists.txt) runs next to
# the plain lit suites under ctest -j: its %t files live in a tree of their
# own, or the two runs would delete and overwrite each other's files.
config.test_exec_root = os.path.join(
    config.onncf_obj_root,
    "test-sanitized" if os.environ.get("ONNCF_SANITIZED") == "1" else "test")

# Our tools first, then FileCheck/not/count from LLVM.
path = os.pathsep.join([config.onncf_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src_root", config.onncf_src_root))
config.substitutions.append(("%models",
    os.path.join(config.onncf_src_root, "docs", "examples", "models")))
onncf_shared = os.path.normpath(os.path.join(config.onncf_src_root, "..", "shared"))
config.substitutions.append(("%shared", onncf_shared))
# NVIDIA's NVDLA regression files are external data next to the source tree,
# not in the repository: tests that read them REQUIRE this feature and are
# reported UNSUPPORTED on a machine without them.
if os.path.isdir(os.path.join(onncf_shared, "conformance", "nvdla-regression")):
    config.available_features.add("nvdla-regression")
config.substitutions.append(("%fmnist", "/usr/share/datasets/fashion-mnist"))
config.substitutions.append(("%onnx_testdata",
                             "/usr/share/libonnx-testdata/data"))
config.substitutions.append(("%utils",
                             os.path.join(config.onncf_src_root, "utils")))
if config.sanitized:
    config.available_features.add("asan")
