"""
Staff as the roles the migrations create (Writer, Editor, Fundraising), for
tests to act as real people rather than superusers.
"""

import importlib

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

# Every test user's password, for the tests that log in through a form.
PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True


def create_roles():
    """The groups the data migrations made, again if a flush removed them."""
    importlib.import_module("articles.migrations.0002_roles").create_groups(apps, None)
    importlib.import_module(
        "donations.migrations.0002_fundraising_group"
    ).create_fundraising_group(apps, None)
    importlib.import_module(
        "donations.migrations.0004_fundraising_group_new_permissions"
    ).grant_new_permissions(apps, None)
    importlib.import_module("articles.migrations.0008_editors_remove_versions").grant(
        apps, None
    )
    # The about pages' migration also gives editors their permissions.
    importlib.import_module(
        "articles.migrations.0010_about_pages_content"
    ).create_pages(apps, None)
    importlib.import_module("articles.migrations.0014_review_roles").grant(apps, None)
    importlib.import_module("donations.migrations.0005_fundraising_audit").grant_audit(
        apps, None
    )
    importlib.import_module(
        "articles.migrations.0017_reader_questions_social_cards"
    ).grant_triage(apps, None)
    importlib.import_module(
        "donations.migrations.0007_fundraising_giving_methods"
    ).grant_giving_methods(apps, None)


def staff(role, username=None, **fields):
    """A staff member in the group `role` ("Writer", "Editor", "Fundraising")."""
    user = UserFactory(username=username or role.lower(), is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user
