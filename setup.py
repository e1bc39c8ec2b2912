"""Build hook: the wheel carries the page translations compiled (.mo), not their .po sources.

Everything else about the build is in pyproject.toml. `make translations` compiles the .mo in
a checkout, but that file is git-ignored and may be stale or missing, so the build compiles
every web/translations/<lang>/LC_MESSAGES/*.po itself (babel, as `pybabel compile` does:
fuzzy entries left out) into the wheel. No catalog found is an error, never an English-only
wheel.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

CATALOGS = Path("web", "translations")


class BuildPyWithCatalogs(build_py):
    """build_py, then the compiled catalogs into the build folder."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            # An editable install reads the checkout, where web/language.py compiles the .po.
            return
        for mo in self._compile_catalogs():
            self.announce(f"compiled {mo}", level=2)

    def _compile_catalogs(self) -> list[Path]:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        sources = sorted(CATALOGS.glob("*/LC_MESSAGES/*.po"))
        if not sources:
            raise SetupError(f"no translations found under {CATALOGS}/*/LC_MESSAGES/")
        written = []
        for po in sources:
            mo = Path(self.build_lib, po.with_suffix(".mo"))
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name, domain=po.stem)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            written.append(mo)
        return written

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [
                str(Path(self.build_lib, po.with_suffix(".mo")))
                for po in sorted(CATALOGS.glob("*/LC_MESSAGES/*.po"))
            ]
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogs})
