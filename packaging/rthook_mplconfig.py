"""PyInstaller runtime hook: a persistent matplotlib config/cache folder for the bundle.

PyInstaller's own hook (pyi_rth_mplconfig) points MPLCONFIGDIR at a new temporary
folder on every start, so matplotlib rebuilds its font cache (it runs fc-list and
reads every installed font) each time the app opens: +0.4 s here, seconds on a
machine with many fonts. ninety.spec drops that hook and uses this one: an
MPLCONFIGDIR set by the user wins; otherwise Ninety's own cache folder is used,
which also keeps a user's ~/.config/matplotlib/matplotlibrc from restyling the
app's charts.
"""


def _ninety_mplconfig():
    import os
    import sys

    if os.environ.get("MPLCONFIGDIR"):
        return
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        folder = os.path.join(base, "Ninety", "Ninety", "cache", "matplotlib")
    elif sys.platform == "darwin":
        folder = os.path.join(home, "Library", "Caches", "Ninety", "matplotlib")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
        folder = os.path.join(base, "Ninety", "matplotlib")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return  # matplotlib falls back to a temporary folder by itself
    os.environ["MPLCONFIGDIR"] = folder


_ninety_mplconfig()
del _ninety_mplconfig
