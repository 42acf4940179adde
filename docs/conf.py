"""Sphinx configuration for streamsim's documentation site.

Build it with ``sphinx-build -W -b html docs docs/_build/html`` after ``pip install -e '.[docs]'``.
Tutorial pages are MyST-NB notebooks written as markdown; they run at every build and any cell
that raises fails the build, so what they show is what the code does.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
# autodoc imports the worktree's package even when another checkout is installed; the notebook
# kernel is a separate process and inherits PYTHONPATH, so it gets the same path.
sys.path.insert(0, str(SRC))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]
)

from sphinx.application import Sphinx  # noqa: E402

import streamsim  # noqa: E402  (after the path is set)

project = "streamsim"
author = "the streamsim authors"
copyright = "the streamsim authors"
release = streamsim.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

exclude_patterns = ["_build", "jupyter_execute", ".jupyter_cache", "Thumbs.db", ".DS_Store"]

# MyST: markdown pages, heading anchors for the existing docs' in-page links.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

# MyST-NB: execute every notebook at every build (they are small), fail the build on error.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
nb_execution_show_tb = True
nb_merge_streams = True
# Anything a cell writes to stderr (a warning, a stray traceback) is a build warning, so -W fails.
nb_output_stderr = "warn"
# Pictures are SVG: prefer them over PNG or HTML when an object offers several.
nb_mime_priority_overrides = [
    ("html", "image/svg+xml", 5),
]

# autodoc over the public namespace, in source order, type hints in the signature (the
# docstrings describe several parameters at once, "a, b: text"; one list, not two).
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_use_param = False  # "a, b: text" stays one entry instead of repeating the text
# Attributes as fields of the class, not as entries of their own: attrs classes already list
# their fields as members, and two entries for one name is a duplicate-object warning.
napoleon_use_ivar = True

# Some docstrings qualify a section header with a note in parentheses ("Args (keyword, AWS
# names):"), which Google-style parsing does not recognise as a header.  Rewrite the known ones
# before napoleon reads them; an unknown one fails the build so it gets a rewrite here too.
SECTION_NOTES = {
    "Args (keyword, AWS names):": ["Keyword Args:"],
    "Attributes (AWS parameter in brackets):": [
        "Each attribute's AWS parameter is given in brackets.",
        "",
        "Attributes:",
    ],
    "Raises (from the validator):": ["Raises:"],
}
NOTED_HEADER = re.compile(r"^(Args|Arguments|Attributes|Raises|Returns|Yields) \(.*\):$")


def _rewrite_section_notes(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Turn ``Args (note):`` style headers into headers napoleon knows (see SECTION_NOTES)."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if NOTED_HEADER.match(stripped):
            if stripped not in SECTION_NOTES:
                raise ValueError(f"{name}: add {stripped!r} to SECTION_NOTES in docs/conf.py")
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + new if new else "" for new in SECTION_NOTES[stripped]]
        else:
            out.append(line)
    lines[:] = out


def setup(app: Sphinx) -> None:
    """Run the header rewrite before napoleon (priority 500) converts the docstrings."""
    app.connect("autodoc-process-docstring", _rewrite_section_notes, priority=400)


html_theme = "furo"
html_title = f"streamsim {release}"
html_static_path: list[str] = []
