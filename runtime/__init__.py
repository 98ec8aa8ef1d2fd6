"""The runtime of the generated packages: plain Python, linted, type-checked and tested here.

Every module of this directory but this one is copied byte for byte into each generated
package that has a client and a server (see `generator.render.runtime_files`). The modules
import one another relatively, and take whatever differs between APIs as arguments, as
attributes of the package's own subclasses, or from `__package__`: none is a template.
"""
