"""The classroom game: every student plays a farm of a village from their own screen.

:mod:`~coopsim.classroom.game` runs a story's village on the model, one round a year;
:mod:`~coopsim.classroom.room` holds the rooms a teacher opens and the students in them;
:mod:`~coopsim.classroom.handout` draws the one-page summary of a class's game.
"""
