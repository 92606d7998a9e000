from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Fact checks")

    def ready(self):
        from django.db.models.signals import post_save

        from sources.models import Source

        from .newsroom import approvals

        # Sources are shared records edited on their own: an edit to one
        # sends the drafts approved with it back to review.
        post_save.connect(
            approvals.source_saved,
            sender=Source,
            dispatch_uid="articles.newsroom.approvals.source_saved",
        )
