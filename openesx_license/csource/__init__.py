"""The C front-end shared by the dependency graph and the IP index.

One lexer (:mod:`.lexer`: comments, literals, directives, ``#include`` names, the normalised
token stream of the code fingerprints), one preprocessor-level reading (:mod:`.directives`:
conditionals, includes, macro definitions), one recogniser of top-level definitions
(:mod:`.definitions`, K&R functions included) and the readings of uses (:mod:`.uses`), put
together as a file's symbol facts by :mod:`.symbols`. It imports nothing of the pipeline.
"""
