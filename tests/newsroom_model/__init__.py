"""
A model of the newsroom that checks every promise (issue 19, item 9).

machine.py drives random sequences of real acts as the real roles;
invariants.py holds the promises I1–I6 it checks after every step;
test_model.py runs it within a budget (NEWSROOM_EXAMPLES, NEWSROOM_STEPS;
`make soak` runs thousands); test_regressions.py keeps the sequences it
found, shrunk, as plain tests.
"""
