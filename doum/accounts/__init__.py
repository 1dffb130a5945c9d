"""Users, departments, groups, roles, sessions and API tokens."""
