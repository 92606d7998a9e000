from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from factually.admin import VersionedModelAdmin

from .models import Source


@admin.register(Source)
class SourceAdmin(VersionedModelAdmin):
    list_display = ["title", "publisher", "kind", "display_date", "citation_count"]
    list_filter = ["kind", "date_precision"]
    search_fields = ["title", "publisher", "authors", "url"]
    date_hierarchy = "created_at"
    ordering = ["title"]
    readonly_fields = ["cited_in"]
    fieldsets = [
        (None, {"fields": ["title", "publisher", "authors", "kind"]}),
        (_("Date"), {"fields": [("published_on", "date_precision"), "accessed_on"]}),
        (_("Where to find it"), {"fields": ["url", "archived_url"]}),
        (None, {"fields": ["note", "cited_in"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Count("citations__article", distinct=True))
        )

    @admin.display(description=_("date"))
    def display_date(self, source):
        return source.display_date()

    @admin.display(description=_("cited by"), ordering="citation_count")
    def citation_count(self, source):
        return source.citation_count

    @admin.display(description=_("cited in"))
    def cited_in(self, source):
        # The article admin lives in another app; its URL name comes from
        # the citing model's _meta, keeping this module free of imports from it.
        article_opts = Source.citations.rel.related_model._meta.get_field(
            "article"
        ).related_model._meta
        change = (
            f"{self.admin_site.name}:{article_opts.app_label}_"
            f"{article_opts.model_name}_change"
        )
        articles = (
            source.citations.select_related("article")
            .order_by("article__title", "position")
            .values_list("article_id", "article__title", "position")
        )
        if not articles:
            return _("Not cited yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> [{}]</li>',
                ((reverse(change, args=[pk]), title, n) for pk, title, n in articles),
            ),
        )
