"""
Sphinx configuration for Factually's manual: Markdown sources read by MyST,
built by `make docs` into docs/_build/html with warnings as errors.
"""

project = "Factually"
author = "Factually"
copyright = "Factually"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

# Headings up to level 3 get anchors, so pages link to each other's
# sections ("configuration.md#email") and a renamed heading fails the build.
myst_heading_anchors = 3

html_theme = "furo"
html_title = "Factually manual"
html_show_sourcelink = False
html_copy_source = False
# Nothing loaded from the network: furo's fonts are the reader's own.
html_static_path = []
