"""The signed-in user is read with their province: every signed-in page names it in the
navigation, and the permission rules compare it (one query a request instead of two)."""

from django.contrib.auth import backends, get_user_model

from common.queries import by_key


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = by_key(user_model._default_manager.select_related("province").filter(pk=user_id))
        return user if user is not None and self.user_can_authenticate(user) else None
