"""The course's exercise checkers (docs/course/): ``python -m examples.course check L E FILE``.

Each exercise of a lesson has a checker that runs the student's answer against the project's
own machines -- the reference PRAM, the engines with the one ``g``, the encoder interpreter, the
constructions -- never against a stored answer, so a checker cannot drift from what the lesson's
commands show. ``solutions/`` holds one reference answer per exercise (the tests check that each
is accepted and that plausible wrong answers are rejected).
"""
