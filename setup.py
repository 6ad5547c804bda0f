"""Build hook, and only that (the project's metadata is in pyproject.toml).

The default corpus (``data/``) and the fonts, icons and licences (``resources/``) stay at the top of the
repository, where a checkout uses them as they are. A wheel carries a copy of each inside the package, as
``explorer/data`` and ``explorer/resources``, where ``explorer.default_corpus_path()`` and
``explorer.resources_path()`` find them with importlib.resources. The sdist holds the top-level folders
(MANIFEST.in), so a wheel built from it carries them too. An editable install copies nothing: the
checkout's own folders are used.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: top-level folder -> where it goes inside the built package
MAPPED = {"data": "explorer/data", "resources": "explorer/resources"}
SKIPPED_PARTS = {"__pycache__", ".git", ".DS_Store"}


def _mapped_files() -> list[tuple[Path, str]]:
    out = []
    for folder, target in MAPPED.items():
        base = HERE / folder
        if not base.is_dir():
            raise SystemExit(f"setup.py: {base} is missing; the wheel would have no {folder}/")
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base)
            if path.is_file() and not SKIPPED_PARTS & set(rel.parts) and path.suffix not in {".pyc", ".pyo"}:
                out.append((path, f"{target}/{rel.as_posix()}"))
    return out


class build_py_with_data(build_py):
    """build_py, then the top-level data/ and resources/ copied into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for target in MAPPED.values():  # no stale copy of a file since removed (pip builds in build/)
            self.remove_tree_quietly(Path(self.build_lib) / target)
        for source, target in _mapped_files():
            dest = Path(self.build_lib) / target
            self.mkpath(str(dest.parent))
            self.copy_file(str(source), str(dest), preserve_mode=False)

    @staticmethod
    def remove_tree_quietly(path: Path) -> None:
        import shutil

        shutil.rmtree(path, ignore_errors=True)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(Path(self.build_lib) / target) for _, target in _mapped_files()]
        return outputs


setup(cmdclass={"build_py": build_py_with_data})
