"""The forms of registration, a module per area. Forms only parse and check input; every rule is
applied by the services they feed."""
