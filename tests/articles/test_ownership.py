"""
Every draft has an owner: a draft made from pasted text or from an accepted
reader question is written by whoever made it, is on their desk, and a
writer may delete it while it was never published.
"""

from django.urls import reverse

from articles.models import Article, ReaderQuestion
from articles.newsroom import desk
from articles.readers import asking
from tests.articles.test_admin import AdminTestCase
from tests.roles import staff

TEXT = """\
Fact check: Did the city plant 10,000 trees last year?

Checked on September 9, 2025

In short
The city planted about 7,400 trees [1].

1. Counting the trees
The planting log lists 7,412 trees [1].
"""


class OwnedDraftTests(AdminTestCase):
    def my_drafts(self, user):
        lists = {item.key: item for item in desk.for_user(user).lists}
        return [article.pk for article in lists["mine"].items]

    def delete(self, user, article):
        self.client.force_login(user)
        return self.client.post(
            reverse("admin:articles_article_delete", args=[article.pk]),
            {"post": "yes"},
        )

    def test_writer_owns_her_import_and_may_delete_it(self):
        self.client.force_login(self.writer)
        self.client.post(reverse("admin:articles_article_import"), {"text": TEXT})
        article = Article.objects.get()

        self.assertEqual(article.assigned_writer, self.writer)
        self.assertEqual(self.my_drafts(self.writer), [article.pk])
        mine = self.client.get(
            reverse("admin:articles_article_changelist"),
            {"assigned_writer__id__exact": self.writer.pk},
        )
        self.assertContains(mine, article.title)

        self.assertEqual(self.delete(self.writer, article).status_code, 302)
        self.assertFalse(Article.objects.exists())

    def test_writer_owns_the_draft_of_a_question_she_accepts(self):
        question = asking.submit(claim="The mayor said the bridge money was stolen.")
        self.client.force_login(self.writer)

        self.client.post(
            reverse("admin:articles_readerquestion_changelist"),
            {"action": "accept", "_selected_action": [question.pk]},
        )

        article = ReaderQuestion.objects.get(pk=question.pk).fact_check
        self.assertEqual(article.assigned_writer, self.writer)
        self.assertEqual(self.my_drafts(self.writer), [article.pk])
        self.assertEqual(self.delete(self.writer, article).status_code, 302)
        self.assertFalse(Article.objects.filter(pk=article.pk).exists())

    def test_another_writer_may_not_delete_it(self):
        self.client.force_login(self.writer)
        self.client.post(reverse("admin:articles_article_import"), {"text": TEXT})
        article = Article.objects.get()

        other = staff("Writer", username="other-writer")
        self.assertEqual(self.delete(other, article).status_code, 403)
        self.assertTrue(Article.objects.filter(pk=article.pk).exists())
