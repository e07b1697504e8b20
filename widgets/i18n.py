"""Translation setup. Source strings are Simplified Chinese (the product's first language); English comes from
``resources/translations/urbanops_en.qm`` built by ``python -m widgets.i18n_build``.

Dynamic domain labels (status, source, role, action names) are translated in the "domain" context with the
Chinese label as the key, see :mod:`widgets.labels`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from console.resources import resource_path

LANGUAGES = ("zh", "en")
_installed: list[QTranslator] = []


def translations_dir() -> Path:
    return resource_path("translations")


def install_language(app: QCoreApplication, lang: str) -> bool:
    """Install the translator for ``lang`` (zh needs none); returns True when a translation is active."""
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.English if lang == "en" else QLocale.Language.Chinese,
                               QLocale.Country.UnitedStates if lang == "en" else QLocale.Country.China))
    if lang != "en":
        return False
    translator = QTranslator(app)
    if not translator.load(str(translations_dir() / "urbanops_en.qm")):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def current_language() -> str:
    return "en" if _installed else "zh"
