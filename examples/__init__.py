"""Teaching material: .pram programs (examples/pram/) and the course checkers (examples/course/)."""
