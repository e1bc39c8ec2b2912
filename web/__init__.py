"""The web layer: the only code that imports flask, werkzeug and wtforms (STYLE.md point 1)."""

# Where create_app keeps the content library it loaded (and validated) once at start-up.
LIBRARY_KEY = "bill_explainer_library"
