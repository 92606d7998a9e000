import factory

from sources.models import Source


class SourceFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Report number {n}")
    url = factory.Sequence(lambda n: f"https://example.org/reports/{n}")

    class Meta:
        model = Source
