"""factory_boy factories for the usual cast and their cases."""

import factory

from cases.models import Organization, Queue, User
from cases.roles import Role


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.CUSTOMER
    password = factory.django.Password("secret-pass-123")


class CustomerFactory(UserFactory):
    role = Role.CUSTOMER
    organization = factory.SubFactory(OrganizationFactory)


class AgentFactory(UserFactory):
    role = Role.AGENT


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue

    name = factory.Sequence(lambda n: f"Queue {n}")
    workflow = "technical_support"
