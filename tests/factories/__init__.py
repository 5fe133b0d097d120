from tests.factories.accounts import AgencyFactory, UserFactory

__all__ = ["AgencyFactory", "UserFactory"]
