# Landed migrations import a few modules by the names they had before the
# articles app was arranged into packages (issue 20). Migrations are never
# edited once landed, so those names stay importable here, where the
# migrations load, and nowhere else.
import sys

from articles.factchecks import changes, markup, schema, shape

sys.modules.setdefault("articles.changes", changes)
sys.modules.setdefault("articles.rendering", markup)
sys.modules.setdefault("articles.schema", schema)
sys.modules.setdefault("articles.shape", shape)
