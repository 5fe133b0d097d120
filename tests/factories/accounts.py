import factory

from foundation.accounts.models import Agency, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Agency.Kind.POLICE_FORCE

    class Params:
        isac_service = factory.Trait(kind=Agency.Kind.ISAC_SERVICE)
        probation = factory.Trait(kind=Agency.Kind.PROBATION)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    agency = factory.SubFactory(AgencyFactory, name="Home Force")
    roles = factory.LazyFunction(lambda: [Role.OFFICER])
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()

    class Params:
        enhanced = factory.Trait(is_enhanced_champion=True)
        srp_assessor = factory.Trait(is_srp_assessor=True)
        manager = factory.Trait(is_manager=True)
