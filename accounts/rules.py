"""Who manages accounts: admins only (everyone changes their own password)."""

import rules


@rules.predicate
def is_admin(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


rules.add_perm("accounts.manage_staff", is_admin)
