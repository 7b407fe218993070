"""pip install --no-build-isolation .   (offline: setuptools drives the project's CMake build)

Builds the `_qloop` extension with CMake (Release, no tests or benchmarks) into a build folder
of its own and packages it with the pure-Python files of python/qloop."""
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.path.join(ROOT, "build-pip")
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                               "-DQLOOP_BUILD_TESTS=OFF", "-DQLOOP_BUILD_BENCH=OFF",
                               f"-DPython_EXECUTABLE={sys.executable}"])
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "_qloop", "-j", str(os.cpu_count() or 2)])
        built = os.path.join(build_dir, "python", "qloop")
        target = os.path.dirname(self.get_ext_fullpath(ext.name))
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(built):
            if name.startswith("_qloop") and name.endswith(".so"):
                shutil.copy2(os.path.join(built, name), os.path.join(target, name))


setup(
    name="qloop",
    version="0.1.0",
    description="Analytical model, mapper and network tools for DNN accelerators with quantization",
    packages=["qloop"],
    package_dir={"qloop": "python/qloop"},
    package_data={"qloop": ["*.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("qloop._qloop")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
)
