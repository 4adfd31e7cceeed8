"""Satisfaction surveys, offered once a customer accepts a solution (customer_service)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Survey(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="survey")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"
            ),
        )

    def __str__(self) -> str:
        return f"survey of case {self.case_id}: {self.rating}/5"
