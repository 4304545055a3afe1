"""The ground floor: the error tree, the vocabulary and the YAML-file helper.

Every other package may import `core`; `core` imports nothing of the project (docs/architecture.md).
"""
